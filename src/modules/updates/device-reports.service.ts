import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config';
import { PrismaService } from '../../database/prisma.service';
import { isDataError, isTransactionConflict } from '../../database/sql-errors';
import { runWriteSteps } from '../../database/write-steps';
import { DevicesService } from '../devices/devices.service';
import { OutboxService } from '../events/outbox.service';
import type { FirmwareResponseDto } from '../firmware/dto/firmware.dto';
import { FirmwareService } from '../firmware/firmware.service';
import type { DeviceReport } from './domain/device-report';
import type { UpdateResponseDto } from './dto/update.dto';
import { planReportBatch, type QueuedReport, type ReportSource, updateKey } from './report-batch-plan';
import { type ItemOutcome, ReportBatcher } from './report-batcher';
import { UpdateChanges, type RowTransition } from './update-changes';
import { timelineEvent } from './update-records';
import { toUpdateResponse } from './update.mapper';
import { UpdatesRepository } from './updates.repository';

export type { DeviceReport, ReportSource };

/** Device reports applied together at most (one transaction); the rest wait for the next batch. */
const REPORT_BATCH_SIZE = 500;
/** Runs of a batch of device reports that met a deadlock or serialization failure, in all. */
const REPORT_BATCH_ATTEMPTS = 3;
/** A full batch takes well under a second; the margin covers waiting for rows another replica holds. */
const REPORT_TRANSACTION = { timeout: 30_000, maxWait: 10_000 };

/**
 * Device reports (HTTP and MQTT) through the update state machine, in batches: the one path a
 * device's progress takes from its request to the database.
 */
@Injectable()
export class DeviceReportsService implements OnModuleDestroy {
  private readonly logger = new Logger('DeviceReports');
  /** Device reports wait here while a batch is applied, then go together (see applyDeviceReport). */
  private readonly reports = new ReportBatcher<QueuedReport, UpdateResponseDto>((batch) => this.applyReportBatch(batch), REPORT_BATCH_SIZE);

  constructor(
    private readonly prisma: PrismaService,
    private readonly repository: UpdatesRepository,
    private readonly changes: UpdateChanges,
    private readonly firmware: FirmwareService,
    private readonly devices: DevicesService,
    private readonly outbox: OutboxService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Reports already accepted are applied before the database module disconnects (destroyed after this one). */
  async onModuleDestroy(): Promise<void> {
    await this.reports.idle();
  }

  /**
   * Applies a device's report through the state machine (see rollout-semantics.md): forward
   * moves and skips are applied, a repeat of the current state only updates progress (written at
   * most once a second), `completed` records the device's new version. Concurrent reports are
   * applied in batches, one transaction each (see {@link applyReportBatch}); the answer and the
   * errors are this report's own.
   * @throws NotFoundError `update/not_found` for an unknown update or another device's.
   * @throws ConflictError `update/terminal` once finished, `update/invalid_transition` backwards,
   *   before release, or out of step with the update's activation (blue-green).
   */
  applyDeviceReport(organizationId: string, deviceId: string, updateId: string, report: DeviceReport, source: ReportSource): Promise<UpdateResponseDto> {
    return this.reports.submit({ organizationId, deviceId, updateId, report, source });
  }

  /**
   * Applies queued reports together, in arrival order, each against its update as the reports
   * before it left it (several can be about one update). One transaction of two statements: the
   * rows locked in one (in key order, so replicas never deadlock), then one that writes the
   * changed rows, timeline rows, outbox events, download records, device versions and the
   * transition listeners' rows (each module gives its write steps); the answers' firmware is read
   * meanwhile on another connection. Rare paths (a completed rollback, finish listeners) stay per
   * row. A refused report or unknown update is that report's error alone, and so is data the
   * database refuses (a batch failing that way is halved until the report stands alone). A
   * deadlock or serialization failure runs the batch again; any other failure (the database
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
    const outcomes = await this.prisma.$transaction(async (tx) => {
      const locked = await this.repository.lockForReports(keys, tx);
      // The answers' firmware, read on another connection while this transaction writes.
      firmware = this.firmwareOf(locked.map(({ row }) => row));
      firmware.catch(() => undefined);
      const plan = planReportBatch(batch, locked, { now: new Date(), retryBaseDelayMs: this.config.updates.retryBaseDelayMs });
      const before = new Map(locked.map(({ row }) => [updateKey(row.organizationId, row.updateId), row]));
      const transitions: RowTransition[] = plan.written.map((after) => ({ before: before.get(updateKey(after.organizationId, after.updateId)) ?? null, after }));
      await runWriteSteps(tx, [
        ...this.repository.reportedSteps(plan.written, plan.timeline),
        ...this.outbox.recordSteps(plan.events),
        ...this.firmware.deviceDownloadSteps(plan.downloads),
        ...this.devices.installedVersionSteps(plan.installed),
        ...this.changes.transitionSteps(transitions),
      ]);
      await this.changes.afterWrite(tx, transitions);
      for (const row of plan.finished) {
        if (row.status !== 'completed' || row.kind !== 'rollback' || row.fromVersion === null) continue;
        // The update this rollback undid is rolled back now.
        const reverted = await this.repository.markRolledBack(row.organizationId, row.deviceId, row.fromVersion, row.updateId, tx);
        if (reverted === null) continue;
        await this.repository.addEvents([timelineEvent(reverted.after, 'system', `Rolled back by update ${row.updateId}`)], tx);
        await this.changes.recorded(tx, [reverted]);
      }
      return plan.outcomes;
    }, REPORT_TRANSACTION);
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
        for (const [firmwareId, row] of await this.firmware.findMany(organizationId, firmwareIds)) found.set(firmwareKey({ organizationId, firmwareId }), row);
      }),
    );
    return found;
  }
}

function firmwareKey(row: { organizationId: string; firmwareId: string }): string {
  return `${row.organizationId}\u0000${row.firmwareId}`;
}
