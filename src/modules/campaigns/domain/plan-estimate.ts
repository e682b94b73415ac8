/** What a campaign's duration is estimated from: its stages, limits and how long an update takes. */
export interface EstimateInput {
  /** Devices in each stage, in order. */
  stageSizes: readonly number[];
  /** Seconds each stage's gate waits after it finished (soak, canary observation); the last is not waited. */
  gateSeconds: readonly number[];
  batchSize: number;
  maxConcurrentUpdates: number;
  tickSeconds: number;
  /** Seconds one update takes from release to completion. */
  updateSeconds: number;
  /** Releases a minute allowed once `completed` devices finished (a ramp); null: no ramp. */
  ratePerMinute: ((completed: number) => number) | null;
  /** Blue-green switches every staged device at the end: one more update time. */
  blueGreen: boolean;
}

/** Devices released at one rate before a ramp is looked at again: bounds the loop on a million devices. */
const RAMP_STEP_DEVICES = 1_000;

/**
 * Seconds a campaign would take if nothing failed and no window closed: each stage releases its
 * devices at the lowest of the batch per tick, the concurrency cap over the update time and the
 * ramp's rate, its last device finishes one update time later, then its gate waits (an empty
 * stage's gate does not, as the rollout does).
 */
export function estimateDurationSeconds(input: EstimateInput): number {
  const updateSeconds = Math.max(1, input.updateSeconds);
  const capPerSecond = Math.min(input.batchSize / Math.max(0.001, input.tickSeconds), input.maxConcurrentUpdates / updateSeconds);
  let seconds = 0;
  let completed = 0;
  input.stageSizes.forEach((devices, stage) => {
    if (devices <= 0) return;
    let left = devices;
    while (left > 0) {
      const step = input.ratePerMinute === null ? left : Math.min(left, RAMP_STEP_DEVICES);
      const ramp = input.ratePerMinute === null ? Infinity : input.ratePerMinute(completed) / 60;
      seconds += step / Math.max(Number.MIN_VALUE, Math.min(capPerSecond, ramp));
      completed += step;
      left -= step;
    }
    seconds += updateSeconds;
    if (stage < input.stageSizes.length - 1) seconds += input.gateSeconds[stage] ?? 0;
  });
  if (input.blueGreen && completed > 0) seconds += updateSeconds;
  return Math.round(seconds);
}
