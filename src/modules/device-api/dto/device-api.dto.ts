import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsObject, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { DEVICE_LIMITS } from '../../devices/device-input';
import { DeviceIdParamDto } from '../../devices/dto/device.dto';
import { DEVICE_REPORT_LIMITS } from '../../updates/domain/device-report';
import { ACTIVATIONS, DEVICE_REPORTED_STATUSES, type DeviceReportedStatus } from '../../updates/domain/update-state';
import { UPDATE_KINDS } from '../../updates/dto/update.dto';

/** `{device_id}` and `{update_id}` of a device's report on one of its updates. */
export class DeviceUpdateParamsDto extends DeviceIdParamDto {
  /** 32 lowercase hex characters. */
  @Matches(/^[0-9a-f]{32}$/, { message: 'update_id must be 32 lowercase hexadecimal characters' })
  update_id!: string;
}

export class DeviceCheckInDto {
  /** The firmware version the device runs now; recorded (buffered) as the device's reported version. */
  @IsString()
  @Length(1, DEVICE_LIMITS.versionMaxLength)
  firmware_version!: string;

  /** Accepted and validated, not stored: the registry's hardware version is set by registration. */
  @IsOptional()
  @IsString()
  @Length(1, DEVICE_LIMITS.versionMaxLength)
  hardware_version?: string | null;

  /** Accepted and validated, not stored: attributes are set through the registry API. */
  @IsOptional()
  @IsObject()
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true })
  attributes?: Record<string, unknown> | null;
}

/** The device's job: what to install and where to fetch it. */
export class DeviceCheckInUpdateDto {
  update_id!: string;
  @ApiProperty({ enum: UPDATE_KINDS })
  kind!: string;
  firmware_id!: string;
  /** The version to install. */
  version!: string;
  /** `firmware`, `config`, ... as uploaded. */
  update_type!: string;
  /**
   * Where to download the image; valid until `download_expires_at` (at least half the configured
   * TTL after this answer). Check in again for a fresh link.
   */
  download_url!: string;
  download_expires_at!: string;
  /** Size of the image in bytes. */
  file_size!: number;
  checksum_sha256!: string;
  checksum_md5!: string;
  /** Base64 Ed25519 signature over the SHA-256 digest of the image, if the firmware is signed. */
  @ApiProperty({ type: 'string', nullable: true })
  signature!: string | null;
  @ApiProperty({ type: 'string', nullable: true })
  signing_key_id!: string | null;
  /** Install even if the device would otherwise refuse (e.g. a downgrade). */
  force!: boolean;
  /** The update fails (and may be retried) if not completed by then; none while a blue-green update is staged. */
  @ApiProperty({ type: 'string', nullable: true })
  timeout_at!: string | null;
  /**
   * How to apply it: `immediate` (install and reboot); blue-green `deferred` (download, verify,
   * install to the standby slot, report `awaiting_activation` and do not reboot), then `now`
   * (the campaign switched: activate the standby slot, report `rebooting`, then `completed`).
   */
  @ApiProperty({ enum: ACTIVATIONS })
  activation!: string;
  /**
   * End of the maintenance window the update was released in: do not start an install that
   * cannot finish by then (wait for the next window). Null: no window.
   */
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  window_ends_at!: string | null;
  /**
   * The campaign asks for the device's consent first: post `…/updates/{update_id}/confirmation`
   * before working on it (status reports are 409 `update/awaiting_confirmation` until then).
   */
  confirmation_required!: boolean;
}

export class DeviceCheckInResponseDto {
  /** Seconds until the next check-in (the configured interval with a per-device jitter). */
  poll_interval_seconds!: number;
  /** The released update the device should work on, or null. */
  @ApiProperty({ type: DeviceCheckInUpdateDto, nullable: true })
  update!: DeviceCheckInUpdateDto | null;
}

/** `POST …/updates/{update_id}/confirmation`: the device's consent to an update that asks for it. */
export class DeviceConfirmationDto {
  /** `true`: go ahead (the update is released with its timeout); `false`: not now (it keeps waiting). */
  @IsBoolean()
  confirmed!: boolean;

  /** Why the device (or its user) refused; kept in the update's timeline. */
  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  reason?: string | null;
}

/** `POST …/updates/{update_id}/health`: after completing, whether the device runs the new image well. */
export class DeviceHealthReportDto {
  /** `true` confirms the update; `false` fails it (`error_code` `health_check`), counted against its campaign's threshold. */
  @IsBoolean()
  healthy!: boolean;

  /** What the device found wrong (or right); kept as the failure's message. */
  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  details?: string | null;
}

/**
 * A device's report on one of its updates, for the OpenAPI document only: the report is validated
 * by its zod schema (`deviceReportBody` in `updates/domain/device-report.ts`), shared with the MQTT
 * status payload, which has `update_id` in addition (it is in the path here). `null` counts as
 * absent.
 */
export class DeviceStatusReportDto {
  /** The phase the device is in now. It may skip phases, never go back; repeating the current one updates progress. */
  @ApiProperty({ enum: DEVICE_REPORTED_STATUSES })
  status!: DeviceReportedStatus;

  /** Progress within the phase, 0-100. */
  @ApiPropertyOptional({ type: 'number', nullable: true, minimum: 0, maximum: 100 })
  progress_percentage?: number | null;

  /** Why it failed (with `status` `failed`). */
  @ApiPropertyOptional({ type: 'string', nullable: true, minLength: 1, maxLength: DEVICE_REPORT_LIMITS.errorCodeMaxLength })
  error_code?: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: DEVICE_REPORT_LIMITS.errorMessageMaxLength })
  error_message?: string | null;

  /** Bytes of the image downloaded so far. */
  @ApiPropertyOptional({ type: 'number', nullable: true, minimum: 0, maximum: Number.MAX_SAFE_INTEGER })
  bytes_downloaded?: number | null;

  /** The version the device runs; with `completed` it must be the update's version, or the update fails (`version_mismatch`). */
  @ApiPropertyOptional({ type: 'string', nullable: true, minLength: 1, maxLength: DEVICE_REPORT_LIMITS.firmwareVersionMaxLength })
  firmware_version?: string | null;
}
