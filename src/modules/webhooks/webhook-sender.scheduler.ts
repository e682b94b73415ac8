import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { APP_CONFIG, type AppConfig } from '../../config';
import { WebhookRetention } from './webhook-retention';
import { WebhookSender } from './webhook-sender';

/** Retention is counted in days; purging hourly keeps the log within an hour of it. */
const PURGE_INTERVAL_MS = 60 * 60_000;

/**
 * Only triggers: sending at the outbox relay's pace, the retention purge hourly. Both are driven
 * by the deliveries table, so every replica may run them.
 */
@Injectable()
export class WebhookSenderScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger('WebhookSenderScheduler');

  constructor(
    private readonly sender: WebhookSender,
    private readonly retention: WebhookRetention,
    private readonly registry: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.scheduler.enabled) return;
    const timer = setInterval(() => {
      this.sender.sendDue().catch((error: unknown) => this.logger.error(`Webhook sending failed: ${error instanceof Error ? error.message : String(error)}`));
    }, this.config.events.relayIntervalMs);
    this.registry.addInterval('webhook-sender', timer);
    const purge = setInterval(() => {
      this.retention.purgeExpired().catch((error: unknown) => this.logger.error(`Webhook delivery purge failed: ${error instanceof Error ? error.message : String(error)}`));
    }, PURGE_INTERVAL_MS);
    this.registry.addInterval('webhook-purge', purge);
  }
}
