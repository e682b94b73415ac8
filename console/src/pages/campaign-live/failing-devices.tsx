import { Link } from 'wouter';
import { unwrap } from '../../api/errors';
import { useResource } from '../../api/use-resource';
import type { Session } from '../../api/session';
import { ErrorMessage } from '../../components/error-message';
import { stageLabel } from './stage-failures';

const PAGE_SIZE = 50;

/**
 * The first page of the campaign's failed devices with their error codes. `refreshKey` changes
 * when the failure counts change (throttled by the page), which reads the page again.
 */
export function FailingDevices({ session, campaignId, refreshKey }: { session: Session; campaignId: string; refreshKey: string }) {
  const { data, error, loading } = useResource(
    (signal) =>
      unwrap(
        session.client.GET('/api/v1/campaigns/{campaign_id}/devices', {
          params: { path: { campaign_id: campaignId }, query: { status: 'failed', limit: PAGE_SIZE } },
          signal,
        }),
      ),
    [session, campaignId, refreshKey],
  );

  return (
    <div aria-busy={loading}>
      <ErrorMessage error={error} />
      {data === undefined ? (
        loading && <p>Loading…</p>
      ) : (
        <>
          <p>
            {data.total === 0
              ? 'No device has failed.'
              : data.total > data.count
                ? `The first ${data.count} of ${data.total} failed devices.`
                : `${data.total} failed ${data.total === 1 ? 'device' : 'devices'}.`}
          </p>
          <table>
            {/* The section heading says it on screen; the caption names the table for assistive technology. */}
            <caption className="visually-hidden">Failing devices</caption>
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">Stage</th>
                <th scope="col">Status</th>
                <th scope="col">Error code</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {data.devices.map((device) => (
                <tr key={device.update_id}>
                  <td>
                    <Link href={`/devices/${encodeURIComponent(device.device_id)}`}>{device.device_id}</Link>
                  </td>
                  <td>{device.stage === null ? '–' : stageLabel(device.stage)}</td>
                  <td>
                    <span className={`status status-${device.status}`}>{device.status}</span>
                    {device.kind === 'rollback' && <span className="hint"> (rollback)</span>}
                  </td>
                  <td>{device.error_code ? <code>{device.error_code}</code> : '–'}</td>
                  <td>
                    <time dateTime={device.updated_at}>{new Date(device.updated_at).toLocaleString()}</time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
