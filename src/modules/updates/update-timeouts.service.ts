import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config';
import { PrismaService, type TransactionClient } from '../../database/prisma.service';
import { Clock } from '../../common/time/clock';
import { WindowCalendar } from '../campaigns/domain/maintenance-windows';
import { dailyWindowState, type DeviceWindow } from './domain/device-window';
import { retryDelayMs } from './domain/update-state';
import { UpdateChanges } from './update-changes';
import { type CampaignKey, UpdatesRepository } from './updates.repository';

/** Rows claimed per scheduler call; the rest wait for the next tick. */
export const SCHEDULER_BATCH = 500;

/**
 * The scheduler's side of updates: released updates that ran out of time fail, and failed ones
 * whose automatic retry is due go out again. Both claim rows with SKIP LOCKED, so replicas share
 * the work and each row changes once. A campaign's retries are its rollout's to release (it knows
 * whether the campaign may release anything); the rest are released here.
 */
@Injectable()
export class UpdateTimeoutsService {
  /** `retryDelaysMs[n]`: the delay before automatic retry n+1, for the scheduler's SQL. */
  private readonly retryDelaysMs: number[];
  /** Remembers maintenance window states (see `WindowCalendar`). */
  private readonly calendar = new WindowCalendar();

  constructor(
    private readonly prisma: PrismaService,
    private readonly repository: UpdatesRepository,
    private readonly changes: UpdateChanges,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.retryDelaysMs = Array.from({ length: 16 }, (_, index) => retryDelayMs(index + 1, config.updates.retryBaseDelayMs));
  }

  /**
   * Fails released updates past `timeout_at` (`error_code` `TIMEOUT`), scheduling their automatic
   * retry while retries remain. Returns the number failed.
   */
  async failTimedOut(limit = SCHEDULER_BATCH): Promise<number> {
    return this.prisma.$transaction(async (tx) => {
      const changes = await this.repository.failTimedOut(limit, this.retryDelaysMs, tx);
      await this.changes.failed(tx, changes, 'scheduler', (row) => `${row.errorMessage}${row.nextRetryAt ? `; retry due at ${row.nextRetryAt.toISOString()}` : ''}`);
      return changes.length;
    });
  }

  /**
   * Releases failed updates outside campaigns whose automatic retry is due (`retry_count + 1`,
   * new timeout) and tells their devices. Returns the number released.
   */
  async releaseDueRetries(limit = SCHEDULER_BATCH): Promise<number> {
    return this.prisma.$transaction((tx) => this.releaseDueRetriesIn(tx, limit, null));
  }

  /**
   * Releases updates outside campaigns that waited for their maintenance window, now that it is
   * open (each recording the window's end for the device); one whose window closed again meanwhile
   * (the service was down through it) waits for the next. Returns the number released.
   */
  async releaseDueWindowed(limit = SCHEDULER_BATCH): Promise<number> {
    return this.prisma.$transaction(async (tx) => {
      const now = this.clock.now();
      const release: { organizationId: string; updateId: string; windowEndsAt: Date }[] = [];
      const postpone: { organizationId: string; updateId: string; notBefore: Date }[] = [];
      for (const row of await this.repository.lockDueWindowed(limit, tx)) {
        const state = dailyWindowState(this.calendar, row.maintenanceWindow as unknown as DeviceWindow, now);
        if (state.endsAt !== null) release.push({ organizationId: row.organizationId, updateId: row.updateId, windowEndsAt: state.endsAt });
        else postpone.push({ organizationId: row.organizationId, updateId: row.updateId, notBefore: state.nextOpening });
      }
      await this.repository.postponeWindowed(postpone, tx);
      const released = await this.repository.releaseWindowed(release, tx);
      await this.changes.released(tx, released, 'scheduler', (row) => `Released in its maintenance window, which ends at ${row.windowEndsAt?.toISOString()}`);
      return released.length;
    });
  }

  /**
   * Releases up to `limit` due retries (of one campaign, or outside campaigns) in the caller's
   * transaction; a device busy with another update meanwhile loses its retry (failed for good).
   * Returns the number released.
   */
  async releaseDueRetriesIn(tx: TransactionClient, limit: number, campaign: CampaignKey | null): Promise<number> {
    const { released, dropped } = await this.repository.releaseDueRetries(limit, tx, campaign);
    await this.changes.recorded(tx, dropped);
    await this.changes.released(tx, released, 'scheduler', (row) => `Automatic retry ${row.retryCount} of ${row.maxRetries}`);
    return released.length;
  }
}
