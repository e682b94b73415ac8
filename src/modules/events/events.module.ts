import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { EVENT_PUBLISHER } from './event-publisher';
import { EventsHealthIndicator } from './events.health';
import { NatsEventPublisher } from './nats-event-publisher';
import { NatsInboundSubscriber } from './nats-inbound-subscriber';
import { OutboxRelay } from './outbox-relay';
import { OutboxRelayScheduler } from './outbox-relay.scheduler';
import { OutboxRepository } from './outbox.repository';
import { OutboxService } from './outbox.service';

/**
 * Domain events: the transactional outbox every module writes to, its relay to NATS, and the
 * subscription to other services' events for providers marked `@InboundEventHandler(subject)`.
 */
@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [
    OutboxRepository,
    OutboxService,
    { provide: EVENT_PUBLISHER, useClass: NatsEventPublisher },
    OutboxRelay,
    OutboxRelayScheduler,
    EventsHealthIndicator,
    NatsInboundSubscriber,
  ],
  exports: [OutboxService, OutboxRelay, NatsInboundSubscriber],
})
export class EventsModule {}
