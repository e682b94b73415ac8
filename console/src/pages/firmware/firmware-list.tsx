import { Link } from 'wouter';
import { unwrap } from '../../api/errors';
import { useSession } from '../../api/session-context';
import { useResource } from '../../api/use-resource';
import { ErrorMessage } from '../../components/error-message';
import { formatBytes, formatTime } from '../dashboard/format';
import { firmwareFiltersFromParams, firmwareParams, firmwareQuery, NO_FIRMWARE_FILTERS, type FirmwareFilters } from './firmware-query';
import { PaginationControls } from './pagination-controls';
import { UploadFirmware } from './upload-firmware';
import { useUrlFilters } from './use-url-filters';
import './firmware.css';

const PAGE_SIZE = 50;

/** The organization's firmware, filtered and paged, with the upload for those who may write. */
export function FirmwareListPage() {
  const session = useSession();
  const filters = useUrlFilters(firmwareFiltersFromParams, firmwareParams, NO_FIRMWARE_FILTERS);
  const list = useResource(
    (signal) => unwrap(session.client.GET('/api/v1/firmware', { params: { query: firmwareQuery(filters.applied, filters.offset, PAGE_SIZE) }, signal })),
    [session.client, filters.key],
  );
  const { draft } = filters;
  const edit = (change: Partial<FirmwareFilters>) => filters.setDraft({ ...draft, ...change });

  return (
    <>
      <h1>Firmware</h1>
      {session.canWrite && <UploadFirmware onUploaded={list.reload} />}

      <section aria-labelledby="firmware-list-heading">
        <h2 id="firmware-list-heading">Stored firmware</h2>
        <form className="toolbar" role="search" aria-label="Filter firmware" onSubmit={(event) => event.preventDefault()}>
          <label>
            Model
            <input value={draft.deviceModel} onChange={(event) => edit({ deviceModel: event.target.value })} maxLength={100} />
          </label>
          <label>
            Made by
            <input value={draft.manufacturer} onChange={(event) => edit({ manufacturer: event.target.value })} maxLength={100} />
          </label>
          <label>
            Beta
            <select value={draft.beta} onChange={(event) => edit({ beta: event.target.value as FirmwareFilters['beta'] })}>
              <option value="">Any</option>
              <option value="true">Beta only</option>
              <option value="false">No beta</option>
            </select>
          </label>
          <label>
            Security
            <select value={draft.securityUpdate} onChange={(event) => edit({ securityUpdate: event.target.value as FirmwareFilters['securityUpdate'] })}>
              <option value="">Any</option>
              <option value="true">Security updates only</option>
              <option value="false">No security updates</option>
            </select>
          </label>
          <button type="button" onClick={filters.clear}>
            Clear filters
          </button>
        </form>

        <ErrorMessage error={list.error} title="Could not load the firmware" />
        <div aria-busy={list.loading}>
          {list.data === undefined ? (
            list.loading && <p>Loading…</p>
          ) : (
            <>
              <table aria-label="Firmware">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Version</th>
                    <th scope="col">Device model</th>
                    <th scope="col">Type</th>
                    <th scope="col">Size</th>
                    <th scope="col">Flags</th>
                    <th scope="col">Uploaded</th>
                  </tr>
                </thead>
                <tbody>
                  {list.data.firmware.length === 0 && (
                    <tr>
                      <td colSpan={7}>No firmware matches.</td>
                    </tr>
                  )}
                  {list.data.firmware.map((firmware) => (
                    <tr key={firmware.firmware_id}>
                      <td>
                        <Link href={`/firmware/${firmware.firmware_id}`}>{firmware.name}</Link>
                      </td>
                      <td>{firmware.version}</td>
                      <td>{firmware.device_model}</td>
                      <td>{firmware.update_type.replace('_', ' ')}</td>
                      <td>{formatBytes(firmware.file_size)}</td>
                      <td>
                        {firmware.is_beta && <span className="badge">beta</span>} {firmware.is_security_update && <span className="badge">security</span>}{' '}
                        {firmware.signature_verified && <span className="badge">signed</span>}
                      </td>
                      <td>{formatTime(firmware.created_at)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <PaginationControls label="Firmware" offset={filters.offset} limit={PAGE_SIZE} count={list.data.count} total={list.data.total} onOffset={filters.setOffset} />
            </>
          )}
        </div>
      </section>
    </>
  );
}
