/** Shapes of the API for this folder's tests (not used by the page itself). */
import type { components } from '../../../../clients/typescript';
import type { CampaignStats, TimelineEntry } from '../../api/campaign-events';

type CampaignDetail = components['schemas']['CampaignDetailResponseDto'];

export function statsWith(over: Partial<CampaignStats>): CampaignStats {
  return {
    campaign_id: 'c1', status: 'in_progress', counts: {}, already_on_target_version: 0, failure_rate: null, eta_seconds: null, next_window_at: null,
    ramp_rate_per_minute: null, rollback: null, progress_percentage: 0, successful_updates: 0, failed_updates: 0, pending_updates: 0, avg_update_time: 0,
    success_rate: 0, waiting_busy: 0, awaiting_confirmation: 0, health_pending: 0, stages: [], failure_threshold_percent: 20, releases_per_minute: 0,
    ...over,
  };
}

export function transitionWith(over: Partial<TimelineEntry>): TimelineEntry {
  return {
    campaign_id: 'c1', event: 'started', from_status: 'created', to_status: 'in_progress', actor: 'me', actor_kind: 'user', reason: null, data: null,
    at: '2026-03-01T10:00:00.000Z', ...over,
  };
}

export function campaignWith(over: Partial<CampaignDetail>): CampaignDetail {
  return {
    campaign_id: 'c1', name: 'Lab to 2.0.0', description: null, firmware_id: 'f1', firmware: null, target_devices: [], target_groups: ['lab'], target_filters: null,
    deployment_strategy: 'staged', priority: 'normal', rollout_percentage: 100, max_concurrent_updates: 10, batch_size: 50, scheduled_start: null, scheduled_end: null,
    timeout_minutes: 60, auto_rollback: true, failure_threshold_percent: 20, rollback_triggers: ['failure_rate', 'timeout'], requires_approval: false,
    notify_on_start: true, notify_on_complete: true, notify_on_failure: true, notification_channels: [], stages: [20, 60, 100], stage_soak_minutes: 0,
    canary_percentage: 5, canary_duration_minutes: 60, max_retries: 0, min_failure_sample: 10, health_check_window_minutes: 0, requires_device_confirmation: false,
    continuous: false, maintenance_windows: null, default_time_zone: null, rollout_rate: null, next_window_at: null, retry_of: null, status: 'in_progress',
    total_devices: 10, already_on_target_version: 0, current_stage: 0, activated_at: null, actual_start: null, actual_end: null, approved: null, approved_by: null,
    approved_at: null, approval_comment: null, approval_conditions: null, target_device_count: 10, targeted_devices: 0, targeted_groups: 1, pending_devices: 8,
    in_progress_devices: 2, completed_devices: 0, failed_devices: 0, cancelled_devices: 0,
    stage_plan: [
      { stage: 0, percentage: 20, devices: 2, status: 'open', opened_at: null, finished_at: null },
      { stage: 1, percentage: 60, devices: 4, status: 'pending', opened_at: null, finished_at: null },
      { stage: 2, percentage: 100, devices: 4, status: 'pending', opened_at: null, finished_at: null },
    ],
    created_by: 'someone', created_at: '2026-03-01T09:00:00.000Z', updated_at: '2026-03-01T09:00:00.000Z', timeline: [],
    ...over,
  };
}
