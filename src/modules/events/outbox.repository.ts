import { Injectable } from '@nestjs/common';
import { PrismaService, type TransactionClient } from '../../database/prisma.service';
import type { Prisma } from '../../generated/prisma/client';
import type { EventEnvelope } from './event-envelope';

export interface ClaimedEvent {
  id: string;
  type: string;
  envelope: EventEnvelope;
  attempts: number;
}

@Injectable()
export class OutboxRepository {
  constructor(private readonly prisma: PrismaService) {}

  async insert(envelope: EventEnvelope, organizationId: string | null, tx: TransactionClient = this.prisma): Promise<void> {
    await tx.outboxEvent.create({
      data: {
        id: envelope.id,
        type: envelope.type,
        organizationId,
        envelope: envelope as unknown as Prisma.InputJsonValue,
        createdAt: new Date(envelope.timestamp),
      },
    });
  }

  /**
   * Takes up to `limit` due, unpublished events, oldest first, and leases them for `leaseMs` by
   * pushing their next attempt into the future. Rows another relay holds are skipped, so
   * replicas share the backlog; a relay that dies mid-batch loses its lease and the rows return.
   */
  claimDue(limit: number, leaseMs: number): Promise<ClaimedEvent[]> {
    // RETURNING comes back in whatever order the join produced (physical order once the planner
    // hashes the claimed ids), so the order is restored outside the UPDATE.
    return this.prisma.$queryRaw<ClaimedEvent[]>`
      WITH claimed AS (
        UPDATE ota.outbox_events AS e
           SET next_attempt_at = now() + make_interval(secs => ${leaseMs / 1000}), attempts = e.attempts + 1
          FROM (SELECT id FROM ota.outbox_events
                 WHERE published_at IS NULL AND next_attempt_at <= now()
                 ORDER BY sequence
                 LIMIT ${limit}
                 FOR UPDATE SKIP LOCKED) AS due
         WHERE e.id = due.id
     RETURNING e.id, e.type, e.envelope, e.attempts, e.sequence)
      SELECT id, type, envelope, attempts FROM claimed ORDER BY sequence`;
  }

  async markPublished(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.prisma.outboxEvent.updateMany({ where: { id: { in: ids } }, data: { publishedAt: new Date(), lastError: null } });
  }

  async scheduleRetry(ids: string[], retryAt: Date, error: string): Promise<void> {
    if (ids.length === 0) return;
    await this.prisma.outboxEvent.updateMany({ where: { id: { in: ids } }, data: { nextAttemptAt: retryAt, lastError: error.slice(0, 2000) } });
  }

  /** Deletes up to `limit` events published before `cutoff`; returns how many went. */
  deletePublishedBefore(cutoff: Date, limit: number): Promise<number> {
    return this.prisma.$executeRaw`
      DELETE FROM ota.outbox_events
       WHERE id IN (SELECT id FROM ota.outbox_events WHERE published_at < ${cutoff} LIMIT ${limit})`;
  }

  /** How many events wait, and how old the oldest is, for health reports. */
  async backlog(): Promise<{ pending: number; oldestCreatedAt: Date | null }> {
    const [row] = await this.prisma.$queryRaw<{ pending: bigint; oldest: Date | null }[]>`
      SELECT count(*) AS pending, min(created_at) AS oldest FROM ota.outbox_events WHERE published_at IS NULL`;
    return { pending: Number(row?.pending ?? 0), oldestCreatedAt: row?.oldest ?? null };
  }
}
