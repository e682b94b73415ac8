import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../../common/errors/domain-error';
import { ErrorCode } from '../../common/errors/error-codes';
import type { TransactionClient } from '../../database/prisma.service';
import type { RollbackLog } from '../../generated/prisma/client';
import type { AuditContext } from '../audit/audit-context';
import { AuditService } from '../audit/audit.service';
import { OutboxService } from '../events/outbox.service';
import { FirmwareService } from '../firmware/firmware.service';
import type { UpdateSnapshot } from '../updates/update-hooks';
import { UpdatesService } from '../updates/updates.service';
import type { CreateRollbackDto, RollbackResponseDto } from './dto/rollback.dto';
import { RollbackRepository } from './rollback.repository';

/** Device rollbacks: an explicit update back to an older firmware, logged, with its own events. */
@Injectable()
export class RollbackService {
  constructor(
    private readonly updates: UpdatesService,
    private readonly firmware: FirmwareService,
    private readonly repository: RollbackRepository,
    private readonly outbox: OutboxService,
    private readonly auditLog: AuditService,
  ) {}

  /**
   * Cancels the device's unfinished update and releases an update of kind `rollback` to the
   * firmware of the device's model with version `to_version` (no compatibility check: a rollback
   * is explicit). Logs it and emits `rollback.initiated` in the same transaction.
   * @throws NotFoundError `device/not_found`, or `rollback/version_not_found` when the device's
   * model has no firmware with that version in the organization.
   */
  async rollback(organizationId: string, deviceId: string, request: CreateRollbackDto, audit: AuditContext): Promise<RollbackResponseDto> {
    const device = await this.updates.requireDevice(organizationId, deviceId);
    const firmware =
      device.deviceModel === null ? null : await this.firmware.findByModelAndVersion(organizationId, device.deviceModel, request.to_version);
    if (!firmware) {
      throw new NotFoundError(
        ErrorCode.RollbackVersionNotFound,
        `No firmware with version ${request.to_version} for model ${device.deviceModel ?? '(unknown)'}`,
      );
    }
    let log: RollbackLog | undefined;
    const update = await this.updates.release(organizationId, device, firmware, { priority: 'high' }, {
      kind: 'rollback',
      force: true,
      createdBy: audit.principal.id,
      onCreated: async (row, tx) => {
        log = await this.repository.insert(
          {
            organizationId,
            rollbackId: randomBytes(16).toString('hex'),
            deviceId,
            updateId: row.updateId,
            campaignId: null,
            fromVersion: row.fromVersion,
            toVersion: row.toVersion,
            reason: request.reason ?? null,
            initiatedBy: audit.principal.id,
          },
          tx,
        );
        await this.outbox.record(tx, { type: 'rollback.initiated', organizationId, data: eventData(log) });
        await this.auditLog.record(tx, audit, {
          organizationId,
          action: 'rollback.initiated',
          resourceType: 'rollback',
          resourceId: log.rollbackId,
          summary: { device_id: deviceId, update_id: log.updateId, from_version: log.fromVersion, to_version: log.toVersion, reason: log.reason },
        });
      },
    });
    const written = log as RollbackLog;
    return {
      rollback_id: written.rollbackId,
      device_id: written.deviceId,
      update_id: written.updateId,
      from_version: written.fromVersion,
      to_version: written.toVersion,
      reason: written.reason,
      status: update.status,
      initiated_by: written.initiatedBy,
      initiated_at: written.createdAt.toISOString(),
    };
  }

  /** A rollback's update completed: its log is marked and `rollback.completed` emitted, in that transaction. */
  async onUpdateFinished(update: UpdateSnapshot, tx: TransactionClient): Promise<void> {
    if (update.kind !== 'rollback' || update.status !== 'completed') return;
    const log = await this.repository.markCompleted(update.organizationId, update.updateId, tx);
    if (log) await this.outbox.record(tx, { type: 'rollback.completed', organizationId: update.organizationId, data: eventData(log) });
  }
}

function eventData(log: RollbackLog): Record<string, unknown> {
  return {
    organization_id: log.organizationId,
    rollback_id: log.rollbackId,
    device_id: log.deviceId,
    update_id: log.updateId,
    campaign_id: log.campaignId,
    from_version: log.fromVersion,
    to_version: log.toVersion,
    reason: log.reason,
    initiated_by: log.initiatedBy,
    initiated_at: log.createdAt.toISOString(),
    completed_at: log.completedAt?.toISOString() ?? null,
  };
}
