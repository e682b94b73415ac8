import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../database/prisma.service';

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
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Takes up to `limit` due, unpublished commands, oldest first, and leases them for `leaseMs` by
   * pushing their next attempt into the future. Rows another relay holds are skipped, so replicas
   * share the backlog; a relay that dies mid-batch loses its lease and the rows come back.
   */
  claimDue(limit: number, leaseMs: number): Promise<ClaimedCommand[]> {
    // RETURNING order follows the join, not the sub-select: the order is restored outside.
    return this.prisma.$queryRaw<ClaimedCommand[]>`
      WITH claimed AS (
        UPDATE ota.device_commands AS c
           SET next_attempt_at = now() + make_interval(secs => ${leaseMs / 1000}), attempts = c.attempts + 1
          FROM (SELECT id FROM ota.device_commands
                 WHERE published_at IS NULL AND next_attempt_at <= now()
                 ORDER BY sequence
                 LIMIT ${limit}
                 FOR UPDATE SKIP LOCKED) AS due
         WHERE c.id = due.id
     RETURNING c.id, c.device_id, c.payload, c.attempts, c.sequence)
      SELECT id, device_id AS "deviceId", payload, attempts FROM claimed ORDER BY sequence`;
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
    return this.prisma.$executeRaw`
      DELETE FROM ota.device_commands
       WHERE id IN (SELECT id FROM ota.device_commands WHERE published_at < ${cutoff} LIMIT ${limit})`;
  }

  /** Deletes up to `limit` commands created before `cutoff`, published or not; returns how many went. */
  deleteCreatedBefore(cutoff: Date, limit: number): Promise<number> {
    return this.prisma.$executeRaw`
      DELETE FROM ota.device_commands
       WHERE id IN (SELECT id FROM ota.device_commands WHERE created_at < ${cutoff} LIMIT ${limit})`;
  }

  /** How many commands wait, and how old the oldest is, for health reports. */
  async backlog(): Promise<{ pending: number; oldestCreatedAt: Date | null }> {
    const [row] = await this.prisma.$queryRaw<{ pending: bigint; oldest: Date | null }[]>`
      SELECT count(*) AS pending, min(created_at) AS oldest FROM ota.device_commands WHERE published_at IS NULL`;
    return { pending: Number(row?.pending ?? 0), oldestCreatedAt: row?.oldest ?? null };
  }
}
