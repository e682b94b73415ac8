import { Injectable } from '@nestjs/common';
import type { TransactionClient } from '../../database/prisma.service';
import type { WriteStep } from '../../database/write-steps';
import { buildEnvelope, type EventEnvelope } from './event-envelope';
import { OutboxRepository } from './outbox.repository';

/** Dot-separated tokens that make a literal NATS subject: no wildcards, spaces or empty tokens. */
const EVENT_TYPE = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
/** The width of `outbox_events.type`. */
const MAX_EVENT_TYPE_LENGTH = 100;

export interface DomainEvent<T> {
  /** e.g. `firmware.uploaded`; published on `ota_service.<type>`. */
  type: string;
  data: T;
  organizationId?: string | null;
  subject?: string | null;
}

/**
 * The only way modules emit events: the event row is written in the caller's transaction, so an
 * event exists exactly when the change it describes was committed. The relay publishes it later.
 */
@Injectable()
export class OutboxService {
  constructor(private readonly repository: OutboxRepository) {}

  /**
   * Writes the event in `tx`. Throws a plain Error for a type that cannot be published (a
   * programming mistake), which fails the caller's transaction rather than the relay later.
   */
  async record<T>(tx: TransactionClient, event: DomainEvent<T>): Promise<EventEnvelope<T>> {
    assertPublishable(event.type);
    const envelope = buildEnvelope(event.type, event.data, event.subject ?? null);
    await this.repository.insert(envelope, event.organizationId ?? null, tx);
    return envelope;
  }

  /**
   * The write step that records the events, in their order (the relay publishes them in it), as
   * part of the caller's composed statement (`runWriteSteps`); none for no events.
   * Throws like {@link record}, before anything is written, when one has a type that cannot be
   * published.
   */
  recordSteps<T>(events: DomainEvent<T>[]): WriteStep[] {
    if (events.length === 0) return [];
    for (const event of events) assertPublishable(event.type);
    return [this.repository.insertManyStep(events.map((event) => ({ envelope: buildEnvelope(event.type, event.data, event.subject ?? null), organizationId: event.organizationId ?? null })))];
  }
}

function assertPublishable(type: string): void {
  if (!EVENT_TYPE.test(type) || type.length > MAX_EVENT_TYPE_LENGTH) {
    throw new Error(`Invalid event type ${JSON.stringify(type)}: expected dot-separated [A-Za-z0-9_-] tokens, at most ${MAX_EVENT_TYPE_LENGTH} characters`);
  }
}
