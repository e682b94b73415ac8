import { Global, Module } from '@nestjs/common';
import { EVENT_PUBLISHER } from './event-publisher';
import { EventsHealthIndicator } from './events.health';
import { NatsEventPublisher } from './nats-event-publisher';
import { OutboxRelay } from './outbox-relay';
import { OutboxRelayScheduler } from './outbox-relay.scheduler';
import { OutboxRepository } from './outbox.repository';
import { OutboxService } from './outbox.service';

/** Domain events: the transactional outbox every module writes to, and its relay to NATS. */
@Global()
@Module({
  providers: [
    OutboxRepository,
    OutboxService,
    { provide: EVENT_PUBLISHER, useClass: NatsEventPublisher },
    OutboxRelay,
    OutboxRelayScheduler,
    EventsHealthIndicator,
  ],
  exports: [OutboxService, OutboxRelay],
})
export class EventsModule {}
