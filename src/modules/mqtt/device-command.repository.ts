import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../database/prisma.service';
import { RelayQueue } from '../../database/relay-queue';
import { Prisma } from '../../generated/prisma/client';

export interface ClaimedCommand {
  id: string;
  deviceId: string;
  payload: unknown;
  attempts: number;
}

/**
 * Reads and marks `ota.device_commands`. Rows are written by the updates module in the
 * transaction of each change; this bridge only relays them.
 */
@Injectable()
export class DeviceCommandRepository {
  private readonly queue: RelayQueue;

  constructor(private readonly prisma: PrismaService) {
    this.queue = new RelayQueue(prisma, 'device_commands');
  }

  /** Takes up to `limit` due commands, oldest first, leased for `leaseMs` (see {@link RelayQueue.claimDue}). */
  claimDue(limit: number, leaseMs: number): Promise<ClaimedCommand[]> {
    return this.queue.claimDue<ClaimedCommand>(Prisma.sql`id, device_id AS "deviceId", payload, attempts`, limit, leaseMs);
  }

  /** Marks commands published; a row already marked keeps its first `published_at`. */
  async markPublished(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.prisma.deviceCommand.updateMany({ where: { id: { in: ids }, publishedAt: null }, data: { publishedAt: new Date(), lastError: null } });
  }

  async scheduleRetry(ids: string[], retryAt: Date, error: string): Promise<void> {
    if (ids.length === 0) return;
    await this.prisma.deviceCommand.updateMany({ where: { id: { in: ids }, publishedAt: null }, data: { nextAttemptAt: retryAt, lastError: error.slice(0, 2000) } });
  }

  /** Deletes up to `limit` commands published before `cutoff`; returns how many went. */
  deletePublishedBefore(cutoff: Date, limit: number): Promise<number> {
    return this.queue.deletePublishedBefore(cutoff, limit);
  }

  /** Deletes up to `limit` commands created before `cutoff`, published or not; returns how many went. */
  deleteCreatedBefore(cutoff: Date, limit: number): Promise<number> {
    return this.queue.deleteCreatedBefore(cutoff, limit);
  }

  /** How many commands wait, and how old the oldest is, for health reports. */
  backlog(): Promise<{ pending: number; oldestCreatedAt: Date | null }> {
    return this.queue.backlog();
  }
}
