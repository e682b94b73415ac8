import { Inject, Injectable } from '@nestjs/common';
import { type DependencyHealth, type DependencyHealthCheck, HealthIndicator } from '../../common/health/health-indicator';
import { EVENT_PUBLISHER, type EventPublisher } from './event-publisher';
import { OutboxRelay } from './outbox-relay';
import { OutboxRepository } from './outbox.repository';

/** The event transport's state plus the outbox backlog, which grows while it is down. */
@Injectable()
@HealthIndicator({ name: 'events', critical: false })
export class EventsHealthIndicator implements DependencyHealthCheck {
  constructor(
    @Inject(EVENT_PUBLISHER) private readonly publisher: EventPublisher,
    private readonly repository: OutboxRepository,
    private readonly relay: OutboxRelay,
  ) {}

  async check(): Promise<DependencyHealth> {
    const backlog = await this.repository.backlog();
    return {
      transport: this.publisher.enabled ? 'nats_jetstream' : 'outbox_only',
      ...this.publisher.health(),
      pending_events: backlog.pending,
      oldest_pending_age_seconds: backlog.oldestCreatedAt ? Math.round((Date.now() - backlog.oldestCreatedAt.getTime()) / 1000) : null,
      last_relay_at: this.relay.lastRun?.toISOString() ?? null,
    };
  }
}
