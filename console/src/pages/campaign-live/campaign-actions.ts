import type { components } from '../../../../clients/typescript';

export type CampaignStatus = components['schemas']['CampaignResponseDto']['status'];

export type OperatorAction = 'approve' | 'reject' | 'start' | 'pause' | 'resume' | 'advance' | 'cancel' | 'rollback' | 'retry';

/** The order the buttons appear in. */
export const ACTION_ORDER: readonly OperatorAction[] = ['approve', 'reject', 'start', 'pause', 'resume', 'advance', 'cancel', 'rollback', 'retry'];

/**
 * Where each action changes something, after the service's own table (campaign-state.ts, and
 * `retry` in campaigns.service.ts); anywhere else it answers 409 `campaign/invalid_transition`.
 * Its no-ops (start on a running campaign, pause on a paused one) are left out: a button that
 * does nothing only confuses. `start` on a paused campaign resumes it; the page offers Resume.
 */
export const LEGAL_FROM: Record<OperatorAction, readonly CampaignStatus[]> = {
  approve: ['pending_approval'],
  reject: ['pending_approval'],
  start: ['created'],
  pause: ['in_progress'],
  resume: ['paused'],
  advance: ['in_progress'],
  cancel: ['created', 'pending_approval', 'scheduled', 'in_progress', 'paused'],
  rollback: ['in_progress', 'paused', 'completed', 'failed'],
  retry: ['completed', 'failed', 'cancelled', 'rolled_back'],
};

/** What besides the status decides whether an action makes sense now. */
export interface ActionContext {
  status: CampaignStatus;
  /** A stage still waits to open (blue-green: the switch has not happened). */
  hasNextStage: boolean;
  /** Devices whose update failed: retry has nothing to do without them (409 `campaign/nothing_to_retry`). */
  failedDevices: number;
}

/** The actions to offer, in button order. */
export function legalActions({ status, hasNextStage, failedDevices }: ActionContext): OperatorAction[] {
  return ACTION_ORDER.filter((action) => {
    if (!LEGAL_FROM[action].includes(status)) return false;
    if (action === 'advance') return hasNextStage;
    if (action === 'retry') return failedDevices > 0;
    return true;
  });
}

/**
 * Whether `advance` would open something: for blue-green, the staged devices are not switched
 * yet; otherwise a stage of the plan has not opened (409 `campaign/no_next_stage` after the last).
 */
export function hasNextStage(campaign: {
  deployment_strategy: string;
  activated_at: string | null;
  stage_plan: readonly { status: string }[];
}): boolean {
  if (campaign.deployment_strategy === 'blue_green') return campaign.activated_at === null;
  return campaign.stage_plan.some((stage) => stage.status === 'pending');
}
