import type { Campaign, CampaignEvent, CampaignStage } from '../../generated/prisma/client';
import type { FirmwareResponseDto } from '../firmware/dto/firmware.dto';
import type { CampaignDeviceRow } from '../updates/campaign-updates.service';
import type { CampaignTallies } from './campaigns.repository';
import type { DeploymentStrategy } from './domain/campaign-state';
import { addCounts, emptyCounts, type Progress, progressOf, type TallyCounts } from './domain/campaign-tallies';
import { windowsOf } from './domain/maintenance-windows';
import { rolloutRateOf } from './domain/rollout-rate';
import { firstStageAtLeastOne, stagePercentages, stageSizes } from './domain/stage-plan';
import type {
  CampaignDetailResponseDto,
  CampaignDeviceDto,
  CampaignResponseDto,
  CampaignStagePlanDto,
  CampaignTimelineEntryDto,
} from './dto/campaign.dto';

/** What a campaign's response shows besides its row. */
export interface CampaignView {
  firmware: FirmwareResponseDto | null;
  tallies: CampaignTallies;
  stages: CampaignStage[];
  /** When a maintenance window next opens; null without windows (or not looked up). */
  nextWindowAt?: Date | null;
}

/** All update rows of a campaign, every stage together. */
export function totalProgress(tallies: CampaignTallies): Progress {
  return progressOf([...tallies.stages.values()].reduce((sum: TallyCounts, counts) => addCounts(sum, counts), emptyCounts()));
}

export function toCampaignResponse(campaign: Campaign, view: CampaignView): CampaignResponseDto {
  const progress = totalProgress(view.tallies);
  return {
    campaign_id: campaign.campaignId,
    name: campaign.name,
    description: campaign.description,
    firmware_id: campaign.firmwareId,
    firmware: view.firmware,
    target_devices: campaign.targetDevices,
    target_groups: campaign.targetGroups,
    target_filters: (campaign.targetFilters as Record<string, unknown> | null) ?? null,
    deployment_strategy: campaign.deploymentStrategy,
    priority: campaign.priority,
    rollout_percentage: campaign.rolloutPercentage,
    max_concurrent_updates: campaign.maxConcurrentUpdates,
    batch_size: campaign.batchSize,
    scheduled_start: iso(campaign.scheduledStart),
    scheduled_end: iso(campaign.scheduledEnd),
    timeout_minutes: campaign.timeoutMinutes,
    auto_rollback: campaign.autoRollback,
    failure_threshold_percent: campaign.failureThresholdPercent,
    rollback_triggers: campaign.rollbackTriggers,
    requires_approval: campaign.requiresApproval,
    notify_on_start: campaign.notifyOnStart,
    notify_on_complete: campaign.notifyOnComplete,
    notify_on_failure: campaign.notifyOnFailure,
    notification_channels: campaign.notificationChannels,
    stages: campaign.stages,
    stage_soak_minutes: campaign.stageSoakMinutes,
    canary_percentage: campaign.canaryPercentage,
    canary_duration_minutes: campaign.canaryDurationMinutes,
    max_retries: campaign.maxRetries,
    min_failure_sample: campaign.minFailureSample,
    health_check_window_minutes: campaign.healthCheckWindowMinutes,
    requires_device_confirmation: campaign.requiresDeviceConfirmation,
    continuous: campaign.continuous,
    retry_of: campaign.retryOf,
    maintenance_windows: windowsOf(campaign),
    default_time_zone: campaign.defaultTimeZone,
    rollout_rate: rolloutRateOf(campaign),
    next_window_at: iso(view.nextWindowAt ?? null),
    status: campaign.status,
    target_device_count: campaign.targetDeviceCount,
    targeted_devices: campaign.targetDevices.length,
    targeted_groups: campaign.targetGroups.length,
    total_devices: campaign.totalDevices,
    already_on_target_version: campaign.alreadyOnTargetVersion,
    pending_devices: progress.unreleased,
    in_progress_devices: progress.inFlight + progress.awaiting + progress.awaitingConfirmation,
    completed_devices: progress.completed + progress.healthPending,
    failed_devices: progress.failed + progress.timedOut + progress.healthFailed,
    cancelled_devices: progress.cancelled,
    current_stage: campaign.openStage,
    stage_plan: stagePlan(campaign, view.stages),
    activated_at: iso(campaign.activatedAt),
    actual_start: iso(campaign.actualStart),
    actual_end: iso(campaign.actualEnd),
    approved: campaign.approved,
    approved_by: campaign.approvedBy,
    approved_at: iso(campaign.approvedAt),
    approval_comment: campaign.approvalComment,
    approval_conditions: campaign.approvalConditions ?? null,
    created_by: campaign.createdBy,
    created_at: campaign.createdAt.toISOString(),
    updated_at: campaign.updatedAt.toISOString(),
  };
}

export function toCampaignDetail(campaign: Campaign, view: CampaignView, timeline: CampaignEvent[]): CampaignDetailResponseDto {
  return { ...toCampaignResponse(campaign, view), timeline: timeline.map(toTimelineEntry) };
}

/** Started: the stages as resolved; before: what a start would make of `target_device_count` now. */
function stagePlan(campaign: Campaign, stages: CampaignStage[]): CampaignStagePlanDto[] {
  if (stages.length > 0) {
    return stages.map((stage) => ({
      stage: stage.stage,
      percentage: stage.percentage,
      devices: stage.planned,
      status: stage.finishedAt !== null ? 'finished' : stage.openedAt !== null ? 'open' : 'pending',
      opened_at: iso(stage.openedAt),
      finished_at: iso(stage.finishedAt),
    }));
  }
  const strategy = campaign.deploymentStrategy as DeploymentStrategy;
  const percentages = stagePercentages({ strategy, stages: campaign.stages, canaryPercentage: campaign.canaryPercentage });
  const sizes = stageSizes(percentages, campaign.targetDeviceCount, firstStageAtLeastOne(strategy));
  return percentages.map((percentage, stage) => ({ stage, percentage, devices: sizes[stage], status: 'pending', opened_at: null, finished_at: null }));
}

export function toTimelineEntry(event: CampaignEvent): CampaignTimelineEntryDto {
  return {
    event: event.event,
    from_status: event.fromStatus,
    to_status: event.toStatus,
    actor: event.actor,
    actor_kind: event.actorKind,
    reason: event.reason,
    data: (event.data as Record<string, unknown> | null) ?? null,
    at: event.createdAt.toISOString(),
  };
}

export function toCampaignDevice(row: CampaignDeviceRow): CampaignDeviceDto {
  return {
    device_id: row.deviceId,
    stage: row.stage,
    status: row.status,
    phase: row.currentPhase,
    update_id: row.updateId,
    kind: row.kind,
    from_version: row.fromVersion,
    to_version: row.toVersion,
    error_code: row.errorCode,
    updated_at: row.updatedAt.toISOString(),
  };
}

function iso(value: Date | null): string | null {
  return value === null ? null : value.toISOString();
}
