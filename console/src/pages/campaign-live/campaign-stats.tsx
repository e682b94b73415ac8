import type { CampaignStats as Stats } from '../../api/campaign-events';
import { formatRate } from './stage-failures';
import { GROUP_LABELS, type GroupCounts, type StatusGroup } from './status-series';

/** The order a campaign moves its devices through. */
const SHOWN_GROUPS: readonly StatusGroup[] = ['pending', 'in_progress', 'completed', 'failed', 'cancelled'];

/** Key figures: devices per status group, then the failure rate against the threshold and the rollback. */
export function CampaignStats({ counts, stats }: { counts: GroupCounts; stats: Stats | undefined }) {
  const over = stats !== undefined && stats.failure_rate !== null && stats.failure_rate >= stats.failure_threshold_percent;
  return (
    <dl className="grid campaign-stats">
      <Stat label="Total devices" value={counts.total.toLocaleString()} />
      {SHOWN_GROUPS.map((group) => (
        <Stat key={group} label={GROUP_LABELS[group]} value={counts[group].toLocaleString()} />
      ))}
      {stats && (
        <Stat
          label={`Failure rate (threshold ${stats.failure_threshold_percent}%)`}
          value={stats.failure_rate === null ? '–' : formatRate(stats.failure_rate)}
          note={stats.failure_rate === null ? 'none finished yet' : over ? 'over threshold' : undefined}
        />
      )}
      {stats?.eta_seconds != null && stats.eta_seconds > 0 && <Stat label="Time left (estimate)" value={duration(stats.eta_seconds)} />}
      {stats?.rollback && (
        <Stat
          label="Rolled back"
          value={`${stats.rollback.completed} / ${stats.rollback.planned}`}
          note={stats.rollback.failed > 0 ? `${stats.rollback.failed} failed` : undefined}
        />
      )}
    </dl>
  );
}

function Stat({ label, value, note }: { label: string; value: string; note?: string | undefined }) {
  return (
    <div className="stat">
      <dt className="label">{label}</dt>
      <dd className="value">{value}</dd>
      {note && <dd className="note">{note}</dd>}
    </div>
  );
}

/** "about 3 min", "about 2 h 5 min". */
export function duration(seconds: number): string {
  const minutes = Math.max(1, Math.round(seconds / 60));
  if (minutes < 60) return `about ${minutes} min`;
  return `about ${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
