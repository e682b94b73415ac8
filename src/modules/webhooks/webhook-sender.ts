import { createHmac } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { exponentialBackoffMs } from '../../common/backoff';
import { APP_CONFIG, type AppConfig } from '../../config';
import { PRIVATE_ADDRESS_REFUSED, PrivateAddressError } from './webhook-address';
import { type ClaimedDelivery, type DeliveryOutcome, WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { postWebhook } from './webhook-post';
import { WebhookSecretsRepository } from './webhook-secrets.repository';

/** Deliveries claimed at once: each may wait up to WEBHOOK_TIMEOUT_MS for its receiver. */
const BATCH_SIZE = 10;
/** A run keeps going while batches come back full, up to this many, then yields to the next tick. */
const MAX_BATCHES_PER_RUN = 10;
const RETRY_CAP_MS = 3600_000;
export const NO_SECRET_ERROR = 'No webhook secret: create one with POST /api/v1/webhook-secret';

/**
 * Sends due webhook deliveries: claims a small batch (FOR UPDATE SKIP LOCKED, leased, so replicas
 * share them and none is sent twice at once), POSTs them in parallel signed with the
 * organization's secret, and records each outcome: 2xx delivered, anything else retried after
 * WEBHOOK_RETRY_BASE_DELAY_MS doubling per attempt, `failed` after WEBHOOK_MAX_ATTEMPTS. A
 * private address or a missing secret fails the delivery at once: trying again would not help.
 */
@Injectable()
export class WebhookSender {
  private readonly logger = new Logger('WebhookSender');
  private running = false;

  constructor(
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly secrets: WebhookSecretsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Sends what is due; returns how many attempts were made. Overlapping calls in one process are skipped. */
  async sendDue(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    let attempts = 0;
    try {
      for (let batch = 0; batch < MAX_BATCHES_PER_RUN; batch++) {
        // The lease outlasts the longest attempt, so no other sender takes a row being sent.
        const claimed = await this.deliveries.claimDue(BATCH_SIZE, this.config.webhooks.timeoutMs + 30_000);
        if (claimed.length === 0) break;
        const secrets = await this.secrets.findByOrganizations([...new Set(claimed.map((delivery) => delivery.organizationId))]);
        await Promise.all(claimed.map(async (delivery) => this.deliveries.finish(delivery, await this.attempt(delivery, secrets.get(delivery.organizationId)))));
        attempts += claimed.length;
        if (claimed.length < BATCH_SIZE) break;
      }
      return attempts;
    } finally {
      this.running = false;
    }
  }

  private async attempt(delivery: ClaimedDelivery, secret: string | undefined): Promise<DeliveryOutcome> {
    if (secret === undefined) return { status: 'failed', statusCode: null, error: NO_SECRET_ERROR };
    const body = JSON.stringify(delivery.payload);
    try {
      const statusCode = await postWebhook({
        url: delivery.url,
        body,
        headers: {
          'content-type': 'application/json',
          'user-agent': `ota-service-webhooks/${this.config.service.version}`,
          'x-ota-signature': signature(secret, body),
          'x-ota-delivery': delivery.deliveryId,
          'x-ota-event': delivery.eventType,
          'x-ota-timestamp': String(Math.floor(Date.now() / 1000)),
        },
        timeoutMs: this.config.webhooks.timeoutMs,
        allowPrivate: this.config.webhooks.allowPrivate,
      });
      if (statusCode >= 200 && statusCode < 300) return { status: 'delivered', statusCode };
      return this.retryOrFail(delivery, statusCode, `HTTP ${statusCode}`);
    } catch (error) {
      if (error instanceof PrivateAddressError) return { status: 'failed', statusCode: null, error: PRIVATE_ADDRESS_REFUSED };
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      this.logger.warn(`Webhook delivery ${delivery.deliveryId} to ${new URL(delivery.url).host} failed: ${message}`);
      return this.retryOrFail(delivery, null, message);
    }
  }

  private retryOrFail(delivery: ClaimedDelivery, statusCode: number | null, error: string): DeliveryOutcome {
    if (delivery.attempts >= this.config.webhooks.maxAttempts) return { status: 'failed', statusCode, error };
    const delayMs = exponentialBackoffMs(delivery.attempts, this.config.webhooks.retryBaseDelayMs, RETRY_CAP_MS);
    return { status: 'pending', nextAttemptAt: new Date(Date.now() + delayMs), statusCode, error };
  }
}

/** `x-ota-signature`: `sha256=` and the hex HMAC-SHA256 of the exact body with the organization's secret. */
export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}
