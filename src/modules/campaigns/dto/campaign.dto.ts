import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { ListMetaDto, PaginationQueryDto } from '../../../common/http/pagination.dto';
import { OptionalBody } from '../../../common/http/request-validation.pipe';
import { FirmwareResponseDto } from '../../firmware/dto/firmware.dto';
import { TargetFieldsDto } from '../../targeting/dto/target-preview.dto';
import { UPDATE_STATUSES } from '../../updates/domain/update-state';
import { UPDATE_KINDS, UPDATE_PRIORITIES } from '../../updates/dto/update.dto';
import { CAMPAIGN_STATUSES, DEPLOYMENT_STRATEGIES, ROLLBACK_TRIGGERS } from '../domain/campaign-state';
import { TALLY_BUCKETS } from '../domain/campaign-tallies';
import { MAX_WINDOWS } from '../domain/maintenance-windows';
import { MaintenanceWindowDto, RolloutRateDto } from './rollout-policies.dto';

const MAX_CHANNELS = 20;
const MAX_MINUTES = 7 * 24 * 60;

/**
 * The settings of a campaign, shared by create and update: the targeting fields of the preview
 * and the rollout's. Every field is optional here; create adds the required ones and the defaults
 * come from `campaign-settings.ts`.
 */
export class CampaignSettingsDto extends TargetFieldsDto {
  @ApiProperty({ type: 'string', nullable: true, required: false, maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string | null;

  @ApiProperty({ enum: UPDATE_PRIORITIES, required: false, default: 'normal' })
  @IsOptional()
  @IsIn(UPDATE_PRIORITIES)
  priority?: string;

  /** Devices working on the update at once, at most. */
  @ApiProperty({ type: 'integer', required: false, minimum: 1, maximum: 1_000_000, default: 10 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  max_concurrent_updates?: number;

  /** Updates released per scheduler tick, at most. */
  @ApiProperty({ type: 'integer', required: false, minimum: 1, maximum: 10_000, default: 50 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000)
  batch_size?: number;

  /** When a `scheduled` campaign (or any campaign started early) begins; ISO-8601. */
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, required: false })
  @IsOptional()
  @IsISO8601({ strict: true })
  scheduled_start?: string | null;

  /** After this nothing new is released; the campaign ends when the updates with devices finish. */
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, required: false })
  @IsOptional()
  @IsISO8601({ strict: true })
  scheduled_end?: string | null;

  /** Each device's update fails with `TIMEOUT` when not finished this many minutes after its release. */
  @ApiProperty({ type: 'integer', required: false, minimum: 5, maximum: 1440, default: 60 })
  @IsOptional()
  @IsInt()
  @Min(5)
  @Max(1440)
  timeout_minutes?: number;

  /** Roll every completed device back when the failure threshold trips. */
  @ApiProperty({ required: false, default: true })
  @IsOptional()
  @IsBoolean()
  auto_rollback?: boolean;

  /** The campaign fails when this share (percent) of its finished updates failed. */
  @ApiProperty({ required: false, minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(1)
  @Max(100)
  failure_threshold_percent?: number;

  /**
   * What counts against the threshold: `failure_rate` (or `error_threshold`) the failures devices
   * report, `timeout` updates that ran out of time; `manual` and `health_check` are accepted.
   */
  @ApiProperty({ enum: ROLLBACK_TRIGGERS, isArray: true, required: false, default: ['failure_rate', 'timeout'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(ROLLBACK_TRIGGERS.length)
  @IsIn(ROLLBACK_TRIGGERS, { each: true })
  rollback_triggers?: string[];

  @IsOptional()
  @IsBoolean()
  notify_on_start?: boolean;

  @IsOptional()
  @IsBoolean()
  notify_on_complete?: boolean;

  @IsOptional()
  @IsBoolean()
  notify_on_failure?: boolean;

  /**
   * Where the platform's notification service should send news of this campaign (passed on in its
   * events). `webhook:https://…` entries are POSTed the notified events by this service itself.
   */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_CHANNELS)
  @IsString({ each: true })
  // A webhook URL may be up to 2048 characters, after `webhook:`.
  @Length(1, 2056, { each: true })
  notification_channels?: string[];

  /** `staged`: cumulative percentages, strictly increasing integers ending at 100. */
  @ApiProperty({ type: [Number], required: false, default: [10, 50, 100] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(100, { each: true })
  stages?: number[];

  /** `staged`: minutes to watch a finished stage before the next one opens. */
  @ApiProperty({ type: 'integer', required: false, minimum: 0, maximum: MAX_MINUTES, default: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_MINUTES)
  stage_soak_minutes?: number;

  /** `canary`: share of the devices in the canary (at least one device). */
  @ApiProperty({ required: false, minimum: 0.01, maximum: 50, default: 5 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.01)
  @Max(50)
  canary_percentage?: number;

  /** `canary`: minutes to watch the finished canary before the rest goes. */
  @ApiProperty({ type: 'integer', required: false, minimum: 0, maximum: MAX_MINUTES, default: 60 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_MINUTES)
  canary_duration_minutes?: number;

  /** Automatic retries of a device's failed update; a failure counts against the threshold once none is left. */
  @ApiProperty({ type: 'integer', required: false, minimum: 0, maximum: 10, default: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10)
  max_retries?: number;

  /** Finished updates needed before the failure rate is judged (or all of them, in a smaller campaign). */
  @ApiProperty({ type: 'integer', required: false, minimum: 1, maximum: 1_000_000, default: 10 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  min_failure_sample?: number;

  /**
   * Minutes a device that completed has to confirm it runs the new image (a check-in reporting
   * the version, or its health report); silence fails the update (`health_check`). 0: off.
   */
  @ApiProperty({ type: 'integer', required: false, minimum: 0, maximum: MAX_MINUTES, default: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_MINUTES)
  health_check_window_minutes?: number;

  /** Each device must consent (its confirmation) before it gets the update; until then it waits in `awaiting_confirmation`. */
  @ApiProperty({ required: false, default: false })
  @IsOptional()
  @IsBoolean()
  requires_device_confirmation?: boolean;

  /**
   * Devices that come to match the targets while it runs (registered, imported or changed) join
   * it in the open stage; it ends at `scheduled_end` or on cancel, not when its devices are done.
   */
  @ApiProperty({ required: false, default: false })
  @IsOptional()
  @IsBoolean()
  continuous?: boolean;

  /** Releases happen only inside one of these windows (at most 20); null or `[]`: at any time. */
  @ApiProperty({ type: [MaintenanceWindowDto], nullable: true, required: false, maxItems: MAX_WINDOWS })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_WINDOWS)
  @ValidateNested({ each: true })
  @Type(() => MaintenanceWindowDto)
  maintenance_windows?: MaintenanceWindowDto[] | null;

  /** IANA zone of devices without a valid `timezone` attribute, for windows in `device` zones; null: UTC. */
  @ApiProperty({ type: 'string', nullable: true, required: false, maxLength: 64, example: 'Europe/Berlin' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  default_time_zone?: string | null;

  /** Exponential ramp of releases a minute, on top of `batch_size` and `max_concurrent_updates`; null: none. */
  @ApiProperty({ type: RolloutRateDto, nullable: true, required: false })
  @IsOptional()
  @ValidateNested()
  @Type(() => RolloutRateDto)
  rollout_rate?: RolloutRateDto | null;
}

/** `POST /campaigns`. */
export class CreateCampaignDto extends CampaignSettingsDto {
  /** 1-200 characters. */
  @IsString()
  @Length(1, 200)
  name!: string;

  /** The firmware to roll out (32 lowercase hex characters), of this organization. */
  // Id patterns are literals here and below: the OpenAPI plugin documents a literal, not a shared constant.
  @Matches(/^[0-9a-f]{32}$/, { message: 'firmware_id must be 32 lowercase hexadecimal characters' })
  firmware_id!: string;

  @ApiProperty({ enum: DEPLOYMENT_STRATEGIES, required: false, default: 'staged' })
  @IsOptional()
  @IsIn(DEPLOYMENT_STRATEGIES)
  deployment_strategy?: string;

  /** An admin other than the creator must approve the campaign before it can start. */
  @IsOptional()
  @IsBoolean()
  requires_approval?: boolean;
}

/** `PATCH /campaigns/{campaign_id}`: only before the start; `null` clears a nullable field. */
export class UpdateCampaignDto extends CampaignSettingsDto {
  /** 1-200 characters. */
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;
}

export class CampaignIdParamDto {
  /** 32 lowercase hex characters. */
  @Matches(/^[0-9a-f]{32}$/, { message: 'campaign_id must be 32 lowercase hexadecimal characters' })
  campaign_id!: string;
}

/** `pause`, `cancel`, `rollback`: why, for the timeline. The body may be left out. */
@OptionalBody()
export class CampaignReasonDto {
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  reason?: string;
}

/** `POST /campaigns/{campaign_id}/approve`. */
export class ApproveCampaignDto {
  /** `true` approves; `false` rejects the campaign for good. */
  @IsBoolean()
  approved!: boolean;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  approval_comment?: string;

  /** Conditions of the approval, kept as sent. */
  @ApiPropertyOptional({ oneOf: [{ type: 'object', additionalProperties: true }, { type: 'array', items: {} }] })
  @IsOptional()
  conditions?: Record<string, unknown> | unknown[];

  /** Accepted for the original's clients; must be the campaign of the path. */
  @IsOptional()
  @IsString()
  campaign_id?: string;
}

export class ListCampaignsQueryDto extends PaginationQueryDto {
  @ApiProperty({ enum: CAMPAIGN_STATUSES, required: false })
  @IsOptional()
  @IsIn(CAMPAIGN_STATUSES)
  status?: string;

  @ApiProperty({ enum: UPDATE_PRIORITIES, required: false })
  @IsOptional()
  @IsIn(UPDATE_PRIORITIES)
  priority?: string;

  @ApiProperty({ enum: DEPLOYMENT_STRATEGIES, required: false })
  @IsOptional()
  @IsIn(DEPLOYMENT_STRATEGIES)
  deployment_strategy?: string;

  @IsOptional()
  @Matches(/^[0-9a-f]{32}$/, { message: 'firmware_id must be 32 lowercase hexadecimal characters' })
  firmware_id?: string;
}

export class ListCampaignDevicesQueryDto extends PaginationQueryDto {
  @ApiProperty({ enum: UPDATE_STATUSES, required: false })
  @IsOptional()
  @IsIn(UPDATE_STATUSES)
  status?: string;

  /** 0-based stage. */
  @ApiProperty({ type: 'integer', required: false, minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(100)
  stage?: number;

  /** `update` rows, or the `rollback` rows of a campaign rollback. */
  @ApiProperty({ enum: UPDATE_KINDS, required: false })
  @IsOptional()
  @IsIn(UPDATE_KINDS)
  kind?: string;
}

/** One stage as planned and as it went. */
export class CampaignStagePlanDto {
  /** 0-based. */
  stage!: number;
  /** Cumulative share of the campaign's devices this stage reaches, in percent. */
  percentage!: number;
  /** Devices in this stage (before the start: what a start would put there now). */
  devices!: number;
  /** `pending`, `open` or `finished`. */
  @ApiProperty({ enum: ['pending', 'open', 'finished'] })
  status!: string;
  @ApiProperty({ type: 'string', nullable: true })
  opened_at!: string | null;
  @ApiProperty({ type: 'string', nullable: true })
  finished_at!: string | null;
}

/** A transition of the campaign: when, by whom, why. */
export class CampaignTimelineEntryDto {
  /** `created`, `approved`, `started`, `stage_opened`, `failed`, ... */
  event!: string;
  @ApiProperty({ enum: CAMPAIGN_STATUSES, nullable: true })
  from_status!: string | null;
  @ApiProperty({ enum: CAMPAIGN_STATUSES })
  to_status!: string;
  /** A user id, API key id or service name; `scheduler` for the rollout. */
  actor!: string;
  @ApiProperty({ enum: ['user', 'api_key', 'service', 'scheduler'] })
  actor_kind!: string;
  @ApiProperty({ type: 'string', nullable: true })
  reason!: string | null;
  /** Figures behind it, e.g. `{failure_rate, threshold_percent, finished, stage}` for a failure. */
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  data!: Record<string, unknown> | null;
  at!: string;
}

export class CampaignResponseDto {
  campaign_id!: string;
  name!: string;
  @ApiProperty({ type: 'string', nullable: true })
  description!: string | null;
  firmware_id!: string;
  /** The firmware; null if deleted since the campaign finished. */
  @ApiProperty({ type: FirmwareResponseDto, nullable: true })
  firmware!: FirmwareResponseDto | null;
  target_devices!: string[];
  target_groups!: string[];
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  target_filters!: Record<string, unknown> | null;
  @ApiProperty({ enum: DEPLOYMENT_STRATEGIES })
  deployment_strategy!: string;
  @ApiProperty({ enum: UPDATE_PRIORITIES })
  priority!: string;
  rollout_percentage!: number;
  max_concurrent_updates!: number;
  batch_size!: number;
  @ApiProperty({ type: 'string', nullable: true })
  scheduled_start!: string | null;
  @ApiProperty({ type: 'string', nullable: true })
  scheduled_end!: string | null;
  timeout_minutes!: number;
  auto_rollback!: boolean;
  failure_threshold_percent!: number;
  @ApiProperty({ enum: ROLLBACK_TRIGGERS, isArray: true })
  rollback_triggers!: string[];
  requires_approval!: boolean;
  notify_on_start!: boolean;
  notify_on_complete!: boolean;
  notify_on_failure!: boolean;
  notification_channels!: string[];
  stages!: number[];
  stage_soak_minutes!: number;
  canary_percentage!: number;
  canary_duration_minutes!: number;
  max_retries!: number;
  min_failure_sample!: number;
  health_check_window_minutes!: number;
  requires_device_confirmation!: boolean;
  continuous!: boolean;
  /** The campaign this one retries over its failed devices; null for others. */
  @ApiProperty({ type: 'string', nullable: true })
  retry_of!: string | null;
  @ApiProperty({ type: [MaintenanceWindowDto], nullable: true })
  maintenance_windows!: MaintenanceWindowDto[] | null;
  @ApiProperty({ type: 'string', nullable: true })
  default_time_zone!: string | null;
  @ApiProperty({ type: RolloutRateDto, nullable: true })
  rollout_rate!: RolloutRateDto | null;
  /** The next opening of a maintenance window after now (in any of the campaign's zones); null without windows. */
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  next_window_at!: string | null;
  @ApiProperty({ enum: CAMPAIGN_STATUSES })
  status!: string;
  /** Before the start: what a start would select now (as of creation or the last change); after it, the devices the campaign holds. */
  target_device_count!: number;
  /** Explicit device ids given. */
  targeted_devices!: number;
  /** Groups given. */
  targeted_groups!: number;
  /** Devices the campaign holds (null before the start). */
  @ApiProperty({ type: 'integer', nullable: true })
  total_devices!: number | null;
  /** Selected devices already on the version at start, left out (null before the start). */
  @ApiProperty({ type: 'integer', nullable: true })
  already_on_target_version!: number | null;
  /** Not released yet. */
  pending_devices!: number;
  /** Released and working (or staged on a standby slot, waiting for the device's consent, or waiting for a retry). */
  in_progress_devices!: number;
  /** Completed, those whose health window is still open included. */
  completed_devices!: number;
  /** Failed, timed out and failed health checks included. */
  failed_devices!: number;
  cancelled_devices!: number;
  /** The highest open stage (0-based); null before the start. */
  @ApiProperty({ type: 'integer', nullable: true })
  current_stage!: number | null;
  stage_plan!: CampaignStagePlanDto[];
  /** Blue-green: when the staged devices were switched to the new image. */
  @ApiProperty({ type: 'string', nullable: true })
  activated_at!: string | null;
  @ApiProperty({ type: 'string', nullable: true })
  actual_start!: string | null;
  @ApiProperty({ type: 'string', nullable: true })
  actual_end!: string | null;
  /** Null until decided (and when no approval is required). */
  @ApiProperty({ type: 'boolean', nullable: true })
  approved!: boolean | null;
  @ApiProperty({ type: 'string', nullable: true })
  approved_by!: string | null;
  @ApiProperty({ type: 'string', nullable: true })
  approved_at!: string | null;
  @ApiProperty({ type: 'string', nullable: true })
  approval_comment!: string | null;
  @ApiProperty({ nullable: true, oneOf: [{ type: 'object', additionalProperties: true }, { type: 'array', items: {} }] })
  approval_conditions!: unknown;
  created_by!: string;
  created_at!: string;
  updated_at!: string;
}

export class CampaignDetailResponseDto extends CampaignResponseDto {
  /** Every transition, oldest first. */
  timeline!: CampaignTimelineEntryDto[];
}

export class CampaignListResponseDto extends ListMetaDto {
  campaigns!: CampaignResponseDto[];
}

export class CampaignDeviceDto {
  device_id!: string;
  @ApiProperty({ type: 'integer', nullable: true })
  stage!: number | null;
  @ApiProperty({ enum: UPDATE_STATUSES })
  status!: string;
  /** `waiting_busy` for a row whose device had another update running when its turn came. */
  @ApiProperty({ type: 'string', nullable: true })
  phase!: string | null;
  update_id!: string;
  @ApiProperty({ enum: UPDATE_KINDS })
  kind!: string;
  @ApiProperty({ type: 'string', nullable: true })
  from_version!: string | null;
  to_version!: string;
  @ApiProperty({ type: 'string', nullable: true })
  error_code!: string | null;
  updated_at!: string;
}

export class CampaignDeviceListResponseDto extends ListMetaDto {
  devices!: CampaignDeviceDto[];
}

export class CampaignStageStatsDto {
  stage!: number;
  percentage!: number;
  planned!: number;
  released!: number;
  /** Released and not finished (staged blue-green devices, devices asked for consent and due retries included). */
  in_flight!: number;
  completed!: number;
  /** Failed, timed out included. */
  failed!: number;
  cancelled!: number;
  /** Failed share of the finished updates that count (see `failure_rate` of the campaign), in percent; null before any finished. */
  @ApiProperty({ type: 'number', nullable: true })
  failure_rate!: number | null;
  @ApiProperty({ type: 'string', nullable: true })
  opened_at!: string | null;
  /** When the gate to the next stage opens (the stage finished plus its soak); null until then known, and for the last stage. */
  @ApiProperty({ type: 'string', nullable: true })
  gate_opens_at!: string | null;
}

export class CampaignRollbackStatsDto {
  planned!: number;
  pending!: number;
  in_flight!: number;
  completed!: number;
  failed!: number;
}

export class CampaignStatsResponseDto {
  campaign_id!: string;
  @ApiProperty({ enum: CAMPAIGN_STATUSES })
  status!: string;
  /** Finished (any way) share of the campaign's devices, in percent. */
  progress_percentage!: number;
  successful_updates!: number;
  /** Failed, timed out included. */
  failed_updates!: number;
  /** Not released yet. */
  pending_updates!: number;
  /** Minutes from a device starting to completing, averaged; 0 before any completed. */
  avg_update_time!: number;
  /** Completed share of the finished updates, in percent; 0 before any finished. */
  success_rate!: number;
  /**
   * Rows by state (`waiting_busy`: waiting for a busy device; `retrying`: failed, a retry due;
   * `health_pending`: completed, health window open; `health_check`: failed its health check).
   */
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, example: Object.fromEntries(TALLY_BUCKETS.map((bucket) => [bucket, 0])) })
  counts!: Record<string, number>;
  /** Waiting because their device had another update running. */
  waiting_busy!: number;
  /** Released, waiting for the device's consent (`requires_device_confirmation`). */
  awaiting_confirmation!: number;
  /** Completed, the health window still open: not counted as successful until confirmed. */
  health_pending!: number;
  @ApiProperty({ type: 'integer', nullable: true })
  already_on_target_version!: number | null;
  stages!: CampaignStageStatsDto[];
  /** The campaign's failure rate as the threshold judges it, in percent; null before any finished. */
  @ApiProperty({ type: 'number', nullable: true })
  failure_rate!: number | null;
  failure_threshold_percent!: number;
  /** Seconds until every device is done at the recent release rate; null when unknown. */
  @ApiProperty({ type: 'integer', nullable: true })
  eta_seconds!: number | null;
  /** Updates released over the last minute. */
  releases_per_minute!: number;
  /** The next opening of a maintenance window after now (in any of the campaign's zones); null without windows. */
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  next_window_at!: string | null;
  /** Releases a minute the ramp allows now (`rollout_rate`); null without a ramp. */
  @ApiProperty({ type: 'number', nullable: true })
  ramp_rate_per_minute!: number | null;
  /** The campaign rollback's rows; null when none was started. */
  @ApiProperty({ type: CampaignRollbackStatsDto, nullable: true })
  rollback!: CampaignRollbackStatsDto | null;
}
