import type { FieldError } from '../../../common/errors/domain-error';

/** A campaign's exponential ramp as stored (the request's field names), after AWS IoT jobs' `exponentialRate`. */
export interface RolloutRate {
  base_per_minute: number;
  increment_factor: number;
  increase_after_succeeded: number;
  max_per_minute: number;
}

/** A campaign's ramp as stored (a JSON column, written only from validated requests); null: none. */
export function rolloutRateOf(campaign: { rolloutRate: unknown }): RolloutRate | null {
  return (campaign.rolloutRate as RolloutRate | null) ?? null;
}

/** What is wrong across the ramp's fields (each field's own range is the DTO's). */
export function rateProblems(rate: RolloutRate | null): FieldError[] {
  if (rate === null || rate.max_per_minute >= rate.base_per_minute) return [];
  return [{ loc: ['body', 'rollout_rate', 'max_per_minute'], msg: 'max_per_minute must be at least base_per_minute', type: 'range' }];
}

/**
 * Releases a minute the ramp allows once `completed` devices finished their update: the base rate,
 * multiplied by the factor for every `increase_after_succeeded` completed, at most the maximum.
 */
export function ratePerMinute(rate: RolloutRate, completed: number): number {
  const steps = Math.floor(Math.max(0, completed) / rate.increase_after_succeeded);
  // Past the maximum the power may overflow to Infinity; min() still answers the maximum.
  return Math.min(rate.max_per_minute, rate.base_per_minute * rate.increment_factor ** steps);
}

/**
 * Whole releases a tick may make after `elapsedMinutes` at `perMinute`, with the fraction carried
 * from the tick before (`credit`); the new fraction is carried on. Whole releases left unused
 * (nothing to release, a closed window, the batch or concurrency cap) are not saved up, so a
 * paused or window-bound campaign never bursts past its rate.
 */
export function rampAllowance(perMinute: number, elapsedMinutes: number, credit: number): { allowed: number; credit: number } {
  const available = Math.max(0, credit) + perMinute * Math.max(0, elapsedMinutes);
  const allowed = Math.floor(available);
  return { allowed, credit: available - allowed };
}
