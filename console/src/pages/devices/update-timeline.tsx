import { Link } from 'wouter';
import type { components } from '../../../../clients/typescript';
import { formatTime } from '../dashboard/format';

export type DeviceUpdate = components['schemas']['UpdateResponseDto'];

// Statuses in which the device is still working on the update: their progress is worth showing.
const WORKING = new Set<DeviceUpdate['status']>(['in_progress', 'downloading', 'verifying', 'installing', 'awaiting_activation', 'rebooting']);

/**
 * A device's updates, newest first, as a timeline: versions, kind, outcome, why it failed, where
 * it came from. `campaignNames` names the campaigns it knows; others show a short id.
 */
export function UpdateTimeline({ updates, campaignNames }: { updates: DeviceUpdate[]; campaignNames: ReadonlyMap<string, string> }) {
  return (
    <ol className="timeline" aria-label="Update history">
      {updates.map((update) => (
        <li key={update.update_id}>
          <div className="update-head">
            <strong>
              {update.from_version ?? 'unknown'} → {update.to_version}
            </strong>
            <span className="badge">{update.kind}</span>
            <span className={`status status-${update.status}`}>{update.status.replaceAll('_', ' ')}</span>
            {WORKING.has(update.status) && <span>{Math.round(update.progress_percentage)} %</span>}
          </div>
          <div>
            {update.firmware ? (
              <Link href={`/firmware/${update.firmware_id}`}>
                {update.firmware.name} {update.firmware.version}
              </Link>
            ) : (
              <span>firmware deleted</span>
            )}
            {update.campaign_id ? (
              <>
                {' · '}
                <Link href={`/campaigns/${update.campaign_id}`}>Campaign {campaignNames.get(update.campaign_id) ?? update.campaign_id.slice(0, 8)}</Link>
              </>
            ) : (
              ' · sent directly, not by a campaign'
            )}
            {update.retry_count > 0 && ` · retried ${update.retry_count} of ${update.max_retries} times`}
          </div>
          {(update.error_code || update.error_message) && (
            <div className="update-error">
              Error {update.error_code && <code>{update.error_code}</code>}
              {update.error_message && `: ${update.error_message}`}
            </div>
          )}
          <div className="update-times">
            <TimeOf label="Created" iso={update.created_at} />
            <TimeOf label="Started" iso={update.started_at} />
            <TimeOf label="Finished" iso={update.completed_at} />
            <TimeOf label="Confirmed healthy" iso={update.health_confirmed_at} />
          </div>
        </li>
      ))}
    </ol>
  );
}

function TimeOf({ label, iso }: { label: string; iso: string | null }) {
  if (iso === null) return null;
  return (
    <span>
      {label} <time dateTime={iso}>{formatTime(iso)}</time>
    </span>
  );
}
