import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError, ValidationError } from '../../common/errors/domain-error';
import { ErrorCode } from '../../common/errors/error-codes';
import { Clock } from '../../common/time/clock';
import { PrismaService, type TransactionClient } from '../../database/prisma.service';
import { isUniqueViolation } from '../../database/sql-errors';
import type { DeviceUpdate, Prisma } from '../../generated/prisma/client';
import type { AuditContext } from '../audit/audit-context';
import { AuditService } from '../audit/audit.service';
import { DEVICE_DIRECTORY, type DeviceDirectory, type DirectoryDevice } from '../devices/directory/device-directory.port';
import { incompatibility, isSameVersion } from '../firmware/compatibility';
import type { FirmwareResponseDto } from '../firmware/dto/firmware.dto';
import { FirmwareService } from '../firmware/firmware.service';
import { WindowCalendar } from '../campaigns/domain/maintenance-windows';
import { dailyWindowState, type DeviceWindow, deviceWindowProblems } from './domain/device-window';
import { canCancel, canRetry, type UpdateStatus } from './domain/update-state';
import type {
  BulkDeviceUpdateDto,
  BulkUpdateResponseDto,
  BulkUpdateResultDto,
  DeviceUpdateHistoryResponseDto,
  UpdateDetailResponseDto,
  UpdateSettingsDto,
} from './dto/update.dto';
import { UpdateChanges } from './update-changes';
import { updateNotFound } from './update-records';
import { toUpdateDetail, toUpdateResponse } from './update.mapper';
import { type CheckInUpdateRow, type DeviceKey, type NewDeviceUpdate, UpdatesRepository } from './updates.repository';

export interface ReleaseOptions {
  kind: 'update' | 'rollback';
  /** Skip compatibility and "already installed", and cancel the device's unfinished update. */
  force: boolean;
  createdBy: string;
  /** Runs in the creating transaction (a rollback writes its log there). */
  onCreated?: (row: DeviceUpdate, tx: TransactionClient) => Promise<void>;
}

/**
 * A bulk request writes up to 10 000 updates with their timeline rows and device commands in one
 * transaction; that takes seconds, past Prisma's 5 s default, and must not fail half-way as a 500.
 */
const BULK_TRANSACTION = { timeout: 120_000, maxWait: 10_000 };

/**
 * Device updates as operators ask for them, one organization per call: single and bulk updates,
 * reads, cancel and retry; plus the small reads other modules need (check-ins, MQTT routing,
 * firmware in use). Device reports are `DeviceReportsService`'s, timeouts and automatic retries
 * `UpdateTimeoutsService`'s, a campaign's rows `CampaignUpdatesService`'s; every change goes
 * through `UpdateChanges` (timeline, events, commands, listeners).
 */
@Injectable()
export class UpdatesService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly repository: UpdatesRepository,
    private readonly changes: UpdateChanges,
    private readonly firmware: FirmwareService,
    private readonly auditLog: AuditService,
    @Inject(DEVICE_DIRECTORY) private readonly directory: DeviceDirectory,
    private readonly clock: Clock,
  ) {}

  /** Remembers maintenance window states (see `WindowCalendar`). */
  private readonly calendar = new WindowCalendar();

  /**
   * The device from the directory.
   * @throws NotFoundError (`device/not_found`) when the organization has no such device.
   * @throws DependencyUnavailableError when a remote directory cannot answer.
   */
  async requireDevice(organizationId: string, deviceId: string): Promise<DirectoryDevice> {
    const device = await this.directory.find(organizationId, deviceId);
    if (!device) throw new NotFoundError(ErrorCode.DeviceNotFound, `Device ${deviceId} not found`);
    return device;
  }

  /**
   * Creates an update for one device and releases it at once, or with a `maintenance_window`
   * closed now, when it next opens (it waits `created` until then).
   * @throws ValidationError for a `maintenance_window` that is no daily window.
   * @throws NotFoundError for an unknown device or firmware.
   * @throws ConflictError `update/incompatible` (unless forced), `update/device_busy` (unless forced).
   */
  async create(organizationId: string, deviceId: string, settings: UpdateSettingsDto, audit: AuditContext): Promise<UpdateDetailResponseDto> {
    const device = await this.requireDevice(organizationId, deviceId);
    const firmware = await this.firmware.get(organizationId, settings.firmware_id);
    const force = settings.force_update ?? false;
    return this.release(organizationId, device, firmware, settings, {
      kind: 'update',
      force,
      createdBy: audit.principal.id,
      onCreated: (row, tx) =>
        this.auditLog.record(tx, audit, {
          organizationId,
          action: 'update.created',
          resourceType: 'update',
          resourceId: row.updateId,
          summary: { device_id: row.deviceId, firmware_id: row.firmwareId, from_version: row.fromVersion, to_version: row.toVersion, priority: row.priority, force_update: force, status: row.status },
        }),
    });
  }

  /**
   * Creates and releases an update of `device` to `firmware` (single requests and rollbacks). A
   * device already on the version gets a completed update unless forced.
   * @throws ConflictError `update/incompatible`, `update/device_busy` (both unless `force`).
   */
  async release(
    organizationId: string,
    device: DirectoryDevice,
    firmware: FirmwareResponseDto,
    settings: Omit<UpdateSettingsDto, 'firmware_id'>,
    options: ReleaseOptions,
  ): Promise<UpdateDetailResponseDto> {
    assertWindow(settings);
    if (!options.force) {
      const problem = incompatibility(device, firmware);
      if (problem !== null) throw new ConflictError(ErrorCode.UpdateIncompatible, problem);
    }
    const installed = !options.force && isSameVersion(device.firmwareVersion, firmware.version);
    const row = await this.prisma
      .$transaction(async (tx) => {
        const active = await this.repository.lockReleasedByDevices(organizationId, [device.deviceId], tx);
        if (active.length > 0) {
          if (!options.force) throw busy(device.deviceId, active[0].updateId);
          await this.changes.cancel(tx, organizationId, active, 'operator', 'Superseded by a forced update', true);
        }
        await this.supersedeRetries(tx, organizationId, [device.deviceId]);
        const [created] = await this.repository.insertMany([this.newRow(organizationId, device, firmware, settings, options, installed, this.clock.now())], tx);
        // Skipped: a concurrent request gave the device an unfinished update first.
        if (created === undefined) throw busy(device.deviceId);
        await this.changes.inserted(tx, [created], 'operator');
        await options.onCreated?.(created, tx);
        return created;
      });
    return toUpdateDetail(row, firmware, await this.repository.timeline(organizationId, row.updateId));
  }

  /**
   * One update per listed device, in a few statements whatever the count. Each device's outcome
   * is reported apart (not found, incompatible, busy, listed twice); the others go ahead.
   * @throws NotFoundError for an unknown firmware (nothing can be done for any device).
   */
  async bulkCreate(organizationId: string, request: BulkDeviceUpdateDto, audit: AuditContext): Promise<BulkUpdateResponseDto> {
    assertWindow(request);
    const firmware = await this.firmware.get(organizationId, request.firmware_id);
    const force = request.force_update ?? false;
    const results: BulkUpdateResultDto[] = request.device_ids.map((deviceId) => ({ device_id: deviceId, success: false }));
    const firstIndex = new Map<string, number>();
    request.device_ids.forEach((deviceId, index) => {
      if (firstIndex.has(deviceId)) fail(results[index], ErrorCode.UpdateDuplicateDevice, 'Listed more than once; the first mention counts');
      else firstIndex.set(deviceId, index);
    });

    const devices = await this.directory.findMany(organizationId, [...firstIndex.keys()]);
    const candidates: DirectoryDevice[] = [];
    for (const [deviceId, index] of firstIndex) {
      const device = devices.get(deviceId);
      const problem = device === undefined ? null : force ? null : incompatibility(device, firmware);
      if (device === undefined) fail(results[index], ErrorCode.DeviceNotFound, `Device ${deviceId} not found`);
      else if (problem !== null) fail(results[index], ErrorCode.UpdateIncompatible, problem);
      else candidates.push(device);
    }

    if (candidates.length > 0) {
      const inserted = await this.prisma.$transaction(async (tx) => {
        const active = await this.repository.lockReleasedByDevices(organizationId, candidates.map((device) => device.deviceId), tx);
        let ready = candidates;
        if (force) {
          await this.changes.cancel(tx, organizationId, active, 'operator', 'Superseded by a forced update', true);
        } else {
          const busyIds = new Set(active.map((row) => row.deviceId));
          ready = candidates.filter((device) => !busyIds.has(device.deviceId));
        }
        await this.supersedeRetries(tx, organizationId, ready.map((device) => device.deviceId));
        const now = this.clock.now();
        const rows = await this.repository.insertMany(
          ready.map((device) => {
            const installed = !force && isSameVersion(device.firmwareVersion, firmware.version);
            return this.newRow(organizationId, device, firmware, request, { kind: 'update', force, createdBy: audit.principal.id }, installed, now);
          }),
          tx,
        );
        await this.changes.inserted(tx, rows, 'operator');
        if (rows.length > 0) {
          await this.auditLog.record(tx, audit, {
            organizationId,
            action: 'update.bulk_created',
            resourceType: 'update',
            resourceId: null,
            summary: { firmware_id: firmware.firmware_id, to_version: firmware.version, force_update: force, requested: request.device_ids.length, created: rows.length, device_ids: rows.map((row) => row.deviceId) },
          });
        }
        return rows;
      }, BULK_TRANSACTION);
      const byDevice = new Map(inserted.map((row) => [row.deviceId, row.updateId]));
      for (const device of candidates) {
        const result = results[firstIndex.get(device.deviceId) as number];
        const updateId = byDevice.get(device.deviceId);
        if (updateId === undefined) fail(result, ErrorCode.UpdateDeviceBusy, `Device ${device.deviceId} already has an unfinished update`);
        else Object.assign(result, { success: true, update_id: updateId });
      }
    }
    const succeeded = results.filter((result) => result.success).length;
    return { results, total: results.length, succeeded, failed: results.length - succeeded };
  }

  /** @throws NotFoundError when the organization has no such update. */
  async get(organizationId: string, updateId: string): Promise<UpdateDetailResponseDto> {
    const row = await this.repository.findById(organizationId, updateId);
    if (!row) throw updateNotFound(updateId);
    const [firmware, timeline] = await Promise.all([this.firmware.findMany(organizationId, [row.firmwareId]), this.repository.timeline(organizationId, updateId)]);
    return toUpdateDetail(row, firmware.get(row.firmwareId) ?? null, timeline);
  }

  /** The device's newest updates and counts over all of them (also for a device deleted since). */
  async history(organizationId: string, deviceId: string, limit: number): Promise<DeviceUpdateHistoryResponseDto> {
    const [rows, counts] = await Promise.all([
      this.repository.latestByDevice(organizationId, deviceId, limit),
      this.repository.countsByDevice(organizationId, deviceId),
    ]);
    const firmware = await this.firmware.findMany(organizationId, rows.map((row) => row.firmwareId));
    const updates = rows.map((row) => toUpdateResponse(row, firmware.get(row.firmwareId) ?? null));
    const finished = counts.completed + counts.failed;
    return {
      device_id: deviceId,
      updates,
      total_updates: counts.total,
      successful_updates: counts.completed,
      failed_updates: counts.failed,
      avg_success_rate: finished === 0 ? null : Math.round((counts.completed / finished) * 10_000) / 100,
      last_update: updates[0] ?? null,
    };
  }

  /**
   * Cancels an unfinished update and tells the device.
   * @throws NotFoundError when the organization has no such update.
   * @throws ConflictError `update/invalid_transition` when it already finished.
   */
  async cancel(organizationId: string, updateId: string, audit: AuditContext): Promise<UpdateDetailResponseDto> {
    await this.prisma.$transaction(async (tx) => {
      const row = await this.repository.lock(organizationId, updateId, tx);
      if (!row) throw updateNotFound(updateId);
      if (!canCancel(row.status as UpdateStatus)) {
        throw new ConflictError(ErrorCode.UpdateInvalidTransition, `Update ${updateId} is ${row.status} and cannot be cancelled`);
      }
      await this.changes.cancel(tx, organizationId, [row], 'operator', `Cancelled by ${audit.principal.id}`, true);
      await this.auditLog.record(tx, audit, {
        organizationId,
        action: 'update.cancelled',
        resourceType: 'update',
        resourceId: updateId,
        summary: { device_id: row.deviceId, previous_status: row.status },
      });
    });
    return this.get(organizationId, updateId);
  }

  /**
   * Releases a failed update again now, as the scheduler would later.
   * @throws NotFoundError when the organization has no such update.
   * @throws ConflictError `update/invalid_transition` unless failed, `update/retries_exhausted` at
   * `max_retries`, `update/device_busy` when the device has another unfinished update,
   * `update/campaign_managed` for a campaign's update (its rollout decides when rows go out).
   */
  async retry(organizationId: string, updateId: string, audit: AuditContext): Promise<UpdateDetailResponseDto> {
    await this.prisma
      .$transaction(async (tx) => {
        const row = await this.repository.lock(organizationId, updateId, tx);
        if (!row) throw updateNotFound(updateId);
        if (row.status !== 'failed') {
          throw new ConflictError(ErrorCode.UpdateInvalidTransition, `Update ${updateId} is ${row.status}; only a failed update can be retried`);
        }
        if (row.campaignId !== null) {
          throw new ConflictError(ErrorCode.UpdateCampaignManaged, `Update ${updateId} belongs to campaign ${row.campaignId}, whose rollout retries it (max_retries)`);
        }
        if (!canRetry({ status: 'failed', retryCount: row.retryCount, maxRetries: row.maxRetries })) {
          throw new ConflictError(ErrorCode.UpdateRetriesExhausted, `Update ${updateId} has used all its ${row.maxRetries} retries`);
        }
        const now = new Date();
        const [released] = await this.repository.updateMany(organizationId, [updateId], { ...retryReset(row, now), retryCount: row.retryCount + 1 }, tx);
        await this.changes.released(tx, [{ before: row, after: released }], 'operator', () => `Retry ${released.retryCount} of ${released.maxRetries}, requested by ${audit.principal.id}`);
        await this.auditLog.record(tx, audit, {
          organizationId,
          action: 'update.retried',
          resourceType: 'update',
          resourceId: updateId,
          summary: { device_id: row.deviceId, retry_count: released.retryCount, max_retries: released.maxRetries },
        });
      })
      .catch((error: unknown) => {
        if (isUniqueViolation(error)) throw busy('the device');
        throw error;
      });
    return this.get(organizationId, updateId);
  }

  /**
   * Each device's released, unfinished update with its firmware, or null (`created` rows are not
   * handed out), in the order asked: one indexed read for a batch of device check-ins.
   */
  releasedForCheckIn(devices: readonly DeviceKey[]): Promise<(CheckInUpdateRow | null)[]> {
    return this.repository.findReleasedForCheckIn(devices);
  }

  /** The organization an update belongs to (update ids are unique across organizations), or null. */
  async organizationOfUpdate(updateId: string, deviceId: string): Promise<string | null> {
    const row = await this.repository.findByUpdateId(updateId);
    return row && row.deviceId === deviceId ? row.organizationId : null;
  }

  /**
   * Cancels the device's unfinished updates, released or waiting in a campaign, in the caller's
   * transaction (the device is being deleted); its pending retries are dropped.
   */
  async cancelForDeletedDevice(organizationId: string, deviceId: string, tx: TransactionClient): Promise<void> {
    const unfinished = await this.repository.lockUnfinishedByDevices(organizationId, [deviceId], tx);
    await this.changes.cancel(tx, organizationId, unfinished, 'system', 'The device was deleted', false);
    await this.supersedeRetries(tx, organizationId, [deviceId]);
  }

  /** The devices' failed updates waiting for an automatic retry fail for good: a newer update (or none) supersedes them. */
  private async supersedeRetries(tx: TransactionClient, organizationId: string, deviceIds: string[]): Promise<void> {
    await this.changes.recorded(tx, await this.repository.clearPendingRetries({ organizationId, deviceIds }, tx));
  }

  /** What of this firmware is still in use by unfinished updates, or null. */
  async describeFirmwareUse(organizationId: string, firmwareId: string, tx: TransactionClient): Promise<string | null> {
    const count = await this.repository.countActiveByFirmware(organizationId, firmwareId, tx);
    return count === 0 ? null : `${count} unfinished device update${count === 1 ? '' : 's'}`;
  }

  private newRow(
    organizationId: string,
    device: DirectoryDevice,
    firmware: FirmwareResponseDto,
    settings: Omit<UpdateSettingsDto, 'firmware_id'>,
    options: ReleaseOptions,
    installed: boolean,
    now: Date,
  ): NewDeviceUpdate {
    const timeoutMinutes = settings.timeout_minutes ?? 60;
    const window = installed || !settings.maintenance_window ? null : dailyWindowState(this.calendar, settings.maintenance_window as unknown as DeviceWindow, now);
    // Outside its window the update waits (`created`) for the window to open; the scheduler releases it then.
    const waits = window !== null && window.endsAt === null;
    const status = installed ? 'completed' : waits ? 'created' : 'scheduled';
    return {
      organizationId,
      updateId: randomBytes(16).toString('hex'),
      deviceId: device.deviceId,
      kind: options.kind,
      firmwareId: firmware.firmware_id,
      fromVersion: device.firmwareVersion,
      toVersion: firmware.version,
      status,
      currentPhase: status,
      priority: settings.priority ?? 'normal',
      progressPercentage: installed ? 100 : 0,
      maxRetries: settings.max_retries ?? 3,
      timeoutMinutes,
      maintenanceWindow: settings.maintenance_window ?? null,
      preUpdateCommands: settings.pre_update_commands ?? [],
      postUpdateCommands: settings.post_update_commands ?? [],
      force: options.force,
      downloadSize: BigInt(firmware.file_size),
      createdBy: options.createdBy,
      scheduledAt: waits ? null : now,
      startedAt: installed ? now : null,
      completedAt: installed ? now : null,
      timeoutAt: installed || waits ? null : new Date(now.getTime() + timeoutMinutes * 60_000),
      notBefore: waits ? window.nextOpening : null,
      windowEndsAt: window?.endsAt ?? null,
    };
  }

}

/** A `maintenance_window` must be a daily window (see `deviceWindowProblems`). @throws ValidationError naming the field. */
function assertWindow(settings: Pick<UpdateSettingsDto, 'maintenance_window'>): void {
  if (!settings.maintenance_window) return;
  const problems = deviceWindowProblems(settings.maintenance_window);
  if (problems.length > 0) throw new ValidationError(problems);
}

/** Fields of a failed update released again (manually or automatically). */
function retryReset(row: DeviceUpdate, now: Date): Prisma.DeviceUpdateUncheckedUpdateManyInput {
  return {
    status: 'scheduled',
    currentPhase: 'scheduled',
    scheduledAt: now,
    timeoutAt: new Date(now.getTime() + row.timeoutMinutes * 60_000),
    nextRetryAt: null,
    errorCode: null,
    errorMessage: null,
    startedAt: null,
    completedAt: null,
    progressPercentage: 0,
    bytesDownloaded: 0n,
    downloadSpeed: null,
    progressWrittenAt: null,
    checksumVerified: false,
    signatureVerified: false,
  };
}

function fail(result: BulkUpdateResultDto, error: string, detail: string): void {
  result.success = false;
  result.error = error;
  result.detail = detail;
}

function busy(deviceId: string, updateId?: string): ConflictError {
  return new ConflictError(
    ErrorCode.UpdateDeviceBusy,
    `Device ${deviceId} already has an unfinished update${updateId ? ` (${updateId})` : ''}; cancel it or use force_update`,
  );
}
