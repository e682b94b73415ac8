import { NotFoundError } from '../../common/errors/domain-error';
import { ErrorCode } from '../../common/errors/error-codes';
import type { DeviceUpdate } from '../../generated/prisma/client';
import type { DomainEvent } from '../events/outbox.service';
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
