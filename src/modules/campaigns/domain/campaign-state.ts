/**
 * The campaign state machine (rollout-semantics.md § Campaign states) as plain data and
 * functions, unit-tested without Nest or a database.
 */
export const CAMPAIGN_STATUSES = [
  'created',
  'pending_approval',
  'rejected',
  'scheduled',
  'in_progress',
  'paused',
  'completed',
  'failed',
  'cancelled',
  'rolling_back',
  'rolled_back',
] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export const DEPLOYMENT_STRATEGIES = ['immediate', 'scheduled', 'staged', 'canary', 'blue_green'] as const;
export type DeploymentStrategy = (typeof DEPLOYMENT_STRATEGIES)[number];

export const ROLLBACK_TRIGGERS = ['manual', 'failure_rate', 'health_check', 'timeout', 'error_threshold'] as const;
export type RollbackTrigger = (typeof ROLLBACK_TRIGGERS)[number];

/** Statuses the rollout engine still has work in: releasing, watching, rolling back. */
export const ACTIVE_CAMPAIGN_STATUSES = ['scheduled', 'in_progress', 'paused', 'rolling_back'] as const satisfies readonly CampaignStatus[];
/** Nothing more happens on its own; only `rollback` may still apply (to `completed` and `failed`). */
export const TERMINAL_CAMPAIGN_STATUSES = ['rejected', 'completed', 'failed', 'cancelled', 'rolled_back'] as const satisfies readonly CampaignStatus[];

export type CampaignAction = 'start' | 'pause' | 'resume' | 'cancel' | 'approve' | 'rollback' | 'advance' | 'update';

/**
 * From which statuses each operator action may be taken; `noop` lists the statuses where it is
 * accepted and changes nothing (start on a running campaign, pause on a paused one).
 */
const ALLOWED: Record<CampaignAction, { from: readonly CampaignStatus[]; noop?: readonly CampaignStatus[] }> = {
  // `pending_approval` is refused with its own code (see approvalRequired) before this table.
  start: { from: ['created', 'paused'], noop: ['in_progress', 'scheduled'] },
  pause: { from: ['in_progress'], noop: ['paused'] },
  resume: { from: ['paused'], noop: ['in_progress'] },
  cancel: { from: ['created', 'pending_approval', 'scheduled', 'in_progress', 'paused'] },
  approve: { from: ['pending_approval'] },
  rollback: { from: ['in_progress', 'paused', 'completed', 'failed'] },
  advance: { from: ['in_progress'] },
  update: { from: ['created', 'pending_approval'] },
};

export type TransitionCheck = { allowed: true; noop: boolean } | { allowed: false };

/** Whether `action` may be taken on a campaign in `status`, and whether it would change anything. */
export function checkAction(action: CampaignAction, status: CampaignStatus): TransitionCheck {
  const rule = ALLOWED[action];
  if (rule.noop?.includes(status)) return { allowed: true, noop: true };
  return rule.from.includes(status) ? { allowed: true, noop: false } : { allowed: false };
}

export function isTerminalCampaign(status: CampaignStatus): boolean {
  return (TERMINAL_CAMPAIGN_STATUSES as readonly string[]).includes(status);
}

/** Rank of each priority: higher campaigns are served first when several compete. */
export const PRIORITY_RANK: Record<string, number> = { low: 0, normal: 1, high: 2, critical: 3, emergency: 4 };
