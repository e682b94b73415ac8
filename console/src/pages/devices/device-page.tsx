import type { ReactNode } from 'react';
import { Link } from 'wouter';
import type { OtaClient } from '../../../../clients/typescript';
import { unwrap } from '../../api/errors';
import { useSession } from '../../api/session-context';
import { useResource } from '../../api/use-resource';
import { DetailsList } from '../../components/details-list';
import { ErrorMessage } from '../../components/error-message';
import { formatCount, formatTime } from '../dashboard/format';
import { deviceIdFromRoute, deviceStatusOf, type Device } from './device-query';
import { NameBadges } from '../firmware/name-badges';
import { type DeviceUpdate, UpdateTimeline } from './update-timeline';
import './devices.css';

const HISTORY_LENGTH = 50;
// Names are looked up one campaign at a time: a device's history rarely spans more than a few.
const NAMED_CAMPAIGNS = 10;
const NO_NAMES: ReadonlyMap<string, string> = new Map();

/** One device: what it is and reports, and its updates as a timeline. */
export function DevicePage({ deviceId: param }: { deviceId: string }) {
  const { client } = useSession();
  const deviceId = deviceIdFromRoute(param);
  const device = useResource(
    (signal) => unwrap(client.GET('/api/v1/devices/{device_id}', { params: { path: { device_id: deviceId } }, signal })),
    [client, deviceId],
  );
  const history = useResource(
    (signal) =>
      unwrap(client.GET('/api/v1/devices/{device_id}/updates', { params: { path: { device_id: deviceId }, query: { limit: HISTORY_LENGTH } }, signal })),
    [client, deviceId],
  );

  const campaignIds = campaignIdsOf(history.data?.updates ?? []);
  const campaignNames = useResource((signal) => loadCampaignNames(client, campaignIds, signal), [client, campaignIds.join()]);

  return (
    <>
      <h1>{deviceId}</h1>
      <p>
        <Link href="/devices">All devices</Link>
      </p>
      <ErrorMessage error={device.error} title="Could not load the device" />
      {device.data === undefined ? device.loading && <p aria-busy="true">Loading…</p> : <DeviceDetails device={device.data} />}

      <section className="card" aria-labelledby="history-heading">
        <h2 id="history-heading">Update history</h2>
        <ErrorMessage error={history.error} title="Could not load the updates" />
        {history.data === undefined ? (
          history.loading && <p aria-busy="true">Loading…</p>
        ) : (
          <>
            <p>
              {formatCount(history.data.total_updates)} updates: {formatCount(history.data.successful_updates)} succeeded,{' '}
              {formatCount(history.data.failed_updates)} failed
              {history.data.avg_success_rate !== null && ` (success rate ${history.data.avg_success_rate.toFixed(1)} %)`}.
              {history.data.total_updates > history.data.updates.length && ` The newest ${history.data.updates.length} are shown.`}
            </p>
            {history.data.updates.length === 0 && <p>This device has had no update.</p>}
            <UpdateTimeline updates={history.data.updates} campaignNames={campaignNames.data ?? NO_NAMES} />
          </>
        )}
      </section>
    </>
  );
}

function DeviceDetails({ device }: { device: Device }) {
  const attributes = Object.entries(device.attributes);
  const rows: [string, ReactNode][] = [
    ['Device type', device.device_type ?? '—'],
    ['Device model', device.device_model ?? '—'],
    ['Manufacturer', device.manufacturer ?? '—'],
    ['Hardware version', device.hardware_version ?? '—'],
    ['Firmware version', device.firmware_version ?? '—'],
    ['Status', deviceStatusOf(device)],
    ['Groups', badges(device.groups)],
    ['Tags', badges(device.tags)],
    ['Device token', device.has_token ? `issued ${formatTime(device.token_issued_at)}` : 'none (issue one before the device can call the device API)'],
    ['Last seen', formatTime(device.last_seen_at)],
    ['Registered', formatTime(device.created_at)],
    ['Updated', formatTime(device.updated_at)],
  ];
  return (
    <section className="card" aria-labelledby="device-details-heading">
      <h2 id="device-details-heading">Details</h2>
      <DetailsList rows={rows} />
      {attributes.length > 0 && (
        <table aria-label="Attributes" className="attributes">
          <thead>
            <tr>
              <th scope="col">Attribute</th>
              <th scope="col">Value</th>
            </tr>
          </thead>
          <tbody>
            {attributes.map(([name, value]) => (
              <tr key={name}>
                <td>{name}</td>
                <td>{String(value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The campaigns of the updates, newest first, each once, as many as are worth a lookup. */
function campaignIdsOf(updates: DeviceUpdate[]): string[] {
  const ids = updates.map((update) => update.campaign_id).filter((id): id is string => id !== null);
  return [...new Set(ids)].slice(0, NAMED_CAMPAIGNS);
}

/** Campaign names by id; a campaign that cannot be read (deleted, say) is left out and shows its id. */
async function loadCampaignNames(client: OtaClient, ids: string[], signal: AbortSignal): Promise<ReadonlyMap<string, string>> {
  const names = await Promise.all(
    ids.map(async (campaign_id) => {
      const { data } = await client.GET('/api/v1/campaigns/{campaign_id}', { params: { path: { campaign_id } }, signal }).catch(() => ({ data: undefined }));
      return data ? ([campaign_id, data.name] as const) : undefined;
    }),
  );
  return new Map(names.filter((entry) => entry !== undefined));
}

function badges(names: string[]): ReactNode {
  return names.length === 0 ? '—' : <NameBadges names={names} />;
}
