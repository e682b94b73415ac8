import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { APP_CONFIG, type AppConfig } from '../../config';
import { WebhookSender } from './webhook-sender';

/** Only triggers, at the outbox relay's pace: the sending is driven by the deliveries table. */
@Injectable()
export class WebhookSenderScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger('WebhookSenderScheduler');

  constructor(
    private readonly sender: WebhookSender,
    private readonly registry: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.scheduler.enabled) return;
    const timer = setInterval(() => {
      this.sender.sendDue().catch((error: unknown) => this.logger.error(`Webhook sending failed: ${error instanceof Error ? error.message : String(error)}`));
    }, this.config.events.relayIntervalMs);
    this.registry.addInterval('webhook-sender', timer);
  }
}
