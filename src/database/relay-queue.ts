import { exponentialBackoffMs } from '../common/backoff';
import { Prisma } from '../generated/prisma/client';
import type { PrismaService } from './prisma.service';

/**
 * The tables written in the transaction of a change and relayed to a broker afterwards
 * (`outbox_events` to NATS, `device_commands` to MQTT). Both have the relay's columns: `id`,
 * `sequence` (write order), `created_at`, `published_at`, `attempts`, `next_attempt_at`.
 */
export type RelayTable = 'outbox_events' | 'device_commands';

/** Before re-sending a row after `attempts` failed attempts: 0.5 s, 1 s, 2 s, ... capped at a minute. */
export function relayRetryDelayMs(attempts: number): number {
  return exponentialBackoffMs(attempts, 500, 60_000);
}

/** The queries a relay runs on its table; its repository adds what is specific to the rows. */
export class RelayQueue {
  private readonly table: Prisma.Sql;

  constructor(
    private readonly prisma: PrismaService,
    table: RelayTable,
  ) {
    this.table = Prisma.raw(`ota.${table}`);
  }

  /**
   * Takes up to `limit` due, unpublished rows, oldest first, and leases them for `leaseMs` by
   * pushing their next attempt into the future. Rows another relay holds are skipped, so replicas
   * share the backlog; a relay that dies mid-batch loses its lease and the rows come back.
   * `columns` selects what the relay needs from each claimed row.
   */
  claimDue<T>(columns: Prisma.Sql, limit: number, leaseMs: number): Promise<T[]> {
    // RETURNING comes back in whatever order the join produced (physical order once the planner
    // hashes the claimed ids), so the order is restored outside the UPDATE. `next_attempt_at` is
    // stored rounded to the millisecond, so a row written half a millisecond ago may read as due in
    // the future; now() rounded alike keeps "written before this claim" meaning "due".
    return this.prisma.$queryRaw<T[]>`
      WITH claimed AS (
        UPDATE ${this.table} AS r
           SET next_attempt_at = now() + make_interval(secs => ${leaseMs / 1000}), attempts = r.attempts + 1
          FROM (SELECT id FROM ${this.table}
                 WHERE published_at IS NULL AND next_attempt_at <= now()::timestamptz(3)
                 ORDER BY sequence
                 LIMIT ${limit}
                 FOR UPDATE SKIP LOCKED) AS due
         WHERE r.id = due.id
     RETURNING r.*)
      SELECT ${columns} FROM claimed ORDER BY sequence`;
  }

  /** Deletes up to `limit` rows published before `cutoff`; returns how many went. */
  deletePublishedBefore(cutoff: Date, limit: number): Promise<number> {
    return this.prisma.$executeRaw`
      DELETE FROM ${this.table} WHERE id IN (SELECT id FROM ${this.table} WHERE published_at < ${cutoff} LIMIT ${limit})`;
  }

  /** Deletes up to `limit` rows created before `cutoff`, published or not; returns how many went. */
  deleteCreatedBefore(cutoff: Date, limit: number): Promise<number> {
    return this.prisma.$executeRaw`
      DELETE FROM ${this.table} WHERE id IN (SELECT id FROM ${this.table} WHERE created_at < ${cutoff} LIMIT ${limit})`;
  }

  /** How many rows wait, and how old the oldest is, for health reports. */
  async backlog(): Promise<{ pending: number; oldestCreatedAt: Date | null }> {
    const [row] = await this.prisma.$queryRaw<{ pending: bigint; oldest: Date | null }[]>`
      SELECT count(*) AS pending, min(created_at) AS oldest FROM ${this.table} WHERE published_at IS NULL`;
    return { pending: Number(row?.pending ?? 0), oldestCreatedAt: row?.oldest ?? null };
  }
}
