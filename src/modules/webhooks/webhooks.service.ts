import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { FieldError } from '../../common/errors/domain-error';
import { listEnvelope } from '../../common/http/pagination.dto';
import { APP_CONFIG, type AppConfig } from '../../config';
import type { TransactionClient } from '../../database/prisma.service';
import type { EventEnvelope } from '../events/event-envelope';
import type { ListWebhookDeliveriesQueryDto, WebhookDeliveryListResponseDto } from './dto/webhook.dto';
import { webhookChannelProblems, webhookUrls } from './webhook-address';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { toWebhookDeliveryResponse } from './webhook.mapper';

/** A notified event and where it goes. */
export interface WebhookNotification {
  organizationId: string;
  campaignId: string | null;
  /** The campaign's `notification_channels`; only `webhook:` entries get a delivery. */
  channels: readonly string[];
  envelope: EventEnvelope;
}

/**
 * Webhooks of notified events: a delivery row per `webhook:` channel, written in the transaction
 * of the event (so a delivery exists exactly when its event does), sent by `WebhookSender`.
 */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly deliveries: WebhookDeliveriesRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** What is wrong with the `webhook:` entries of a campaign's `notification_channels` (a 422's errors). */
  channelProblems(channels: readonly string[]): FieldError[] {
    return webhookChannelProblems(channels, this.config.webhooks.allowPrivate);
  }

  /** One pending delivery per distinct webhook URL among the channels, in `tx`; none without one. */
  async enqueue(tx: TransactionClient, notification: WebhookNotification): Promise<void> {
    const { envelope } = notification;
    await this.deliveries.insertMany(
      webhookUrls(notification.channels).map((url) => ({
        organizationId: notification.organizationId,
        deliveryId: randomBytes(16).toString('hex'),
        campaignId: notification.campaignId,
        eventId: envelope.id,
        eventType: envelope.type,
        url,
        payload: envelope,
      })),
      tx,
    );
  }

  /** The organization's deliveries, newest first, filtered. */
  async list(organizationId: string, query: ListWebhookDeliveriesQueryDto): Promise<WebhookDeliveryListResponseDto> {
    const page = await this.deliveries.page(organizationId, { status: query.status, campaignId: query.campaign_id, eventType: query.event_type }, query.limit, query.offset);
    return listEnvelope('webhook_deliveries', { items: page.items.map(toWebhookDeliveryResponse), total: page.total }, query, {
      status: query.status ?? null,
      campaign_id: query.campaign_id ?? null,
      event_type: query.event_type ?? null,
    });
  }
}
