import { NotFoundError } from '../../common/errors/domain-error';
import { ErrorCode } from '../../common/errors/error-codes';
import type { DeviceUpdate } from '../../generated/prisma/client';
import type { DomainEvent } from '../events/outbox.service';
import type { DeviceCommandRequest } from './device-command-sink';
import type { NewTimelineEvent } from './updates.repository';

/** Who moved an update, as its timeline records it. */
export type EventSource = 'operator' | 'device' | 'mqtt' | 'scheduler' | 'system';

/** The timeline row of `row`'s current state. */
export function timelineEvent(row: DeviceUpdate, source: EventSource, detail: string | null): NewTimelineEvent {
  return { organizationId: row.organizationId, updateId: row.updateId, status: row.status, progress: row.progressPercentage, source, detail };
}

/** The outbox event `type` about an update, with the update's fields every consumer reads. */
export function updateEvent(type: string, row: DeviceUpdate, extra: Record<string, unknown> = {}): DomainEvent<Record<string, unknown>> {
  return {
    type,
    organizationId: row.organizationId,
    data: {
      organization_id: row.organizationId,
      update_id: row.updateId,
      device_id: row.deviceId,
      firmware_id: row.firmwareId,
      status: row.status,
      campaign_id: row.campaignId,
      kind: row.kind,
      from_version: row.fromVersion,
      to_version: row.toVersion,
      retry_count: row.retryCount,
      error_code: row.errorCode,
      ...extra,
    },
  };
}

export function updateNotFound(updateId: string): NotFoundError {
  return new NotFoundError(ErrorCode.UpdateNotFound, `Update ${updateId} not found`);
}

/** `update_available`: the update was released (or released again) for the device. */
export function availableCommand(row: DeviceUpdate): DeviceCommandRequest {
  return {
    organizationId: row.organizationId,
    deviceId: row.deviceId,
    command: {
      type: 'update_available',
      update_id: row.updateId,
      kind: row.kind,
      firmware_id: row.firmwareId,
      version: row.toVersion,
      priority: row.priority,
      force: row.force,
      activation: row.activation,
      // The device asks its user (or policy) first, then posts its confirmation.
      confirmation_required: row.status === 'awaiting_confirmation',
      timeout_at: row.timeoutAt?.toISOString() ?? null,
    },
  };
}

/** `update_cancelled`: the device should stop working on the update. */
export function cancelledCommand(row: DeviceUpdate, reason: string): DeviceCommandRequest {
  return {
    organizationId: row.organizationId,
    deviceId: row.deviceId,
    command: { type: 'update_cancelled', update_id: row.updateId, kind: row.kind, firmware_id: row.firmwareId, reason },
  };
}
