import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { APP_CONFIG, type AppConfig } from '../../config';
import { EVENT_PUBLISHER, type EventPublisher } from './event-publisher';
import { OutboxRelay } from './outbox-relay';

const PURGE_INTERVAL_MS = 10 * 60_000;

/** Only triggers: the relay's work is idempotent and driven by the outbox table. */
@Injectable()
export class OutboxRelayScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger('OutboxRelayScheduler');

  constructor(
    private readonly relay: OutboxRelay,
    private readonly registry: SchedulerRegistry,
    @Inject(EVENT_PUBLISHER) private readonly publisher: EventPublisher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.scheduler.enabled) return;
    // Purged without NATS too (then every event past the retention), or the table would only grow.
    this.every('outbox-purge', PURGE_INTERVAL_MS, () => this.relay.purge());
    if (!this.publisher.enabled) {
      this.logger.log('No NATS_URL: domain events stay in the ota.outbox_events table for OUTBOX_RETENTION_HOURS');
      return;
    }
    this.every('outbox-relay', this.config.events.relayIntervalMs, () => this.relay.relayPending());
  }

  private every(name: string, ms: number, work: () => Promise<unknown>): void {
    const timer = setInterval(() => {
      work().catch((error: unknown) => this.logger.error(`${name} failed: ${error instanceof Error ? error.message : String(error)}`));
    }, ms);
    this.registry.addInterval(name, timer);
  }
}
