import type { DeviceUpdate, DeviceUpdateEvent } from '../../generated/prisma/client';
import type { FirmwareResponseDto } from '../firmware/dto/firmware.dto';
import type { UpdateStatus } from './domain/update-state';
import type { UpdateDetailResponseDto, UpdateResponseDto, UpdateTimelineEntryDto } from './dto/update.dto';

/** The public view of an update row, with its firmware (null when that was deleted since). */
export function toUpdateResponse(row: DeviceUpdate, firmware: FirmwareResponseDto | null): UpdateResponseDto {
  const size = row.downloadSize === null ? null : Number(row.downloadSize);
  const bytes = Number(row.bytesDownloaded);
  return {
    update_id: row.updateId,
    device_id: row.deviceId,
    campaign_id: row.campaignId,
    kind: row.kind,
    firmware_id: row.firmwareId,
    firmware,
    status: row.status as UpdateStatus,
    priority: row.priority,
    progress_percentage: row.progressPercentage,
    current_phase: row.currentPhase,
    from_version: row.fromVersion,
    to_version: row.toVersion,
    scheduled_at: iso(row.scheduledAt),
    started_at: iso(row.startedAt),
    completed_at: iso(row.completedAt),
    timeout_at: iso(row.timeoutAt),
    next_retry_at: iso(row.nextRetryAt),
    // Rows read without the health columns (none of their writers sets them) have no window.
    health_deadline: iso(row.healthDeadline ?? null),
    health_confirmed_at: iso(row.healthConfirmedAt ?? null),
    error_code: row.errorCode,
    error_message: row.errorMessage,
    retry_count: row.retryCount,
    max_retries: row.maxRetries,
    timeout_minutes: row.timeoutMinutes,
    force_update: row.force,
    maintenance_window: (row.maintenanceWindow as Record<string, unknown> | null) ?? null,
    pre_update_commands: row.preUpdateCommands,
    post_update_commands: row.postUpdateCommands,
    download_size: size,
    bytes_downloaded: bytes,
    download_progress: size ? Math.min(100, Math.round((bytes / size) * 10_000) / 100) : 0,
    download_speed: row.downloadSpeed,
    signature_verified: row.signatureVerified,
    checksum_verified: row.checksumVerified,
    created_by: row.createdBy,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

export function toTimelineEntry(event: DeviceUpdateEvent): UpdateTimelineEntryDto {
  return {
    status: event.status as UpdateStatus,
    progress: event.progress,
    source: event.source,
    detail: event.detail,
    at: event.createdAt.toISOString(),
  };
}

export function toUpdateDetail(row: DeviceUpdate, firmware: FirmwareResponseDto | null, events: DeviceUpdateEvent[]): UpdateDetailResponseDto {
  return { ...toUpdateResponse(row, firmware), timeline: events.map(toTimelineEntry) };
}

function iso(value: Date | null): string | null {
  return value === null ? null : value.toISOString();
}
