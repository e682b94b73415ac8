import { Injectable } from '@nestjs/common';
import { PrismaService, type TransactionClient } from '../../database/prisma.service';
import { Prisma, type WebhookDelivery } from '../../generated/prisma/client';
import type { WebhookDeliveryStatus } from './dto/webhook.dto';

export interface NewWebhookDelivery {
  organizationId: string;
  deliveryId: string;
  campaignId: string | null;
  eventId: string;
  eventType: string;
  url: string;
  payload: unknown;
}

/** A delivery taken by a sender; `attempts` counts this attempt. */
export interface ClaimedDelivery {
  organizationId: string;
  deliveryId: string;
  eventType: string;
  url: string;
  payload: unknown;
  attempts: number;
}

export interface DeliveryFilters {
  status?: WebhookDeliveryStatus;
  campaignId?: string;
  eventType?: string;
}

/** What an attempt ended with. */
export type DeliveryOutcome =
  | { status: 'delivered'; statusCode: number }
  | { status: 'pending'; nextAttemptAt: Date; statusCode: number | null; error: string }
  | { status: 'failed'; statusCode: number | null; error: string };

@Injectable()
export class WebhookDeliveriesRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Pending deliveries, due at once. */
  async insertMany(deliveries: NewWebhookDelivery[], tx: TransactionClient): Promise<void> {
    if (deliveries.length === 0) return;
    await tx.webhookDelivery.createMany({
      data: deliveries.map((delivery) => ({ ...delivery, payload: delivery.payload as Prisma.InputJsonValue, status: 'pending', nextAttemptAt: new Date() })),
    });
  }

  /**
   * Takes up to `limit` due deliveries, oldest due first, and leases them for `leaseMs` (their
   * next attempt pushed past it, the attempt counted). Rows another sender holds are skipped, so
   * replicas share the work; a sender that dies mid-send loses its lease and the row comes back.
   */
  claimDue(limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    return this.prisma.$queryRaw<ClaimedDelivery[]>`
      UPDATE ota.webhook_deliveries AS d
         SET next_attempt_at = now() + make_interval(secs => ${leaseMs / 1000}), attempts = d.attempts + 1, updated_at = now()
        FROM (SELECT organization_id, delivery_id FROM ota.webhook_deliveries
               WHERE status = 'pending' AND next_attempt_at <= now()
               ORDER BY next_attempt_at
               LIMIT ${limit}
               FOR UPDATE SKIP LOCKED) AS due
       WHERE d.organization_id = due.organization_id AND d.delivery_id = due.delivery_id
   RETURNING d.organization_id AS "organizationId", d.delivery_id AS "deliveryId", d.event_type AS "eventType", d.url, d.payload, d.attempts`;
  }

  /**
   * Records the attempt's outcome, unless the row moved on meanwhile (its lease ran out and
   * another sender took it): only the holder of attempt `attempts` writes.
   */
  async finish(delivery: ClaimedDelivery, outcome: DeliveryOutcome): Promise<void> {
    const now = new Date();
    const data: Prisma.WebhookDeliveryUpdateManyMutationInput =
      outcome.status === 'delivered'
        ? { status: 'delivered', deliveredAt: now, nextAttemptAt: null, lastStatusCode: outcome.statusCode, lastError: null }
        : outcome.status === 'pending'
          ? { nextAttemptAt: outcome.nextAttemptAt, lastStatusCode: outcome.statusCode, lastError: outcome.error.slice(0, 1000) }
          : { status: 'failed', nextAttemptAt: null, lastStatusCode: outcome.statusCode, lastError: outcome.error.slice(0, 1000) };
    await this.prisma.webhookDelivery.updateMany({
      where: { organizationId: delivery.organizationId, deliveryId: delivery.deliveryId, status: 'pending', attempts: delivery.attempts },
      data,
    });
  }

  /** Deletes up to `limit` delivered or failed deliveries created before `cutoff`, oldest first; returns how many went. */
  deleteFinishedBefore(cutoff: Date, limit: number): Promise<number> {
    return this.prisma.$executeRaw`
      DELETE FROM ota.webhook_deliveries WHERE (organization_id, delivery_id) IN (
        SELECT organization_id, delivery_id FROM ota.webhook_deliveries
         WHERE status <> 'pending' AND created_at < ${cutoff}
         ORDER BY created_at
         LIMIT ${limit})`;
  }

  async page(organizationId: string, filters: DeliveryFilters, limit: number, offset: number): Promise<{ items: WebhookDelivery[]; total: number }> {
    const where: Prisma.WebhookDeliveryWhereInput = { organizationId, status: filters.status, campaignId: filters.campaignId, eventType: filters.eventType };
    const [items, total] = await Promise.all([
      this.prisma.webhookDelivery.findMany({ where, orderBy: [{ createdAt: 'desc' }, { deliveryId: 'asc' }], take: limit, skip: offset }),
      this.prisma.webhookDelivery.count({ where }),
    ]);
    return { items, total };
  }
}
