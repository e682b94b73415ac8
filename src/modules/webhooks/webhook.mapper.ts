import type { WebhookDelivery } from '../../generated/prisma/client';
import type { WebhookDeliveryResponseDto, WebhookDeliveryStatus } from './dto/webhook.dto';

export function toWebhookDeliveryResponse(row: WebhookDelivery): WebhookDeliveryResponseDto {
  return {
    delivery_id: row.deliveryId,
    campaign_id: row.campaignId,
    event_id: row.eventId,
    event_type: row.eventType,
    url: row.url,
    status: row.status as WebhookDeliveryStatus,
    attempts: row.attempts,
    next_attempt_at: row.nextAttemptAt?.toISOString() ?? null,
    last_status_code: row.lastStatusCode,
    last_error: row.lastError,
    payload: row.payload as Record<string, unknown>,
    created_at: row.createdAt.toISOString(),
    delivered_at: row.deliveredAt?.toISOString() ?? null,
    updated_at: row.updatedAt.toISOString(),
  };
}
