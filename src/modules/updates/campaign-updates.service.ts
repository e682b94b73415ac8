import { Inject, Injectable } from '@nestjs/common';
import type { TransactionClient } from '../../database/prisma.service';
import { isUniqueViolation } from '../../database/sql-errors';
import type { DeviceUpdate, Prisma } from '../../generated/prisma/client';
import { DEVICE_COMMAND_SINK, type DeviceCommandSink } from './device-command-sink';
import {
  type CampaignDeviceFilters,
  type CampaignDeviceRow,
  type CampaignRowsSpec,
  CampaignUpdatesRepository,
  type JoinedRows,
  type JoinRowsSpec,
  type OpenWindow,
  type ReleasedRows,
  type RollbackRowsSpec,
  type StageCount,
} from './campaign-updates.repository';
import { UpdateChanges } from './update-changes';
import { timelineEvent } from './update-records';
import { UpdateTimeoutsService } from './update-timeouts.service';
import { type CampaignKey, UpdatesRepository } from './updates.repository';

export type { CampaignDeviceFilters, CampaignDeviceRow, CampaignRowsSpec, JoinedRows, JoinRowsSpec, OpenWindow, StageCount };

/** Released rows cancelled per statement when a campaign stops. */
const CANCEL_CHUNK = 2_000;
/** Runs of a release that lost a race for a device to another writer (see {@link CampaignUpdatesService.release}). */
const RELEASE_ATTEMPTS = 3;

/**
 * A campaign's rows in the updates table, for the rollout: created at start, released in
 * batches, cancelled, rolled back, switched (blue-green). Everything runs in the caller's
 * transaction (the campaign row locked first, then these rows), and every change but the bulk
 * creation and cancellation of unreleased rows goes through `UpdateChanges`, so the timeline,
 * events, device commands and transition listeners follow as for any update. Those two bulk
 * paths return their counts instead, for the campaign to record.
 */
@Injectable()
export class CampaignUpdatesService {
  constructor(
    private readonly repository: CampaignUpdatesRepository,
    private readonly updates: UpdatesRepository,
    private readonly changes: UpdateChanges,
    private readonly timeouts: UpdateTimeoutsService,
    @Inject(DEVICE_COMMAND_SINK) private readonly commands: DeviceCommandSink,
  ) {}

  /** One unreleased row per selected device (none twice); returns the rows created per stage. */
  createRows(spec: CampaignRowsSpec, tx: TransactionClient): Promise<StageCount[]> {
    return this.repository.insertRows(spec, tx);
  }

  /** A continuous campaign's rows for devices that came to match it (see `CampaignUpdatesRepository.insertJoined`). */
  join(spec: JoinRowsSpec, tx: TransactionClient): Promise<JoinedRows> {
    return this.repository.insertJoined(spec, tx);
  }

  /** Devices whose update in the campaign failed, timeouts included: what a retry targets. */
  failedDeviceIds(campaign: CampaignKey, tx?: TransactionClient): Promise<string[]> {
    return this.repository.failedDeviceIds(campaign, tx);
  }

  /** Devices of a selection that have another update in flight now (a release would set them aside). */
  countBusy(organizationId: string, selection: Prisma.Sql): Promise<number> {
    return this.repository.countBusy(organizationId, selection);
  }

  /** The distinct zones the rows of a selection would get (as a start stores them), at most `limit`. */
  selectionTimeZones(selection: Prisma.Sql, defaultTimeZone: string | null, limit: number): Promise<string[]> {
    return this.repository.selectionTimeZones(selection, defaultTimeZone, limit);
  }

  /** Median seconds an update of these campaigns took from start to completion, over a bounded sample; null without one. */
  medianCompletedSeconds(organizationId: string, campaignIds: string[], perCampaign: number): Promise<number | null> {
    return this.repository.medianCompletedSeconds(organizationId, campaignIds, perCampaign);
  }

  /**
   * Releases up to `limit` rows of the open stages (lowest stage first): each goes to its device
   * (`scheduled`, its timeout running, an `update_available` command; with `awaitConfirmation`,
   * `awaiting_confirmation` without a timeout until the device consents), unless the device has
   * another unfinished update, in which case the row waits (`waiting_busy`) and is looked at
   * again after `busyRecheckMs`. Another writer giving one of these devices an update at the
   * same moment makes the statement fail on the one-active index; it then runs again from a
   * savepoint, and sees that device busy. Within a maintenance window (`window`) only rows of its
   * open zones go, each recording its window's end. Returns the rows released.
   */
  async release(
    tx: TransactionClient,
    campaign: CampaignKey & { kind: 'update' | 'rollback'; stages: number[]; awaitConfirmation?: boolean; window?: OpenWindow },
    limit: number,
    busyRecheckMs: number,
    detail: string,
  ): Promise<DeviceUpdate[]> {
    const released: DeviceUpdate[] = [];
    for (const stage of campaign.stages) {
      if (released.length >= limit) break;
      const outcome = await this.withSavepoint(tx, () => this.repository.releaseStage({ ...campaign, stage }, limit - released.length, busyRecheckMs, tx));
      await this.changes.recorded(tx, [...outcome.busy, ...outcome.moot]);
      await this.changes.released(tx, outcome.released, 'scheduler', () => detail);
      released.push(...outcome.released.map(({ after }) => after));
    }
    return released;
  }

  /** The distinct zones of the campaign's update rows (for its maintenance windows). */
  timeZones(tx: TransactionClient, campaign: CampaignKey): Promise<string[]> {
    return this.repository.timeZones(campaign, tx);
  }

  /** Cancels every row of the campaign never released (no timeline or event: nobody was told); returns them per stage and former bucket. */
  cancelUnreleased(tx: TransactionClient, campaign: CampaignKey, kind: 'update' | 'rollback'): Promise<StageCount[]> {
    return this.repository.cancelUnreleased(campaign, kind, tx);
  }

  /**
   * Cancels the campaign's released, unfinished rows (`interruptible`: only those the device can
   * still drop without having changed its image; `awaiting_confirmation`: only those still waiting
   * for the device's consent), a chunk at a time, and tells each device (with
   * the timeline, events and listeners of any cancel). Returns how many.
   */
  async cancelReleased(tx: TransactionClient, campaign: CampaignKey, detail: string, which: ReleasedRows = 'all'): Promise<number> {
    let total = 0;
    for (;;) {
      const rows = await this.repository.lockReleased(campaign, which, CANCEL_CHUNK, tx);
      if (rows.length === 0) return total;
      await this.changes.cancel(tx, campaign.organizationId, rows, 'system', detail, true);
      total += rows.length;
    }
  }

  /** Failed rows waiting for an automatic retry fail for good: nothing of the campaign goes out again. */
  async dropRetries(tx: TransactionClient, campaign: CampaignKey): Promise<void> {
    await this.changes.recorded(tx, await this.updates.clearPendingRetries(campaign, tx));
  }

  /** Releases up to `limit` of the campaign's failed rows whose automatic retry is due. */
  releaseDueRetries(tx: TransactionClient, campaign: CampaignKey, limit: number): Promise<number> {
    return this.withSavepoint(tx, () => this.timeouts.releaseDueRetriesIn(tx, limit, campaign));
  }

  /**
   * A rollback row for every device the campaign completed, back to its own previous version
   * (see `CampaignUpdatesRepository.insertRollbacks`); returns the rows by bucket (`created`,
   * or `failed` where the old image is gone).
   */
  createRollbacks(
    tx: TransactionClient,
    campaign: RollbackRowsSpec,
  ): Promise<StageCount[]> {
    return this.repository.insertRollbacks(campaign, tx);
  }

  /**
   * Blue-green's switch for up to `limit` staged rows: their next check-in says `activation:
   * now`, an `activate` command goes to each device, and their timeout runs again. Returns how many.
   */
  async activate(tx: TransactionClient, campaign: CampaignKey, limit: number, detail: string): Promise<number> {
    const rows = await this.repository.activate(campaign, limit, tx);
    await this.updates.addEvents(rows.map((row) => timelineEvent(row, 'scheduler', detail)), tx);
    await this.commands.enqueueMany(
      tx,
      rows.map((row) => ({ organizationId: row.organizationId, deviceId: row.deviceId, command: { type: 'activate', update_id: row.updateId, kind: row.kind } })),
    );
    return rows.length;
  }

  /** A page of the campaign's rows (update and rollback), by device id. */
  page(campaign: CampaignKey, filters: CampaignDeviceFilters, limit: number, offset: number): Promise<{ items: CampaignDeviceRow[]; total: number }> {
    return this.repository.page(campaign, filters, limit, offset);
  }

  /**
   * Runs `work` from a savepoint, again (with a fresh snapshot) when it lost a race on the
   * one-active index, so one device taken by another writer does not fail the caller's
   * transaction.
   */
  private async withSavepoint<T>(tx: TransactionClient, work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      await tx.$executeRaw`SAVEPOINT campaign_release`;
      try {
        const result = await work();
        await tx.$executeRaw`RELEASE SAVEPOINT campaign_release`;
        return result;
      } catch (error) {
        if (attempt >= RELEASE_ATTEMPTS || !isUniqueViolation(error)) throw error;
        await tx.$executeRaw`ROLLBACK TO SAVEPOINT campaign_release`;
      }
    }
  }
}
