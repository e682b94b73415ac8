import type { CampaignStats } from '../../api/campaign-events';

/** The status groups of the chart and the stat cards, bottom of the stack first. */
export const STATUS_GROUPS = ['completed', 'failed', 'cancelled', 'in_progress', 'pending'] as const;
export type StatusGroup = (typeof STATUS_GROUPS)[number];

export const GROUP_LABELS: Record<StatusGroup, string> = {
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled or rolled back',
  in_progress: 'In progress',
  pending: 'Pending',
};

/**
 * Which group each bucket of the stats' `counts` falls in. Buckets follow the service's tallies:
 * `waiting_busy` is a `created` row whose device was busy, `retrying` a failed row with a retry
 * due (so still in the works), `health_pending` a completed row whose health window is open,
 * `timed_out` and `health_check` failures.
 */
const BUCKET_GROUPS: Record<string, StatusGroup> = {
  created: 'pending',
  waiting_busy: 'pending',
  scheduled: 'in_progress',
  awaiting_confirmation: 'in_progress',
  in_progress: 'in_progress',
  downloading: 'in_progress',
  verifying: 'in_progress',
  installing: 'in_progress',
  awaiting_activation: 'in_progress',
  rebooting: 'in_progress',
  retrying: 'in_progress',
  completed: 'completed',
  health_pending: 'completed',
  failed: 'failed',
  timed_out: 'failed',
  health_check: 'failed',
  cancelled: 'cancelled',
  rolled_back: 'cancelled',
};

export type GroupCounts = Record<StatusGroup, number> & { total: number };

/**
 * The campaign's device rows per group. A bucket the console does not know (added to the service
 * later) is counted as in progress: it is neither pending nor one of the known final states.
 */
export function groupCounts(counts: Record<string, number>): GroupCounts {
  const grouped: GroupCounts = { completed: 0, failed: 0, cancelled: 0, in_progress: 0, pending: 0, total: 0 };
  for (const [bucket, count] of Object.entries(counts)) {
    grouped[BUCKET_GROUPS[bucket] ?? 'in_progress'] += count;
    grouped.total += count;
  }
  return grouped;
}

/** The chart's history: one point per counts message, times in seconds (uPlot's time unit). */
export interface StatusHistory {
  times: number[];
  groups: Record<StatusGroup, number[]>;
}

/** Points kept: at most one counts message a second, so ten minutes of a busy campaign. */
export const HISTORY_LIMIT = 600;

export function emptyHistory(): StatusHistory {
  return { times: [], groups: { completed: [], failed: [], cancelled: [], in_progress: [], pending: [] } };
}

/**
 * The history with the counts received at `atMs` appended, the oldest points dropped past
 * `limit`. Returns a new history (React state), leaving the given one as it was.
 */
export function appendCounts(history: StatusHistory, stats: Pick<CampaignStats, 'counts'>, atMs: number, limit = HISTORY_LIMIT): StatusHistory {
  const grouped = groupCounts(stats.counts);
  const keep = (values: number[], next: number) => [...values, next].slice(-limit);
  const groups = Object.fromEntries(STATUS_GROUPS.map((group) => [group, keep(history.groups[group], grouped[group])])) as Record<StatusGroup, number[]>;
  return { times: keep(history.times, atMs / 1000), groups };
}

/**
 * Running sums of the groups in `STATUS_GROUPS` order: entry k is the top edge of group k's band,
 * entry k-1 its bottom edge (zero for the first). uPlot has no stacking of its own.
 */
export function stackSeries(history: StatusHistory): number[][] {
  const stacked: number[][] = [];
  let below = history.times.map(() => 0);
  for (const group of STATUS_GROUPS) {
    const top = history.groups[group].map((value, index) => (below[index] ?? 0) + value);
    stacked.push(top);
    below = top;
  }
  return stacked;
}
