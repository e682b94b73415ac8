import { emptyCounts, type TallyBucket, type TallyCounts } from '../../campaigns/domain/campaign-tallies';
import { joinsNow, planTick, type RolloutCampaign, type RolloutInput, type RolloutStage } from './rollout-plan';

const NOW = new Date('2026-12-07T12:00:00Z');
const MINUTE = 60_000;

function counts(values: Partial<Record<TallyBucket, number>>): TallyCounts {
  return { ...emptyCounts(), ...values };
}

function campaign(overrides: Partial<RolloutCampaign> = {}): RolloutCampaign {
  return {
    status: 'in_progress',
    strategy: 'staged',
    openStage: 0,
    activatedAt: null,
    scheduledStart: null,
    scheduledEnd: null,
    batchSize: 50,
    maxConcurrentUpdates: 10,
    failureThresholdPercent: 20,
    minFailureSample: 10,
    rollbackTriggers: ['failure_rate', 'timeout'],
    autoRollback: true,
    continuous: false,
    ...overrides,
  };
}

function stage(index: number, values: Partial<Record<TallyBucket, number>>, overrides: Partial<RolloutStage> = {}): RolloutStage {
  const tally = counts(values);
  const planned = Object.values(tally).reduce((a, b) => a + b, 0);
  return { stage: index, planned, openedAt: index === 0 ? NOW : null, finishedAt: null, gateMs: 0, counts: tally, ...overrides };
}

function input(overrides: Partial<RolloutInput> = {}): RolloutInput {
  return { now: NOW, campaign: campaign(), stages: [stage(0, { created: 10 }), stage(1, { created: 40 }), stage(2, { created: 50 })], rollback: emptyCounts(), ...overrides };
}

describe('planTick', () => {
  describe('releases', () => {
    it('releases at most batch_size, and never past max_concurrent_updates in flight', () => {
      expect(planTick(input({ campaign: campaign({ batchSize: 5, maxConcurrentUpdates: 100 }) })).release).toBe(5);
      expect(planTick(input({ campaign: campaign({ batchSize: 50, maxConcurrentUpdates: 7 }) })).release).toBe(7);
      const busy = input({ stages: [stage(0, { created: 6, downloading: 4 }), stage(1, { created: 40 }), stage(2, { created: 50 })] });
      expect(planTick(busy).release).toBe(6);
      const full = input({ stages: [stage(0, { created: 6, installing: 10 }), stage(1, { created: 40 }), stage(2, { created: 50 })] });
      expect(planTick(full).release).toBe(0);
    });

    it('releases nothing from a stage that is not open', () => {
      const plan = planTick(input({ stages: [stage(0, { scheduled: 10 }), stage(1, { created: 40 }), stage(2, { created: 50 })] }));
      expect(plan.release).toBe(0);
      expect(plan.openStage).toBeNull();
    });

    it('counts retries waiting against the cap and releases the due ones', () => {
      const plan = planTick(input({ stages: [stage(0, { created: 5, retrying: 3, downloading: 6 }), stage(1, {}), stage(2, {})] }));
      expect(plan.release).toBe(1);
      expect(plan.releaseRetries).toBe(3);
    });

    it('releases nothing while paused', () => {
      const plan = planTick(input({ campaign: campaign({ status: 'paused' }) }));
      expect(plan).toMatchObject({ release: 0, releaseRetries: 0, openStage: null, complete: null });
    });
  });

  describe('stage gates', () => {
    const finished = { completed: 10 };

    it('opens the next stage when the open one finished, with its soak passed', () => {
      const soaking = input({ stages: [stage(0, finished, { finishedAt: new Date(NOW.getTime() - 4 * MINUTE), gateMs: 5 * MINUTE }), stage(1, { created: 40 }), stage(2, { created: 50 })] });
      expect(planTick(soaking)).toMatchObject({ openStage: null, release: 0 });
      const soaked = input({ stages: [stage(0, finished, { finishedAt: new Date(NOW.getTime() - 5 * MINUTE), gateMs: 5 * MINUTE }), stage(1, { created: 40 }), stage(2, { created: 50 })] });
      expect(planTick(soaked)).toMatchObject({ openStage: 1, release: 10 });
    });

    it('records a stage finishing, and starts its soak then', () => {
      const plan = planTick(input({ stages: [stage(0, finished, { gateMs: MINUTE }), stage(1, { created: 40 }), stage(2, { created: 50 })] }));
      expect(plan.finishedStages).toEqual([0]);
      expect(plan.openStage).toBeNull();
      expect(planTick(input({ stages: [stage(0, finished), stage(1, { created: 40 }), stage(2, { created: 50 })] })).openStage).toBe(1);
    });

    it('keeps the gate shut while a row of the stage is unfinished (a busy device included)', () => {
      expect(planTick(input({ stages: [stage(0, { completed: 9, waiting_busy: 1 }), stage(1, { created: 40 }), stage(2, {})] })).openStage).toBeNull();
      expect(planTick(input({ stages: [stage(0, { completed: 9, retrying: 1 }), stage(1, { created: 40 }), stage(2, {})] })).openStage).toBeNull();
    });

    it('does not wait on an empty stage', () => {
      const plan = planTick(input({ campaign: campaign({ openStage: 1 }), stages: [stage(0, finished, { finishedAt: NOW }), stage(1, {}, { gateMs: MINUTE }), stage(2, { created: 1 })] }));
      expect(plan.openStage).toBe(2);
    });

    it('completes once the last stage is open and every row finished', () => {
      const plan = planTick(input({ campaign: campaign({ openStage: 2 }), stages: [stage(0, finished), stage(1, { completed: 30, cancelled: 10 }), stage(2, { completed: 48, failed: 2 })] }));
      expect(plan.complete).not.toBeNull();
      expect(planTick(input({ campaign: campaign({ openStage: 1 }), stages: [stage(0, finished), stage(1, { completed: 40 }), stage(2, { created: 50 })] })).complete).toBeNull();
    });
  });

  describe('failure threshold', () => {
    it('trips at the threshold once min_failure_sample rows finished', () => {
      const at = planTick(input({ stages: [stage(0, { completed: 8, failed: 2 }), stage(1, { created: 40 }), stage(2, { created: 50 })] }));
      expect(at.fail?.breach).toMatchObject({ failureRate: 20, thresholdPercent: 20, finished: 10, failures: 2 });
      expect(at.fail?.rollBack).toBe(true);
      expect(at.release).toBe(0);
    });

    it('does not trip just under the threshold', () => {
      const under = planTick(input({ campaign: campaign({ openStage: 1 }), stages: [stage(0, { completed: 10 }), stage(1, { completed: 31, failed: 9 }), stage(2, { created: 50 })] }));
      // 9 of 50 finished is 18 %; stage 1 alone is 22.5 % - the stage trips.
      expect(under.fail?.breach).toMatchObject({ scope: 'stage', stage: 1, failureRate: 22.5 });
      const justUnder = planTick(input({ campaign: campaign({ openStage: 1 }), stages: [stage(0, { completed: 10 }), stage(1, { completed: 33, failed: 7 }), stage(2, { created: 50 })] }));
      expect(justUnder.fail).toBeNull();
    });

    it('waits for the minimum sample: one early failure in a big fleet does not stop it', () => {
      const early = planTick(input({ stages: [stage(0, { failed: 1, downloading: 9 }), stage(1, { created: 40 }), stage(2, { created: 50 })] }));
      expect(early.fail).toBeNull();
      const sample = planTick(input({ campaign: campaign({ minFailureSample: 1 }), stages: [stage(0, { failed: 1, downloading: 9 }), stage(1, {}), stage(2, {})] }));
      expect(sample.fail).not.toBeNull();
    });

    it('judges a campaign smaller than the sample once all of it finished', () => {
      const small = { stages: [stage(0, { completed: 2, failed: 1 })], campaign: campaign({ strategy: 'immediate' as const }) };
      expect(planTick(input(small)).fail?.breach.failureRate).toBe(33.33);
      expect(planTick(input({ ...small, stages: [stage(0, { completed: 2, failed: 1, downloading: 1 })] })).fail).toBeNull();
    });

    it('counts timeouts only when `timeout` is a trigger, and reported failures only with failure_rate', () => {
      const timeouts = [stage(0, { completed: 5, timed_out: 5 }), stage(1, {}), stage(2, {})];
      expect(planTick(input({ stages: timeouts })).fail).not.toBeNull();
      expect(planTick(input({ stages: timeouts, campaign: campaign({ rollbackTriggers: ['failure_rate'] }) })).fail).toBeNull();
      const reported = [stage(0, { completed: 5, failed: 5 }), stage(1, {}), stage(2, {})];
      expect(planTick(input({ stages: reported, campaign: campaign({ rollbackTriggers: ['timeout'] }) })).fail).toBeNull();
      expect(planTick(input({ stages: reported, campaign: campaign({ rollbackTriggers: ['error_threshold'] }) })).fail).not.toBeNull();
    });

    it('still counts a breach while paused', () => {
      const plan = planTick(input({ campaign: campaign({ status: 'paused' }), stages: [stage(0, { completed: 5, failed: 5 }), stage(1, {}), stage(2, {})] }));
      expect(plan.fail).not.toBeNull();
    });

    it('rolls back only with auto_rollback', () => {
      const stages = [stage(0, { completed: 5, failed: 5 }), stage(1, {}), stage(2, {})];
      expect(planTick(input({ stages, campaign: campaign({ autoRollback: false }) })).fail?.rollBack).toBe(false);
    });
  });

  describe('blue-green', () => {
    const blueGreen = (overrides: Partial<RolloutCampaign> = {}) => campaign({ strategy: 'blue_green', maxConcurrentUpdates: 5, ...overrides });

    it('does not count staged devices against the cap', () => {
      expect(planTick(input({ campaign: blueGreen(), stages: [stage(0, { created: 50, awaiting_activation: 40 })] })).release).toBe(5);
    });

    it('switches once the staged share reaches 100 - threshold of the devices', () => {
      expect(planTick(input({ campaign: blueGreen(), stages: [stage(0, { awaiting_activation: 79, downloading: 21 })] })).activate).toBe(false);
      expect(planTick(input({ campaign: blueGreen(), stages: [stage(0, { awaiting_activation: 80, downloading: 20 })] })).activate).toBe(true);
      expect(planTick(input({ campaign: blueGreen(), stages: [stage(0, { awaiting_activation: 8, created: 92 })] })).activate).toBe(false);
    });

    it('fails without activating anything on a breach before the switch, staged devices counting as successes', () => {
      const plan = planTick(input({ campaign: blueGreen(), stages: [stage(0, { awaiting_activation: 70, failed: 30 })] }));
      expect(plan.fail).toMatchObject({ rollBack: false, cancelStaged: true, breach: { failureRate: 30, finished: 100 } });
      expect(plan.activate).toBe(false);
      expect(planTick(input({ campaign: blueGreen(), stages: [stage(0, { awaiting_activation: 9, failed: 1 })] })).fail).toBeNull();
    });

    it('completes without a switch when nothing staged and nothing is left to stage', () => {
      const plan = planTick(input({ campaign: blueGreen({ rollbackTriggers: ['timeout'] }), stages: [stage(0, { failed: 3, cancelled: 2 })] }));
      expect(plan).toMatchObject({ activate: false, complete: 'No device staged the image' });
    });

    it('after the switch, sweeps late stagers and completes when all finished', () => {
      const activatedAt = new Date(NOW.getTime() - MINUTE);
      expect(planTick(input({ campaign: blueGreen({ activatedAt }), stages: [stage(0, { awaiting_activation: 2, rebooting: 3, completed: 95 })] })).sweepActivation).toBe(true);
      expect(planTick(input({ campaign: blueGreen({ activatedAt }), stages: [stage(0, { completed: 95, failed: 5 })] })).complete).not.toBeNull();
    });
  });

  it('starts a scheduled campaign once its start time came', () => {
    const scheduled = (at: Date) => input({ campaign: campaign({ status: 'scheduled', openStage: null, scheduledStart: at }), stages: [] });
    expect(planTick(scheduled(new Date(NOW.getTime() + 1))).start).toBe(false);
    expect(planTick(scheduled(NOW)).start).toBe(true);
  });

  it('after scheduled_end releases nothing, stops what was never released, and completes when the rest finished', () => {
    const ended = campaign({ strategy: 'immediate', scheduledEnd: NOW });
    const working = planTick(input({ campaign: ended, stages: [stage(0, { created: 5, retrying: 1, downloading: 2, completed: 3 })] }));
    expect(working).toMatchObject({ stopReleasing: true, release: 0, releaseRetries: 0, complete: null });
    const done = planTick(input({ campaign: ended, stages: [stage(0, { completed: 3, cancelled: 5 })] }));
    expect(done.complete).toBe('scheduled_end passed');
  });

  describe('continuous', () => {
    it('stays in progress with every row done until scheduled_end, then completes', () => {
      const running = campaign({ strategy: 'immediate', continuous: true });
      expect(planTick(input({ campaign: running, stages: [stage(0, { completed: 3 })] })).complete).toBeNull();
      expect(planTick(input({ campaign: running, stages: [stage(0, {})] })).complete).toBeNull();
      const ended = campaign({ strategy: 'immediate', continuous: true, scheduledEnd: NOW });
      expect(planTick(input({ campaign: ended, stages: [stage(0, { completed: 3 })] })).complete).toBe('scheduled_end passed');
    });

    it('a blue-green continuous campaign does not complete when its rows are done either', () => {
      const blueGreen = campaign({ strategy: 'blue_green', continuous: true, activatedAt: NOW });
      expect(planTick(input({ campaign: blueGreen, stages: [stage(0, { completed: 3 })] })).complete).toBeNull();
    });

    it('joins devices while running or paused, before scheduled_end only', () => {
      expect(joinsNow(campaign({ continuous: true }), NOW)).toBe(true);
      expect(joinsNow(campaign({ continuous: true, status: 'paused' }), NOW)).toBe(true);
      expect(joinsNow(campaign({ continuous: false }), NOW)).toBe(false);
      expect(joinsNow(campaign({ continuous: true, status: 'rolling_back' }), NOW)).toBe(false);
      expect(joinsNow(campaign({ continuous: true, status: 'scheduled' }), NOW)).toBe(false);
      expect(joinsNow(campaign({ continuous: true, scheduledEnd: NOW }), NOW)).toBe(false);
      expect(joinsNow(campaign({ continuous: true, scheduledEnd: new Date(NOW.getTime() + 1) }), NOW)).toBe(true);
    });
  });

  it('rolls back in batches, then reports the campaign rolled back', () => {
    const rollingBack = campaign({ status: 'rolling_back', batchSize: 4, maxConcurrentUpdates: 6 });
    expect(planTick(input({ campaign: rollingBack, rollback: counts({ created: 10, downloading: 3 }) })).releaseRollback).toBe(3);
    expect(planTick(input({ campaign: rollingBack, rollback: counts({ completed: 9, failed: 1 }) })).rolledBack).toBe(true);
  });
});
