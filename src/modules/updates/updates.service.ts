import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { Principal } from '../../common/auth/principal';
import { ConflictError, NotFoundError } from '../../common/errors/domain-error';
import { ErrorCode } from '../../common/errors/error-codes';
import { APP_CONFIG, type AppConfig } from '../../config';
import { PrismaService, type TransactionClient } from '../../database/prisma.service';
import { isDataError, isTransactionConflict, isUniqueViolation } from '../../database/sql-errors';
import { runWriteSteps } from '../../database/write-steps';
import type { DeviceUpdate, Prisma } from '../../generated/prisma/client';
import { DevicesService } from '../devices/devices.service';
import { DEVICE_DIRECTORY, type DeviceDirectory, type DirectoryDevice } from '../devices/directory/device-directory.port';
import { OutboxService } from '../events/outbox.service';
import type { FirmwareResponseDto } from '../firmware/dto/firmware.dto';
import { FirmwareService } from '../firmware/firmware.service';
import { DEVICE_COMMAND_SINK, type DeviceCommandRequest, type DeviceCommandSink } from './device-command-sink';
import { incompatibility, isSameVersion } from '../firmware/compatibility';
import type { DeviceReport } from './domain/device-report';
import { canCancel, canRetry, retryDelayMs, type UpdateStatus } from './domain/update-state';
import type {
  BulkDeviceUpdateDto,
  BulkUpdateResponseDto,
  BulkUpdateResultDto,
  DeviceUpdateHistoryResponseDto,
  UpdateDetailResponseDto,
  UpdateResponseDto,
  UpdateSettingsDto,
} from './dto/update.dto';
import { planReportBatch, type QueuedReport, type ReportSource, updateKey } from './report-batch-plan';
import { type ItemOutcome, ReportBatcher } from './report-batcher';
import { type EventSource, timelineEvent, updateEvent, updateNotFound } from './update-records';
import { type FinishedUpdate, UpdateFinishedHook, type UpdateFinishedListener } from './update-hooks';
import { toUpdateDetail, toUpdateResponse } from './update.mapper';
import { UpdateMetrics } from './update.metrics';
import { type CheckInUpdateRow, type DeviceKey, type NewDeviceUpdate, UpdatesRepository } from './updates.repository';

export type { DeviceReport, ReportSource };

export interface ReleaseOptions {
  kind: 'update' | 'rollback';
  /** Skip compatibility and "already installed", and cancel the device's unfinished update. */
  force: boolean;
  createdBy: string;
  /** Runs in the creating transaction (a rollback writes its log there). */
  onCreated?: (row: DeviceUpdate, tx: TransactionClient) => Promise<void>;
}

/** Rows claimed per scheduler call; the rest wait for the next tick. */
const SCHEDULER_BATCH = 500;
/** Lookups in flight at once against a remote device directory (it has no batch lookup). */
const REMOTE_LOOKUP_CONCURRENCY = 16;
/** Device reports applied together at most (one transaction); the rest wait for the next batch. */
const REPORT_BATCH_SIZE = 500;
/** Runs of a batch of device reports that met a deadlock or serialization failure, in all. */
const REPORT_BATCH_ATTEMPTS = 3;
/** A full batch takes well under a second; the margin covers waiting for rows another replica holds. */
const REPORT_TRANSACTION = { timeout: 30_000, maxWait: 10_000 };

/**
 * A bulk request writes up to 10 000 updates with their timeline rows and device commands in one
 * transaction; that takes seconds, past Prisma's 5 s default, and must not fail half-way as a 500.
 */
const BULK_TRANSACTION = { timeout: 120_000, maxWait: 10_000 };

/**
 * Device updates of one organization per call: operator requests (single, bulk, cancel, retry),
 * device reports through the state machine, and the scheduler's timeouts and automatic retries.
 * Every status change writes a timeline row and its outbox event in the same transaction.
 */
@Injectable()
export class UpdatesService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Updates');
  private finishedListeners: UpdateFinishedListener[] = [];
  /** Device reports wait here while a batch is applied, then go together (see applyDeviceReport). */
  private readonly reports = new ReportBatcher<QueuedReport, UpdateResponseDto>((batch) => this.applyReportBatch(batch), REPORT_BATCH_SIZE);
  /** `retryDelaysMs[n]`: the delay before automatic retry n+1, for the scheduler's SQL. */
  private readonly retryDelaysMs: number[];

  constructor(
    private readonly prisma: PrismaService,
    private readonly repository: UpdatesRepository,
    private readonly firmware: FirmwareService,
    private readonly devices: DevicesService,
    private readonly outbox: OutboxService,
    private readonly discovery: DiscoveryService,
    @Inject(DEVICE_DIRECTORY) private readonly directory: DeviceDirectory,
    @Inject(DEVICE_COMMAND_SINK) private readonly commands: DeviceCommandSink,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: UpdateMetrics,
  ) {
    this.retryDelaysMs = Array.from({ length: 16 }, (_, index) => retryDelayMs(index + 1, config.updates.retryBaseDelayMs));
  }

  onModuleInit(): void {
    this.finishedListeners = this.discovery
      .getProviders({ metadataKey: UpdateFinishedHook.KEY })
      .map((wrapper) => wrapper.instance as UpdateFinishedListener);
  }

  /** Reports already accepted are applied before the database module disconnects (destroyed after this one). */
  async onModuleDestroy(): Promise<void> {
    await this.reports.idle();
  }

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
   * Creates an update for one device and releases it at once.
   * @throws NotFoundError for an unknown device or firmware.
   * @throws ConflictError `update/incompatible` (unless forced), `update/device_busy` (unless forced).
   */
  async create(organizationId: string, deviceId: string, settings: UpdateSettingsDto, principal: Principal): Promise<UpdateDetailResponseDto> {
    const device = await this.requireDevice(organizationId, deviceId);
    const firmware = await this.firmware.get(organizationId, settings.firmware_id);
    return this.release(organizationId, device, firmware, settings, { kind: 'update', force: settings.force_update ?? false, createdBy: principal.id });
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
    if (!options.force) {
      const problem = incompatibility(device, firmware);
      if (problem !== null) throw new ConflictError(ErrorCode.UpdateIncompatible, problem);
    }
    const installed = !options.force && isSameVersion(device.firmwareVersion, firmware.version);
    const row = await this.prisma
      .$transaction(async (tx) => {
        const active = await this.repository.lockActiveByDevices(organizationId, [device.deviceId], tx);
        if (active.length > 0) {
          if (!options.force) throw busy(device.deviceId, active[0].updateId);
          await this.cancelRows(tx, organizationId, active, 'operator', 'Superseded by a forced update', true);
        }
        await this.repository.clearPendingRetries(organizationId, [device.deviceId], tx);
        const [created] = await this.repository.insertMany([this.newRow(organizationId, device, firmware, settings, options, installed, new Date())], tx);
        // Skipped: a concurrent request gave the device an unfinished update first.
        if (created === undefined) throw busy(device.deviceId);
        await this.afterInsert(tx, [created], 'operator');
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
  async bulkCreate(organizationId: string, request: BulkDeviceUpdateDto, principal: Principal): Promise<BulkUpdateResponseDto> {
    const firmware = await this.firmware.get(organizationId, request.firmware_id);
    const force = request.force_update ?? false;
    const results: BulkUpdateResultDto[] = request.device_ids.map((deviceId) => ({ device_id: deviceId, success: false }));
    const firstIndex = new Map<string, number>();
    request.device_ids.forEach((deviceId, index) => {
      if (firstIndex.has(deviceId)) fail(results[index], ErrorCode.UpdateDuplicateDevice, 'Listed more than once; the first mention counts');
      else firstIndex.set(deviceId, index);
    });

    const devices = await this.lookupDevices(organizationId, [...firstIndex.keys()]);
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
        const active = await this.repository.lockActiveByDevices(organizationId, candidates.map((device) => device.deviceId), tx);
        let ready = candidates;
        if (force) {
          await this.cancelRows(tx, organizationId, active, 'operator', 'Superseded by a forced update', true);
        } else {
          const busyIds = new Set(active.map((row) => row.deviceId));
          ready = candidates.filter((device) => !busyIds.has(device.deviceId));
        }
        await this.repository.clearPendingRetries(organizationId, ready.map((device) => device.deviceId), tx);
        const now = new Date();
        const rows = await this.repository.insertMany(
          ready.map((device) => {
            const installed = !force && isSameVersion(device.firmwareVersion, firmware.version);
            return this.newRow(organizationId, device, firmware, request, { kind: 'update', force, createdBy: principal.id }, installed, now);
          }),
          tx,
        );
        await this.afterInsert(tx, rows, 'operator');
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
    const [firmware, timeline] = await Promise.all([this.findFirmware(organizationId, row.firmwareId), this.repository.timeline(organizationId, updateId)]);
    return toUpdateDetail(row, firmware, timeline);
  }

  /** The device's newest updates and counts over all of them (also for a device deleted since). */
  async history(organizationId: string, deviceId: string, limit: number): Promise<DeviceUpdateHistoryResponseDto> {
    const [rows, counts] = await Promise.all([
      this.repository.latestByDevice(organizationId, deviceId, limit),
      this.repository.countsByDevice(organizationId, deviceId),
    ]);
    const firmware = await this.firmwareByIds(organizationId, rows.map((row) => row.firmwareId));
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
  async cancel(organizationId: string, updateId: string, principal: Principal): Promise<UpdateDetailResponseDto> {
    await this.prisma.$transaction(async (tx) => {
      const row = await this.repository.lock(organizationId, updateId, tx);
      if (!row) throw updateNotFound(updateId);
      if (!canCancel(row.status as UpdateStatus)) {
        throw new ConflictError(ErrorCode.UpdateInvalidTransition, `Update ${updateId} is ${row.status} and cannot be cancelled`);
      }
      await this.cancelRows(tx, organizationId, [row], 'operator', `Cancelled by ${principal.id}`, true);
    });
    return this.get(organizationId, updateId);
  }

  /**
   * Releases a failed update again now, as the scheduler would later.
   * @throws NotFoundError when the organization has no such update.
   * @throws ConflictError `update/invalid_transition` unless failed, `update/retries_exhausted` at
   * `max_retries`, `update/device_busy` when the device has another unfinished update.
   */
  async retry(organizationId: string, updateId: string, principal: Principal): Promise<UpdateDetailResponseDto> {
    await this.prisma
      .$transaction(async (tx) => {
        const row = await this.repository.lock(organizationId, updateId, tx);
        if (!row) throw updateNotFound(updateId);
        if (row.status !== 'failed') {
          throw new ConflictError(ErrorCode.UpdateInvalidTransition, `Update ${updateId} is ${row.status}; only a failed update can be retried`);
        }
        if (!canRetry({ status: 'failed', retryCount: row.retryCount, maxRetries: row.maxRetries })) {
          throw new ConflictError(ErrorCode.UpdateRetriesExhausted, `Update ${updateId} has used all its ${row.maxRetries} retries`);
        }
        const now = new Date();
        const [released] = await this.repository.updateMany(organizationId, [updateId], { ...retryReset(row, now), retryCount: row.retryCount + 1 }, tx);
        await this.repository.addEvents(
          [timelineEvent(released, 'operator', `Retry ${released.retryCount} of ${released.maxRetries}, requested by ${principal.id}`)],
          tx,
        );
        await this.commands.enqueue(tx, availableCommand(released));
      })
      .catch((error: unknown) => {
        if (isUniqueViolation(error)) throw busy('the device');
        throw error;
      });
    return this.get(organizationId, updateId);
  }

  /**
   * Applies a device's report through the state machine (see rollout-semantics.md): forward
   * moves and skips are applied, a repeat of the current state only updates progress (written at
   * most once a second), `completed` records the device's new version. Concurrent reports are
   * applied in batches, one transaction each (see {@link applyReportBatch}); the answer and the
   * errors are this report's own.
   * @throws NotFoundError `update/not_found` for an unknown update or another device's.
   * @throws ConflictError `update/terminal` once finished, `update/invalid_transition` backwards or before release.
   */
  applyDeviceReport(organizationId: string, deviceId: string, updateId: string, report: DeviceReport, source: ReportSource): Promise<UpdateResponseDto> {
    return this.reports.submit({ organizationId, deviceId, updateId, report, source });
  }

  /**
   * Fails released updates past `timeout_at` (`error_code` `TIMEOUT`), scheduling their automatic
   * retry while retries remain. Claims rows with SKIP LOCKED, so replicas share the work and
   * each row fails once. Returns the number failed.
   */
  async failTimedOut(limit = SCHEDULER_BATCH): Promise<number> {
    return this.prisma.$transaction(async (tx) => {
      const rows = await this.repository.failTimedOut(limit, this.retryDelaysMs, tx);
      await this.repository.addEvents(
        rows.map((row) => timelineEvent(row, 'scheduler', `${row.errorMessage}${row.nextRetryAt ? `; retry due at ${row.nextRetryAt.toISOString()}` : ''}`)),
        tx,
      );
      for (const row of rows) {
        await this.recordOutbox(tx, 'update.failed', row);
        await this.notifyFinished(tx, row);
      }
      return rows.length;
    });
  }

  /**
   * Releases failed updates whose automatic retry is due (`retry_count + 1`, new timeout) and
   * tells their devices. SKIP LOCKED, so replicas share the work. Returns the number released.
   */
  async releaseDueRetries(limit = SCHEDULER_BATCH): Promise<number> {
    return this.prisma.$transaction(async (tx) => {
      const rows = await this.repository.releaseDueRetries(limit, tx);
      await this.repository.addEvents(rows.map((row) => timelineEvent(row, 'scheduler', `Automatic retry ${row.retryCount} of ${row.maxRetries}`)), tx);
      await this.commands.enqueueMany(tx, rows.map(availableCommand));
      return rows.length;
    });
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

  /** Cancels the device's unfinished updates in the caller's transaction (the device is being deleted). */
  async cancelForDeletedDevice(organizationId: string, deviceId: string, tx: TransactionClient): Promise<void> {
    const active = await this.repository.lockActiveByDevices(organizationId, [deviceId], tx);
    await this.cancelRows(tx, organizationId, active, 'system', 'The device was deleted', false);
    await this.repository.clearPendingRetries(organizationId, [deviceId], tx);
  }

  /** What of this firmware is still in use by unfinished updates, or null. */
  async describeFirmwareUse(organizationId: string, firmwareId: string, tx: TransactionClient): Promise<string | null> {
    const count = await this.repository.countActiveByFirmware(organizationId, firmwareId, tx);
    return count === 0 ? null : `${count} unfinished device update${count === 1 ? '' : 's'}`;
  }

  /**
   * Applies queued reports together, in arrival order, each against its update as the reports
   * before it left it (several can be about one update). One transaction of two statements: the
   * rows locked in one (in key order, so replicas never deadlock), then one that writes the
   * changed rows, timeline rows, outbox events, download records and device versions (each module
   * gives its write steps); the answers' firmware is read meanwhile on another connection. Rare
   * paths (a completed rollback, finish listeners) stay per row. A refused report or unknown update is
   * that report's error alone, and so is data the database refuses (a batch failing that way is
   * halved until the report stands alone). A deadlock or serialization failure (another
   * transaction locking in another order) runs the batch again; any other failure (the database
   * unreachable) is every caller's error.
   */
  private async applyReportBatch(batch: QueuedReport[]): Promise<ItemOutcome<UpdateResponseDto>[]> {
    try {
      return await this.retryReportBatch(batch);
    } catch (error) {
      if (!isDataError(error)) throw error;
      if (batch.length === 1) return [{ ok: false, error }];
      const middle = Math.ceil(batch.length / 2);
      const outcomes: ItemOutcome<UpdateResponseDto>[] = [];
      for (const half of [batch.slice(0, middle), batch.slice(middle)]) {
        // The first half may be committed already: a later failure is the second half's alone.
        const answered = await this.applyReportBatch(half).catch((failure: unknown) => half.map(() => ({ ok: false as const, error: failure })));
        outcomes.push(...answered);
      }
      return outcomes;
    }
  }

  private async retryReportBatch(batch: QueuedReport[]): Promise<ItemOutcome<UpdateResponseDto>[]> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.tryReportBatch(batch);
      } catch (error) {
        if (attempt >= REPORT_BATCH_ATTEMPTS || !isTransactionConflict(error)) throw error;
        this.logger.warn(`A batch of ${batch.length} device reports met a lock conflict (run ${attempt}); running it again`);
      }
    }
  }

  private async tryReportBatch(batch: QueuedReport[]): Promise<ItemOutcome<UpdateResponseDto>[]> {
    const keys = [...new Map(batch.map(({ organizationId, updateId }) => [updateKey(organizationId, updateId), { organizationId, updateId }])).values()];
    let firmware: Promise<Map<string, FirmwareResponseDto | null>> = Promise.resolve(new Map());
    const { outcomes, finished } = await this.prisma.$transaction(async (tx) => {
      const locked = await this.repository.lockForReports(keys, tx);
      // The answers' firmware, read on another connection while this transaction writes.
      firmware = this.firmwareOf(locked.map(({ row }) => row));
      firmware.catch(() => undefined);
      const plan = planReportBatch(batch, locked, { now: new Date(), retryBaseDelayMs: this.config.updates.retryBaseDelayMs });
      await runWriteSteps(tx, [
        ...this.repository.reportedSteps(plan.written, plan.timeline),
        ...this.outbox.recordSteps(plan.events),
        ...this.firmware.deviceDownloadSteps(plan.downloads),
        ...this.devices.installedVersionSteps(plan.installed),
      ]);
      for (const row of plan.finished) {
        if (row.status === 'completed' && row.kind === 'rollback' && row.fromVersion !== null) {
          const reverted = await this.repository.markRolledBack(row.organizationId, row.deviceId, row.fromVersion, row.updateId, tx);
          if (reverted) await this.repository.addEvents([timelineEvent(reverted, 'system', `Rolled back by update ${row.updateId}`)], tx);
        }
        await this.callFinishedListeners(tx, row);
      }
      return plan;
    }, REPORT_TRANSACTION);
    for (const row of finished) this.metrics.finished(row);
    const byKey = await firmware;
    return outcomes.map((outcome) => (outcome.ok ? { ok: true, value: toUpdateResponse(outcome.value, byKey.get(firmwareKey(outcome.value)) ?? null) } : outcome));
  }

  /** The firmware of these (organization, firmware) pairs by {@link firmwareKey}; null when deleted. */
  private async firmwareOf(pairs: { organizationId: string; firmwareId: string }[]): Promise<Map<string, FirmwareResponseDto | null>> {
    const byOrganization = new Map<string, string[]>();
    for (const { organizationId, firmwareId } of pairs) {
      const ids = byOrganization.get(organizationId);
      if (ids) ids.push(firmwareId);
      else byOrganization.set(organizationId, [firmwareId]);
    }
    const found = new Map<string, FirmwareResponseDto | null>();
    await Promise.all(
      [...byOrganization].map(async ([organizationId, firmwareIds]) => {
        for (const [firmwareId, firmware] of await this.firmwareByIds(organizationId, firmwareIds)) found.set(firmwareKey({ organizationId, firmwareId }), firmware);
      }),
    );
    return found;
  }

  /** Cancels `rows` (locked by the caller): timeline, `update.cancelled`, and a command to devices that had it. */
  private async cancelRows(
    tx: TransactionClient,
    organizationId: string,
    rows: DeviceUpdate[],
    source: EventSource,
    detail: string,
    notifyDevices: boolean,
  ): Promise<void> {
    if (rows.length === 0) return;
    const cancelled = await this.repository.updateMany(
      organizationId,
      rows.map((row) => row.updateId),
      { status: 'cancelled', currentPhase: 'cancelled', completedAt: new Date(), nextRetryAt: null },
      tx,
    );
    await this.repository.addEvents(cancelled.map((row) => timelineEvent(row, source, detail)), tx);
    for (const row of cancelled) await this.recordOutbox(tx, 'update.cancelled', row);
    for (const row of cancelled) this.metrics.finished(row);
    if (notifyDevices) {
      const released = new Set(rows.filter((row) => row.status !== 'created').map((row) => row.updateId));
      await this.commands.enqueueMany(
        tx,
        cancelled
          .filter((row) => released.has(row.updateId))
          .map((row) => command(row, { type: 'update_cancelled', update_id: row.updateId, kind: row.kind, firmware_id: row.firmwareId, reason: detail })),
      );
    }
  }

  /** Timeline, events and device commands for freshly inserted rows (released or already installed). */
  private async afterInsert(tx: TransactionClient, rows: DeviceUpdate[], source: EventSource): Promise<void> {
    await this.repository.addEvents(
      rows.map((row) =>
        timelineEvent(row, source, row.status === 'completed' ? `Already installed: the device reports version ${row.fromVersion}` : `Released to the device (${row.kind})`),
      ),
      tx,
    );
    for (const row of rows) if (row.status === 'completed') await this.recordOutbox(tx, 'update.completed', row, { already_installed: true });
    await this.commands.enqueueMany(tx, rows.filter((row) => row.status === 'scheduled').map(availableCommand));
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
    return {
      organizationId,
      updateId: randomBytes(16).toString('hex'),
      deviceId: device.deviceId,
      kind: options.kind,
      firmwareId: firmware.firmware_id,
      fromVersion: device.firmwareVersion,
      toVersion: firmware.version,
      status: installed ? 'completed' : 'scheduled',
      currentPhase: installed ? 'completed' : 'scheduled',
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
      scheduledAt: now,
      startedAt: installed ? now : null,
      completedAt: installed ? now : null,
      timeoutAt: installed ? null : new Date(now.getTime() + timeoutMinutes * 60_000),
    };
  }

  /** Devices by id: one query against the registry, bounded parallel lookups against a remote directory. */
  private async lookupDevices(organizationId: string, deviceIds: string[]): Promise<Map<string, DirectoryDevice>> {
    const found = new Map<string, DirectoryDevice>();
    if ((this.directory as { mode?: string }).mode !== 'remote') {
      for (const device of await this.devices.findMany(organizationId, deviceIds)) found.set(device.deviceId, device);
      return found;
    }
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < deviceIds.length) {
        const deviceId = deviceIds[next++];
        const device = await this.directory.find(organizationId, deviceId);
        if (device) found.set(deviceId, device);
      }
    };
    await Promise.all(Array.from({ length: Math.min(REMOTE_LOOKUP_CONCURRENCY, deviceIds.length) }, worker));
    return found;
  }

  private async findFirmware(organizationId: string, firmwareId: string): Promise<FirmwareResponseDto | null> {
    try {
      return await this.firmware.get(organizationId, firmwareId);
    } catch (error) {
      if (error instanceof NotFoundError) return null;
      throw error;
    }
  }

  /** Each distinct firmware once (a device's history names few). */
  private async firmwareByIds(organizationId: string, firmwareIds: string[]): Promise<Map<string, FirmwareResponseDto | null>> {
    const distinct = [...new Set(firmwareIds)];
    const found = await Promise.all(distinct.map((id) => this.findFirmware(organizationId, id)));
    return new Map(distinct.map((id, index) => [id, found[index]]));
  }

  private async recordOutbox(tx: TransactionClient, type: string, row: DeviceUpdate, extra: Record<string, unknown> = {}): Promise<void> {
    await this.outbox.record(tx, updateEvent(type, row, extra));
  }

  private async notifyFinished(tx: TransactionClient, row: DeviceUpdate): Promise<void> {
    await this.callFinishedListeners(tx, row);
    this.metrics.finished(row);
  }

  /** The {@link UpdateFinishedHook} listeners, in the transaction that finished the update. */
  private async callFinishedListeners(tx: TransactionClient, row: DeviceUpdate): Promise<void> {
    const finished: FinishedUpdate = {
      organizationId: row.organizationId,
      updateId: row.updateId,
      deviceId: row.deviceId,
      kind: row.kind,
      status: row.status as 'completed' | 'failed',
      fromVersion: row.fromVersion,
      toVersion: row.toVersion,
    };
    for (const listener of this.finishedListeners) await listener.onUpdateFinished(finished, tx);
  }
}

function firmwareKey(row: { organizationId: string; firmwareId: string }): string {
  return `${row.organizationId}\u0000${row.firmwareId}`;
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

function command(row: DeviceUpdate, payload: DeviceCommandRequest['command']): DeviceCommandRequest {
  return { organizationId: row.organizationId, deviceId: row.deviceId, command: payload };
}

function availableCommand(row: DeviceUpdate): DeviceCommandRequest {
  return command(row, {
    type: 'update_available',
    update_id: row.updateId,
    kind: row.kind,
    firmware_id: row.firmwareId,
    version: row.toVersion,
    priority: row.priority,
    force: row.force,
    timeout_at: row.timeoutAt?.toISOString() ?? null,
  });
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
