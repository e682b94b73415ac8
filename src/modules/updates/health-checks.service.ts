import { Injectable } from '@nestjs/common';
import { ConflictError } from '../../common/errors/domain-error';
import { ErrorCode } from '../../common/errors/error-codes';
import { PrismaService, type TransactionClient } from '../../database/prisma.service';
import type { DeviceUpdate } from '../../generated/prisma/client';
import { FirmwareService } from '../firmware/firmware.service';
import type { UpdateResponseDto } from './dto/update.dto';
import { HealthChecksRepository, type SeenVersion } from './health-checks.repository';
import { UpdateChanges } from './update-changes';
import { type EventSource, timelineEvent, updateNotFound } from './update-records';
import { toUpdateResponse } from './update.mapper';
import { type Changed, UpdatesRepository } from './updates.repository';
import { SCHEDULER_BATCH } from './update-timeouts.service';

/** A device's own word on the image it runs after completing an update. */
export interface HealthReport {
  healthy: boolean;
  details?: string;
}

/**
 * Post-update health confirmation (`health_check_window_minutes` of a campaign): a completed
 * campaign update has until its `health_deadline` for the device to show it runs the new image,
 * by a check-in reporting that version (confirmed in the last-seen flush, one statement per
 * flush) or by its health report. Silence past the deadline, or `healthy: false`, fails the update
 * with `error_code` `health_check`: the timeline, `update.failed` and the campaign's counts follow
 * as for any failure, so the campaign's threshold and stage gates see it.
 */
@Injectable()
export class HealthChecksService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly repository: HealthChecksRepository,
    private readonly updates: UpdatesRepository,
    private readonly changes: UpdateChanges,
    private readonly firmware: FirmwareService,
  ) {}

  /**
   * The device's health report on one of its completed updates: `healthy` closes the window,
   * otherwise the update fails (`health_check`, `details` as its message).
   * @throws NotFoundError `update/not_found` for an unknown update or another device's.
   * @throws ConflictError `update/no_health_check` when the update has no open health window.
   */
  async report(organizationId: string, deviceId: string, updateId: string, report: HealthReport, source: EventSource): Promise<UpdateResponseDto> {
    const row = await this.prisma.$transaction(async (tx) => {
      const locked = await this.updates.lock(organizationId, updateId, tx);
      if (locked === null || locked.deviceId !== deviceId) throw updateNotFound(updateId);
      if (locked.status !== 'completed' || locked.healthDeadline === null) {
        throw new ConflictError(ErrorCode.UpdateNoHealthCheck, `Update ${updateId} has no health check pending (it is ${locked.status})`);
      }
      if (report.healthy) {
        const confirmed = await this.repository.confirm(locked, tx);
        await this.confirmed(tx, [confirmed], source, () => 'Confirmed healthy by the device');
        return confirmed.after;
      }
      const message = report.details ? `The device reports it is unhealthy: ${report.details}` : 'The device reports it is unhealthy';
      const failed = await this.repository.fail(locked, message.slice(0, 2000), tx);
      await this.changes.failed(tx, [failed], source, (after) => `${after.errorCode}: ${after.errorMessage}`);
      return failed.after;
    });
    const firmware = await this.firmware.findMany(organizationId, [row.firmwareId]);
    return toUpdateResponse(row, firmware.get(row.firmwareId) ?? null);
  }

  /**
   * Confirms the open windows of devices seen (at check-in) running their update's version. Returns
   * how many. Every last-seen flush calls this; while no window is open anywhere (most of the time)
   * it costs one probe, not a transaction carrying the whole flush's devices.
   */
  async confirmSeen(seen: readonly SeenVersion[]): Promise<number> {
    if (seen.length === 0 || !(await this.repository.anyWindowOpen(this.prisma))) return 0;
    return this.prisma.$transaction(async (tx) => {
      const changes = await this.repository.confirmSeen(seen, tx);
      await this.confirmed(tx, changes, 'device', (row) => `Confirmed healthy: the device checked in with version ${row.toVersion}`);
      return changes.length;
    });
  }

  /** Fails completed updates whose health window passed without a confirmation (the scheduler's sweep). Returns how many. */
  async failOverdue(limit = SCHEDULER_BATCH): Promise<number> {
    return this.prisma.$transaction(async (tx) => {
      const changes = await this.repository.failOverdue(limit, tx);
      await this.changes.failed(tx, changes, 'scheduler', (row) => `${row.errorCode}: ${row.errorMessage}`);
      return changes.length;
    });
  }

  /** A timeline row per confirmed update, and the listeners (the campaign's counts: health_pending → completed). */
  private async confirmed(tx: TransactionClient, changes: Changed[], source: EventSource, detail: (row: DeviceUpdate) => string): Promise<void> {
    await this.updates.addEvents(changes.map(({ after }) => timelineEvent(after, source, detail(after))), tx);
    await this.changes.recorded(tx, changes);
  }
}
