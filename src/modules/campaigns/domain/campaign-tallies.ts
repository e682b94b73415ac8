import { HEALTH_CHECK_ERROR, UPDATE_STATUSES } from '../../updates/domain/update-state';

/**
 * What the rollout counts of a campaign's rows: each row is in one bucket (its status, with
 * `created` split by whether its device was busy, `completed` by whether its health window is
 * still open (`health_pending`), and `failed` by whether a retry is due, it timed out or it failed
 * its health check). Counts per bucket are kept per kind and stage, changed with every status change.
 */
export const TALLY_BUCKETS = [...UPDATE_STATUSES, 'waiting_busy', 'retrying', 'timed_out', 'health_pending', 'health_check'] as const;
export type TallyBucket = (typeof TALLY_BUCKETS)[number];
export type TallyCounts = Record<TallyBucket, number>;

/** The phase of a `created` row whose device had another update running when its turn came. */
export const WAITING_BUSY_PHASE = 'waiting_busy';

/** The bucket of an update in this state. */
export function bucketOf(row: {
  status: string;
  currentPhase: string | null;
  errorCode: string | null;
  nextRetryAt: Date | null;
  healthDeadline?: Date | null;
}): TallyBucket {
  if (row.status === 'created') return row.currentPhase === WAITING_BUSY_PHASE ? 'waiting_busy' : 'created';
  if (row.status === 'completed') return row.healthDeadline != null ? 'health_pending' : 'completed';
  if (row.status === 'failed') {
    if (row.nextRetryAt !== null) return 'retrying';
    return row.errorCode === 'TIMEOUT' ? 'timed_out' : row.errorCode === HEALTH_CHECK_ERROR ? 'health_check' : 'failed';
  }
  return (TALLY_BUCKETS as readonly string[]).includes(row.status) ? (row.status as TallyBucket) : 'failed';
}

export function emptyCounts(): TallyCounts {
  return Object.fromEntries(TALLY_BUCKETS.map((bucket) => [bucket, 0])) as TallyCounts;
}

export function addCounts(into: TallyCounts, more: Partial<TallyCounts>): TallyCounts {
  for (const bucket of TALLY_BUCKETS) into[bucket] += more[bucket] ?? 0;
  return into;
}

/** Buckets of rows the device is working on (or will be again, for a due retry). */
const WORKING: readonly TallyBucket[] = ['scheduled', 'in_progress', 'downloading', 'verifying', 'installing', 'rebooting', 'retrying'];

/** The figures the rollout decides on, from a set of counts. */
export interface Progress {
  /** Rows not released yet (waiting for their stage, or for their busy device). */
  unreleased: number;
  /** Released rows a device is working on, or that wait for a retry: what `max_concurrent_updates` caps. */
  inFlight: number;
  /** Of `inFlight`, failed rows waiting for their automatic retry. */
  retrying: number;
  /** Blue-green rows staged on the standby slot, waiting for the switch (not counted as in flight). */
  awaiting: number;
  /**
   * Released rows waiting for the device's consent (not counted as in flight: a device that
   * refuses would otherwise hold a slot for as long as the campaign runs).
   */
  awaitingConfirmation: number;
  /** Completed and confirmed healthy (or with no health window). */
  completed: number;
  /** Completed, the health window still open: a success so far, not finished. */
  healthPending: number;
  /** Failures the device reported (and versions it did not install). */
  failed: number;
  timedOut: number;
  /** Completed, then not confirmed healthy within the window (or reported unhealthy). */
  healthFailed: number;
  cancelled: number;
  /** Completed, then rolled back by a later rollback. */
  rolledBack: number;
  /** Every row: `unreleased + inFlight + awaiting + awaitingConfirmation + healthPending + finished`. */
  total: number;
}

export function progressOf(counts: TallyCounts): Progress {
  const sum = (buckets: readonly TallyBucket[]) => buckets.reduce((total, bucket) => total + counts[bucket], 0);
  return {
    unreleased: counts.created + counts.waiting_busy,
    inFlight: sum(WORKING),
    retrying: counts.retrying,
    awaiting: counts.awaiting_activation,
    awaitingConfirmation: counts.awaiting_confirmation,
    completed: counts.completed,
    healthPending: counts.health_pending,
    failed: counts.failed,
    timedOut: counts.timed_out,
    healthFailed: counts.health_check,
    cancelled: counts.cancelled,
    rolledBack: counts.rolled_back,
    total: sum(TALLY_BUCKETS),
  };
}

/**
 * Every row reached a final state: nothing unreleased, working, staged, waiting for consent, or
 * completed with its health window still open (a stage's gate waits for its devices' windows).
 */
export function isDone(progress: Progress): boolean {
  return progress.unreleased + progress.inFlight + progress.awaiting + progress.awaitingConfirmation + progress.healthPending === 0;
}

/** Which failures count against the threshold, from `rollback_triggers`. */
export interface FailureCounting {
  /** Failures devices report (`failure_rate`, or the original's `error_threshold`). */
  reported: boolean;
  /** Updates that ran out of time (`timeout`). */
  timeouts: boolean;
  /** Completed updates whose device never confirmed the new image (`health_check`, and any failure counting: `failure_rate`). */
  health: boolean;
}

export function failureCounting(triggers: readonly string[]): FailureCounting {
  const reported = triggers.includes('failure_rate') || triggers.includes('error_threshold');
  return { reported, timeouts: triggers.includes('timeout'), health: reported || triggers.includes('health_check') };
}

/** Why a campaign failed: the rate and the threshold that tripped, over which rows. */
export interface Breach {
  scope: 'campaign' | 'stage';
  stage: number | null;
  /** Percent, two decimals. */
  failureRate: number;
  thresholdPercent: number;
  finished: number;
  failures: number;
}

export interface FailureRate {
  /** Rows finished in a way that counts: completed (rolled back ones too) and counted failures. */
  finished: number;
  failures: number;
  /** failures / finished, 0..1; null before anything counted finished. */
  rate: number | null;
}

/**
 * `failure_rate = failed / (completed + failed)` over the rows that finished in a way that
 * counts: failures the triggers leave out count neither way. A completed row whose health window
 * is open counts as a success until it fails: failures are known at once and confirmations only
 * later, so leaving those rows out would overstate the rate while devices confirm.
 */
export function failureRate(progress: Progress, counting: FailureCounting): FailureRate {
  const failures = (counting.reported ? progress.failed : 0) + (counting.timeouts ? progress.timedOut : 0) + (counting.health ? progress.healthFailed : 0);
  const finished = progress.completed + progress.healthPending + progress.rolledBack + failures;
  return { finished, failures, rate: finished === 0 ? null : failures / finished };
}

/**
 * The threshold is breached once at least `min(minSample, total)` rows finished (so one early
 * failure in a big fleet does not stop it) and the rate reached `thresholdPercent`. `total`
 * leaves out cancelled rows, which never finish otherwise.
 */
export function isBreached(progress: Progress, counting: FailureCounting, thresholdPercent: number, minSample: number): { breached: boolean } & FailureRate {
  const rate = failureRate(progress, counting);
  const sample = Math.min(minSample, progress.total - progress.cancelled);
  const breached = rate.rate !== null && rate.finished >= Math.max(1, sample) && rate.rate * 100 >= thresholdPercent;
  return { breached, ...rate };
}
