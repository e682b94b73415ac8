import { Link } from 'wouter';
import { unwrap } from '../../api/errors';
import { useSession } from '../../api/session-context';
import { useResource } from '../../api/use-resource';
import { ErrorMessage } from '../../components/error-message';
import { formatTime } from '../dashboard/format';
import { PaginationControls } from '../firmware/pagination-controls';
import { useUrlFilters } from '../firmware/use-url-filters';
import { deviceFiltersFromParams, deviceParams, devicePath, deviceQuery, deviceStatusOf, NO_DEVICE_FILTERS, type DeviceFilters } from './device-query';
import { ImportDevices } from './import-devices';
import './devices.css';

const PAGE_SIZE = 50;

/** The registry: every filter `GET /devices` has, a page of devices, and the import for writers. */
export function DeviceListPage() {
  const session = useSession();
  const filters = useUrlFilters(deviceFiltersFromParams, deviceParams, NO_DEVICE_FILTERS);
  const list = useResource(
    (signal) => unwrap(session.client.GET('/api/v1/devices', { params: { query: deviceQuery(filters.applied, filters.offset, PAGE_SIZE) }, signal })),
    [session.client, filters.key],
  );
  const groups = useResource((signal) => unwrap(session.client.GET('/api/v1/device-groups', { signal })), [session.client]);
  const { draft } = filters;
  const edit = (change: Partial<DeviceFilters>) => filters.setDraft({ ...draft, ...change });

  return (
    <>
      <h1>Devices</h1>
      {session.canWrite && (
        <ImportDevices
          onImported={() => {
            list.reload();
            groups.reload();
          }}
        />
      )}

      <section aria-labelledby="device-list-heading">
        <h2 id="device-list-heading">Registered devices</h2>
        <form className="toolbar device-filters" role="search" aria-label="Filter devices" onSubmit={(event) => event.preventDefault()}>
          <label>
            Device id starts with
            <input value={draft.q} onChange={(event) => edit({ q: event.target.value })} maxLength={255} spellCheck={false} />
          </label>
          <label>
            Device type
            <input value={draft.device_type} onChange={(event) => edit({ device_type: event.target.value })} maxLength={100} />
          </label>
          <label>
            Device model
            <input value={draft.device_model} onChange={(event) => edit({ device_model: event.target.value })} maxLength={100} />
          </label>
          <div className="filter-with-hint">
            <label htmlFor="firmware-range">Firmware version</label>
            <input
              id="firmware-range"
              value={draft.firmware_version}
              onChange={(event) => edit({ firmware_version: event.target.value })}
              maxLength={256}
              placeholder=">=1.2.0 <2.0.0"
              aria-describedby="firmware-range-hint"
            />
            <span id="firmware-range-hint" className="hint">
              a semver range: 1.4.2, &lt;2.0.0, 1.x
            </span>
          </div>
          <label>
            Group
            <select value={draft.group} onChange={(event) => edit({ group: event.target.value })}>
              <option value="">Any group</option>
              {/* A group in the URL that no device has any more still shows as chosen. */}
              {draft.group !== '' && !groups.data?.groups.some((group) => group.name === draft.group) && <option value={draft.group}>{draft.group}</option>}
              {groups.data?.groups.map((group) => (
                <option key={group.name} value={group.name}>
                  {group.name} ({group.device_count})
                </option>
              ))}
            </select>
          </label>
          <label>
            Tag
            <input value={draft.tag} onChange={(event) => edit({ tag: event.target.value })} maxLength={100} />
          </label>
          <button type="button" onClick={filters.clear}>
            Clear filters
          </button>
        </form>
        <ErrorMessage error={groups.error} title="Could not load the groups" />
        <ErrorMessage error={list.error} title="Could not load the devices" />
        <div aria-busy={list.loading}>
          {list.data === undefined ? (
            list.loading && <p>Loading…</p>
          ) : (
            <>
              <table aria-label="Devices">
                <thead>
                  <tr>
                    <th scope="col">Device id</th>
                    <th scope="col">Model</th>
                    <th scope="col">Firmware version</th>
                    <th scope="col">Status</th>
                    <th scope="col">Groups</th>
                    <th scope="col">Last seen</th>
                  </tr>
                </thead>
                <tbody>
                  {list.data.devices.length === 0 && (
                    <tr>
                      <td colSpan={6}>No device matches.</td>
                    </tr>
                  )}
                  {list.data.devices.map((device) => (
                    <tr key={device.device_id}>
                      <td>
                        <Link href={devicePath(device.device_id)}>{device.device_id}</Link>
                      </td>
                      <td>{device.device_model ?? '—'}</td>
                      <td>{device.firmware_version ?? '—'}</td>
                      <td>{deviceStatusOf(device)}</td>
                      <td>{device.groups.length > 0 ? device.groups.join(', ') : '—'}</td>
                      <td>{formatTime(device.last_seen_at)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <PaginationControls label="Devices" offset={filters.offset} limit={PAGE_SIZE} count={list.data.count} total={list.data.total} onOffset={filters.setOffset} />
            </>
          )}
        </div>
      </section>
    </>
  );
}
