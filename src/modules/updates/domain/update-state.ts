import { exponentialBackoffMs } from '../../../common/backoff';

/**
 * The device update state machine (see rollout-semantics.md § Device update states), as plain
 * functions so every rule is unit-tested without Nest or a database.
 */
export const UPDATE_STATUSES = [
  'created',
  'scheduled',
  'awaiting_confirmation',
  'in_progress',
  'downloading',
  'verifying',
  'installing',
  'awaiting_activation',
  'rebooting',
  'completed',
  'failed',
  'cancelled',
  'rolled_back',
] as const;
export type UpdateStatus = (typeof UPDATE_STATUSES)[number];

/** States a device reports; `scheduled` and `created` belong to the service. */
export const DEVICE_REPORTED_STATUSES = [
  'in_progress',
  'downloading',
  'verifying',
  'installing',
  'awaiting_activation',
  'rebooting',
  'completed',
  'failed',
] as const satisfies readonly UpdateStatus[];
export type DeviceReportedStatus = (typeof DEVICE_REPORTED_STATUSES)[number];

/*
 * The lists below are the only spelling of these groups. SQL takes them as parameters; the partial
 * indexes of `device_updates` in prisma/schema.prisma cannot import them, so
 * update-status-indexes.spec.ts fails when their predicates and these lists drift apart.
 */

export const TERMINAL_STATUSES = ['completed', 'failed', 'cancelled', 'rolled_back'] as const satisfies readonly UpdateStatus[];
/** Not terminal: the device may still act on it, and the firmware is in use. */
export const ACTIVE_STATUSES = UPDATE_STATUSES.filter((status) => !isTerminal(status));
/**
 * Released to the device and not finished: what a check-in hands out and what can time out. At
 * most one per device (the partial unique index `device_updates_one_active_per_device`).
 */
export const RELEASED_STATUSES = ACTIVE_STATUSES.filter((status) => status !== 'created');
/** Not picked up by the device yet: waiting for release (`created`) or for the device (`scheduled`). */
export const PENDING_STATUSES = ['created', 'scheduled'] as const satisfies readonly UpdateStatus[];
/** The device is working on it: released, picked up, not finished. */
export const IN_PROGRESS_STATUSES = RELEASED_STATUSES.filter((status) => !(PENDING_STATUSES as readonly string[]).includes(status));

/** The `error_code` of a completed update whose device did not confirm it runs the new image in time. */
export const HEALTH_CHECK_ERROR = 'health_check';

/** Position along the happy path; a device report may move forward (skipping states) but not back. */
const RANK: Record<UpdateStatus, number> = {
  created: 0,
  scheduled: 1,
  awaiting_confirmation: 1,
  in_progress: 2,
  downloading: 3,
  verifying: 4,
  installing: 5,
  awaiting_activation: 6,
  rebooting: 7,
  completed: 8,
  failed: 8,
  cancelled: 8,
  rolled_back: 8,
};

export function isTerminal(status: UpdateStatus): boolean {
  return (TERMINAL_STATUSES as readonly string[]).includes(status);
}

export type ReportVerdict =
  /** Apply it: a new state (`changed`) or progress within the current one. */
  | { kind: 'accept'; changed: boolean }
  /** The update is finished; nothing a device says changes it. */
  | { kind: 'terminal' }
  /** Not released yet, so the device cannot be working on it. */
  | { kind: 'not_released' }
  /** Released to a campaign that asks for consent, which the device has not given yet. */
  | { kind: 'awaiting_confirmation' }
  /** Backwards, e.g. `installing` after `verifying`... the other way round. */
  | { kind: 'backwards' }
  /**
   * Out of step with the update's activation: `awaiting_activation` for an update that is not
   * blue-green, or past it (`rebooting`, `completed`) before the campaign switched.
   */
  | { kind: 'activation' };

/** How a device applies an update: at once, or (blue-green) staged until the campaign's switch. */
export const ACTIVATIONS = ['immediate', 'deferred', 'now'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

/** What to do with a device reporting `reported` for an update in `current`, applied as `activation` says. */
export function judgeDeviceReport(current: UpdateStatus, reported: DeviceReportedStatus, activation: Activation = 'immediate'): ReportVerdict {
  if (isTerminal(current)) return { kind: 'terminal' };
  if (current === 'created') return { kind: 'not_released' };
  if (current === 'awaiting_confirmation') return { kind: 'awaiting_confirmation' };
  if (reported === 'awaiting_activation' && activation === 'immediate') return { kind: 'activation' };
  if (activation === 'deferred' && reported !== 'failed' && RANK[reported] > RANK.awaiting_activation) return { kind: 'activation' };
  if (reported === current) return { kind: 'accept', changed: false };
  if (RANK[reported] > RANK[current]) return { kind: 'accept', changed: true };
  return { kind: 'backwards' };
}

/** Operators may cancel anything not finished. */
export function canCancel(status: UpdateStatus): boolean {
  return !isTerminal(status);
}

/** A failed update may run again while it has retries left. */
export function canRetry(update: { status: UpdateStatus; retryCount: number; maxRetries: number }): boolean {
  return update.status === 'failed' && update.retryCount < update.maxRetries;
}

/**
 * Delay before automatic retry number `attempt` (1-based): 1, 2, 4, 8 ... minutes, capped at an
 * hour, so a device that keeps failing is not hammered and a transient failure recovers soon.
 */
export function retryDelayMs(attempt: number, baseMs = 60_000, capMs = 3_600_000): number {
  return exponentialBackoffMs(attempt, baseMs, capMs);
}
