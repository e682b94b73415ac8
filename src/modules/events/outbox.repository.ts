import { Injectable } from '@nestjs/common';
import { PrismaService, type TransactionClient } from '../../database/prisma.service';
import { RelayQueue } from '../../database/relay-queue';
import type { WriteStep } from '../../database/write-steps';
import { Prisma } from '../../generated/prisma/client';
import type { EventEnvelope } from './event-envelope';

export interface ClaimedEvent {
  id: string;
  type: string;
  envelope: EventEnvelope;
  attempts: number;
}

@Injectable()
export class OutboxRepository {
  private readonly queue: RelayQueue;

  constructor(private readonly prisma: PrismaService) {
    this.queue = new RelayQueue(prisma, 'outbox_events');
  }

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
   * The INSERT of the events as a write step; `sequence` follows their order. Raw rather than
   * createMany: Prisma's query compiler costs far more CPU per row than the insert itself.
   */
  insertManyStep(events: { envelope: EventEnvelope; organizationId: string | null }[]): WriteStep {
    const rows = JSON.stringify(events.map(({ envelope, organizationId }) => ({ organization_id: organizationId, envelope })));
    return {
      name: 'outbox_events_inserted',
      sql: Prisma.sql`
        INSERT INTO ota.outbox_events (id, type, organization_id, envelope, created_at)
        SELECT (e.envelope->>'id')::uuid, e.envelope->>'type', e.organization_id, e.envelope, (e.envelope->>'timestamp')::timestamptz
          FROM ROWS FROM (json_to_recordset(${rows}::json) AS (organization_id text, envelope jsonb)) WITH ORDINALITY AS e(organization_id, envelope, position)
         ORDER BY e.position`,
    };
  }

  /** Takes up to `limit` due events, oldest first, leased for `leaseMs` (see {@link RelayQueue.claimDue}). */
  claimDue(limit: number, leaseMs: number): Promise<ClaimedEvent[]> {
    return this.queue.claimDue<ClaimedEvent>(Prisma.sql`id, type, envelope, attempts`, limit, leaseMs);
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
    return this.queue.deletePublishedBefore(cutoff, limit);
  }

  /** Deletes up to `limit` events created before `cutoff`, published or not; returns how many went. */
  deleteCreatedBefore(cutoff: Date, limit: number): Promise<number> {
    return this.queue.deleteCreatedBefore(cutoff, limit);
  }

  /** How many events wait, and how old the oldest is, for health reports. */
  backlog(): Promise<{ pending: number; oldestCreatedAt: Date | null }> {
    return this.queue.backlog();
  }
}
