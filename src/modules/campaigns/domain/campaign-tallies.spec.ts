import { bucketOf, emptyCounts, failureCounting, failureRate, isDone, progressOf, type TallyCounts } from './campaign-tallies';

const row = { status: 'completed', currentPhase: 'completed', errorCode: null, nextRetryAt: null };

function counts(buckets: Partial<TallyCounts>): TallyCounts {
  return { ...emptyCounts(), ...buckets };
}

describe('campaign tallies: consent and health windows', () => {
  it('puts a completed row with an open health window, and a failed health check, in buckets of their own', () => {
    expect(bucketOf({ ...row, healthDeadline: new Date() })).toBe('health_pending');
    expect(bucketOf({ ...row, healthDeadline: null })).toBe('completed');
    expect(bucketOf(row)).toBe('completed');
    expect(bucketOf({ ...row, status: 'failed', errorCode: 'health_check' })).toBe('health_check');
    expect(bucketOf({ ...row, status: 'failed', errorCode: 'health_check', nextRetryAt: new Date() })).toBe('retrying');
    expect(bucketOf({ ...row, status: 'awaiting_confirmation' })).toBe('awaiting_confirmation');
  });

  it('is not done while a device has not consented or a health window is open, and neither is in flight', () => {
    for (const open of [{ awaiting_confirmation: 1 }, { health_pending: 1 }]) {
      const progress = progressOf(counts({ completed: 3, ...open }));
      expect(isDone(progress)).toBe(false);
      expect(progress.inFlight).toBe(0);
      expect(progress.total).toBe(4);
    }
    expect(isDone(progressOf(counts({ completed: 3, health_check: 1 })))).toBe(true);
  });

  it('counts health failures with failure_rate or health_check, and open windows as successes so far', () => {
    const progress = progressOf(counts({ completed: 2, health_pending: 1, health_check: 1 }));
    expect(failureRate(progress, failureCounting(['failure_rate']))).toEqual({ finished: 4, failures: 1, rate: 0.25 });
    expect(failureRate(progress, failureCounting(['health_check']))).toEqual({ finished: 4, failures: 1, rate: 0.25 });
    expect(failureRate(progress, failureCounting(['timeout']))).toEqual({ finished: 3, failures: 0, rate: 0 });
  });
});
