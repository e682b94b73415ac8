import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { FirmwareResponseDto } from '../../firmware/dto/firmware.dto';
import { UPDATE_STATUSES, type UpdateStatus } from '../domain/update-state';

export const UPDATE_PRIORITIES = ['low', 'normal', 'high', 'critical', 'emergency'] as const;
export type UpdatePriority = (typeof UPDATE_PRIORITIES)[number];
export const UPDATE_KINDS = ['update', 'rollback'] as const;
export const EVENT_SOURCES = ['operator', 'device', 'mqtt', 'scheduler', 'system'] as const;
export const BULK_MAX_DEVICES = 10_000;
const COMMANDS_MAX = 50;
const COMMAND_MAX_LENGTH = 500;
const DEVICE_ID_PATTERN = /^[^\u0000-\u001f\u007f]+$/;

export class UpdateIdParamDto {
  /** 32 lowercase hex characters. */
  @Matches(/^[0-9a-f]{32}$/, { message: 'update_id must be 32 lowercase hexadecimal characters' })
  update_id!: string;
}

/** The settings of an update, shared by the single and the bulk request. */
export class UpdateSettingsDto {
  /** The firmware to install (32 lowercase hex characters). */
  @Matches(/^[0-9a-f]{32}$/, { message: 'firmware_id must be 32 lowercase hexadecimal characters' })
  firmware_id!: string;

  @ApiProperty({ enum: UPDATE_PRIORITIES, required: false, default: 'normal' })
  @IsOptional()
  @IsIn(UPDATE_PRIORITIES)
  priority?: UpdatePriority;

  /**
   * Skip the compatibility check (model, hardware range) and the "already installed" shortcut,
   * and cancel the device's unfinished update instead of refusing with 409.
   */
  @IsOptional()
  @IsBoolean()
  force_update?: boolean;

  /** Automatic retries after a failure. */
  @ApiProperty({ type: 'integer', minimum: 0, maximum: 10, default: 3, required: false })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(10)
  max_retries?: number;

  /** The update fails with `TIMEOUT` when not finished this many minutes after its release. */
  @ApiProperty({ type: 'integer', minimum: 5, maximum: 1440, default: 60, required: false })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(5)
  @Max(1440)
  timeout_minutes?: number;

  /**
   * Every day from `start` to `end` (HH:MM; an `end` at or before `start` runs past midnight) in
   * `timezone` (IANA, default UTC), e.g. `{"start": "02:00", "end": "04:00", "timezone": "UTC"}`.
   * The update is released only inside it: outside, it waits (`created`) for the next opening.
   * The device's check-in gives the window's end (`window_ends_at`). Shown on the update as sent.
   */
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, example: { start: '02:00', end: '04:00', timezone: 'UTC' } })
  @IsOptional()
  @IsObject()
  maintenance_window?: Record<string, unknown> | null;

  /** Commands the device runs before installing. */
  @ApiProperty({ type: [String], required: false, maxItems: COMMANDS_MAX })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(COMMANDS_MAX)
  @IsString({ each: true })
  @MaxLength(COMMAND_MAX_LENGTH, { each: true })
  pre_update_commands?: string[];

  /** Commands the device runs after installing. */
  @ApiProperty({ type: [String], required: false, maxItems: COMMANDS_MAX })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(COMMANDS_MAX)
  @IsString({ each: true })
  @MaxLength(COMMAND_MAX_LENGTH, { each: true })
  post_update_commands?: string[];
}

/** `POST /devices/{device_id}/update`; a `device_id` in the body is ignored (the path names the device). */
export class CreateDeviceUpdateDto extends UpdateSettingsDto {}

/** `POST /devices/bulk/update`. */
export class BulkDeviceUpdateDto extends UpdateSettingsDto {
  /** 1 to 10 000 device ids; an id given twice is reported as an error on its repeats. */
  @ApiProperty({ type: [String], minItems: 1, maxItems: BULK_MAX_DEVICES })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(BULK_MAX_DEVICES)
  @IsString({ each: true })
  @Length(1, 255, { each: true })
  @Matches(DEVICE_ID_PATTERN, { each: true, message: 'device_ids must not contain control characters' })
  device_ids!: string[];
}

export class BulkUpdateResultDto {
  device_id!: string;
  success!: boolean;
  /** The created update, when `success`. */
  update_id?: string;
  /** Why not, when not `success`: `device/not_found`, `update/incompatible`, `update/device_busy`, `update/duplicate_device_id`. */
  error?: string;
  /** Human-readable explanation of `error`. */
  detail?: string;
}

export class BulkUpdateResponseDto {
  /** One entry per requested id, in request order. */
  results!: BulkUpdateResultDto[];
  /** Ids requested. */
  total!: number;
  /** Updates created. */
  succeeded!: number;
  failed!: number;
}

export class UpdateTimelineEntryDto {
  @ApiProperty({ enum: UPDATE_STATUSES })
  status!: UpdateStatus;
  @ApiProperty({ type: 'integer', nullable: true })
  progress!: number | null;
  /** Who caused it: `operator`, `device` (HTTP), `mqtt`, `scheduler` or `system`. */
  @ApiProperty({ enum: EVENT_SOURCES })
  source!: string;
  detail!: string | null;
  at!: string;
}

export class UpdateResponseDto {
  update_id!: string;
  device_id!: string;
  /** Null when the update did not come from a campaign. */
  @ApiProperty({ type: 'string', nullable: true })
  campaign_id!: string | null;
  @ApiProperty({ enum: UPDATE_KINDS })
  kind!: string;
  firmware_id!: string;
  /** The firmware; null when it was deleted after the update finished. */
  @ApiProperty({ type: FirmwareResponseDto, nullable: true })
  firmware!: FirmwareResponseDto | null;
  @ApiProperty({ enum: UPDATE_STATUSES })
  status!: UpdateStatus;
  @ApiProperty({ enum: UPDATE_PRIORITIES })
  priority!: string;
  progress_percentage!: number;
  current_phase!: string | null;
  from_version!: string | null;
  to_version!: string;
  scheduled_at!: string | null;
  started_at!: string | null;
  completed_at!: string | null;
  timeout_at!: string | null;
  /** When a failed update is released again automatically; null when no retry is due. */
  next_retry_at!: string | null;
  /** A completed campaign update must be confirmed healthy by then (`health_check_window_minutes`); null when no window is open. */
  health_deadline!: string | null;
  /** When the device confirmed it runs the new image (a check-in with the version, or its health report); null before. */
  health_confirmed_at!: string | null;
  error_code!: string | null;
  error_message!: string | null;
  retry_count!: number;
  max_retries!: number;
  timeout_minutes!: number;
  force_update!: boolean;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  maintenance_window!: Record<string, unknown> | null;
  pre_update_commands!: string[];
  post_update_commands!: string[];
  /** Size of the image in bytes. */
  @ApiProperty({ type: 'integer', nullable: true })
  download_size!: number | null;
  bytes_downloaded!: number;
  /** Share of the image downloaded (0-100). */
  download_progress!: number;
  /** Bytes per second over the download so far. */
  @ApiProperty({ type: 'number', nullable: true })
  download_speed!: number | null;
  signature_verified!: boolean;
  checksum_verified!: boolean;
  created_by!: string;
  created_at!: string;
  updated_at!: string;
}

export class UpdateDetailResponseDto extends UpdateResponseDto {
  /** Every status change, oldest first. */
  timeline!: UpdateTimelineEntryDto[];
}

export class DeviceUpdateHistoryQueryDto {
  /** Updates listed, newest first. */
  @ApiProperty({ type: 'integer', required: false, minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit: number = 50;
}

export class DeviceUpdateHistoryResponseDto {
  device_id!: string;
  /** The newest `limit` updates. */
  updates!: UpdateResponseDto[];
  /** Counts over all the device's updates, not only those listed. */
  total_updates!: number;
  successful_updates!: number;
  failed_updates!: number;
  /** Completed as a share of finished (completed or failed) updates, 0-100; null before any finished. */
  @ApiProperty({ type: 'number', nullable: true })
  avg_success_rate!: number | null;
  /** The newest update, or null. */
  @ApiProperty({ type: UpdateResponseDto, nullable: true })
  last_update!: UpdateResponseDto | null;
}
