import { checkAction } from './campaign-state';
import { bucketOf, isBreached, failureCounting, progressOf, emptyCounts } from './campaign-tallies';
import { gateMinutes, stagePercentages, stageSizes } from './stage-plan';

describe('stage plan', () => {
  it('gives each strategy its stages', () => {
    expect(stagePercentages({ strategy: 'staged', stages: [10, 50, 100], canaryPercentage: 5 })).toEqual([10, 50, 100]);
    expect(stagePercentages({ strategy: 'canary', stages: [10, 50, 100], canaryPercentage: 2.5 })).toEqual([2.5, 100]);
    for (const strategy of ['immediate', 'scheduled', 'blue_green'] as const) expect(stagePercentages({ strategy, stages: [1, 100], canaryPercentage: 5 })).toEqual([100]);
  });

  it.each([
    [[10, 50, 100], 100, false, [10, 40, 50]],
    [[10, 50, 100], 3, false, [1, 1, 1]],
    [[10, 50, 100], 1, false, [1, 0, 0]],
    [[10, 50, 100], 0, false, [0, 0, 0]],
    [[5, 100], 10, true, [1, 9]],
    [[0.01, 100], 3, true, [1, 2]],
    [[33, 66, 100], 1_000_000, false, [330_000, 330_000, 340_000]],
    [[2.5, 100], 1_000, true, [25, 975]],
  ])('splits %p of %p devices (canary %p) into %p', (percentages, total, canary, sizes) => {
    expect(stageSizes(percentages, total, canary)).toEqual(sizes);
    expect(stageSizes(percentages, total, canary).reduce((a, b) => a + b, 0)).toBe(total);
  });

  it('waits the soak after staged stages and the observation after a canary', () => {
    const settings = { stageSoakMinutes: 7, canaryDurationMinutes: 30 };
    expect(gateMinutes({ strategy: 'staged', ...settings }, 1)).toBe(7);
    expect(gateMinutes({ strategy: 'canary', ...settings }, 0)).toBe(30);
    expect(gateMinutes({ strategy: 'immediate', ...settings }, 0)).toBe(0);
  });
});

describe('campaign state', () => {
  it.each([
    ['start', 'created', { allowed: true, noop: false }],
    ['start', 'in_progress', { allowed: true, noop: true }],
    ['start', 'paused', { allowed: true, noop: false }],
    ['start', 'completed', { allowed: false }],
    ['pause', 'paused', { allowed: true, noop: true }],
    ['cancel', 'completed', { allowed: false }],
    ['rollback', 'failed', { allowed: true, noop: false }],
    ['rollback', 'created', { allowed: false }],
    ['approve', 'created', { allowed: false }],
    ['update', 'in_progress', { allowed: false }],
  ] as const)('%s from %s → %p', (action, status, expected) => {
    expect(checkAction(action, status)).toEqual(expected);
  });
});

describe('tallies', () => {
  it.each([
    [{ status: 'created', currentPhase: 'created', errorCode: null, nextRetryAt: null }, 'created'],
    [{ status: 'created', currentPhase: 'waiting_busy', errorCode: null, nextRetryAt: null }, 'waiting_busy'],
    [{ status: 'failed', currentPhase: 'failed', errorCode: 'TIMEOUT', nextRetryAt: null }, 'timed_out'],
    [{ status: 'failed', currentPhase: 'failed', errorCode: 'TIMEOUT', nextRetryAt: new Date() }, 'retrying'],
    [{ status: 'failed', currentPhase: 'failed', errorCode: 'E', nextRetryAt: null }, 'failed'],
    [{ status: 'rebooting', currentPhase: 'rebooting', errorCode: null, nextRetryAt: null }, 'rebooting'],
  ])('%j is in bucket %p', (row, bucket) => {
    expect(bucketOf(row)).toBe(bucket);
  });

  it('leaves cancelled rows out of the sample a small campaign needs', () => {
    const progress = progressOf({ ...emptyCounts(), completed: 1, failed: 1, cancelled: 8 });
    expect(isBreached(progress, failureCounting(['failure_rate']), 20, 10).breached).toBe(true);
  });
});
