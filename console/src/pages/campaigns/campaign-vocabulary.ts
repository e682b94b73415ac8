import type { components } from '../../../../clients/typescript';

export type Campaign = components['schemas']['CampaignResponseDto'];
export type CampaignStatus = Campaign['status'];
export type Priority = Campaign['priority'];
export type DeploymentStrategy = Campaign['deployment_strategy'];
export type RollbackTrigger = Campaign['rollback_triggers'][number];
export type Firmware = components['schemas']['FirmwareResponseDto'];
export type CreateCampaignBody = components['schemas']['CreateCampaignDto'];
export type TargetPreviewBody = components['schemas']['TargetPreviewRequestDto'];
export type TargetPreview = components['schemas']['TargetPreviewResponseDto'];
export type CampaignPlan = components['schemas']['CampaignPlanResponseDto'];

// The API's enums as values for the selects; `satisfies` keeps them in step with the schema.
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
] as const satisfies readonly CampaignStatus[];

export const PRIORITIES = ['low', 'normal', 'high', 'critical', 'emergency'] as const satisfies readonly Priority[];

export const STRATEGIES = ['immediate', 'scheduled', 'staged', 'canary', 'blue_green'] as const satisfies readonly DeploymentStrategy[];

export const STRATEGY_LABELS: Record<DeploymentStrategy, string> = {
  immediate: 'Immediate (one stage)',
  scheduled: 'Scheduled (one stage, at the start time)',
  staged: 'Staged (percentages)',
  canary: 'Canary, then the rest',
  blue_green: 'Blue-green (stage, then switch together)',
};

export const ROLLBACK_TRIGGERS = ['failure_rate', 'timeout', 'health_check', 'error_threshold', 'manual'] as const satisfies readonly RollbackTrigger[];

export const ROLLBACK_TRIGGER_LABELS: Record<RollbackTrigger, string> = {
  failure_rate: 'Failures devices report',
  timeout: 'Updates that time out',
  health_check: 'Failed health checks',
  error_threshold: 'Error threshold (same as failures)',
  manual: 'Manual',
};

/** "<name> <version> (<device_model>)": how a firmware is named in every select of the console. */
export function firmwareOptionText(firmware: Pick<Firmware, 'name' | 'version' | 'device_model'>): string {
  return `${firmware.name} ${firmware.version} (${firmware.device_model})`;
}

/** "in_progress" → "in progress": enum values read as words. */
export function words(value: string): string {
  return value.replace(/_/g, ' ');
}
