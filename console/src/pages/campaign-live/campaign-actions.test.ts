import { describe, expect, it } from 'vitest';
import { type CampaignStatus, hasNextStage, legalActions } from './campaign-actions';

const actionsIn = (status: CampaignStatus, more: { hasNextStage?: boolean; failedDevices?: number } = {}) =>
  legalActions({ status, hasNextStage: more.hasNextStage ?? true, failedDevices: more.failedDevices ?? 1 });

describe('legalActions', () => {
  it('offers what each status allows, as the service decides it', () => {
    expect(actionsIn('pending_approval')).toEqual(['approve', 'reject', 'cancel']);
    expect(actionsIn('created')).toEqual(['start', 'cancel']);
    expect(actionsIn('scheduled')).toEqual(['cancel']);
    expect(actionsIn('in_progress')).toEqual(['pause', 'advance', 'cancel', 'rollback']);
    expect(actionsIn('paused')).toEqual(['resume', 'cancel', 'rollback']);
    expect(actionsIn('completed')).toEqual(['rollback', 'retry']);
    expect(actionsIn('failed')).toEqual(['rollback', 'retry']);
    expect(actionsIn('cancelled')).toEqual(['retry']);
    expect(actionsIn('rolled_back')).toEqual(['retry']);
    expect(actionsIn('rolling_back')).toEqual([]);
    expect(actionsIn('rejected')).toEqual([]);
  });

  it('leaves out advance after the last stage and retry when no device failed', () => {
    expect(actionsIn('in_progress', { hasNextStage: false })).toEqual(['pause', 'cancel', 'rollback']);
    expect(actionsIn('failed', { failedDevices: 0 })).toEqual(['rollback']);
    expect(actionsIn('cancelled', { failedDevices: 0 })).toEqual([]);
  });
});

describe('hasNextStage', () => {
  const plan = (...statuses: string[]) => statuses.map((status) => ({ status }));

  it('is true while a stage of the plan has not opened', () => {
    expect(hasNextStage({ deployment_strategy: 'staged', activated_at: null, stage_plan: plan('finished', 'open', 'pending') })).toBe(true);
    expect(hasNextStage({ deployment_strategy: 'staged', activated_at: null, stage_plan: plan('finished', 'finished', 'open') })).toBe(false);
    expect(hasNextStage({ deployment_strategy: 'immediate', activated_at: null, stage_plan: plan('open') })).toBe(false);
  });

  it('for blue-green, is true until the staged devices were switched', () => {
    expect(hasNextStage({ deployment_strategy: 'blue_green', activated_at: null, stage_plan: plan('open') })).toBe(true);
    expect(hasNextStage({ deployment_strategy: 'blue_green', activated_at: '2026-01-01T00:00:00.000Z', stage_plan: plan('open') })).toBe(false);
  });
});
