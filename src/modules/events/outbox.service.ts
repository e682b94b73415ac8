import { Injectable } from '@nestjs/common';
import type { TransactionClient } from '../../database/prisma.service';
import { buildEnvelope, type EventEnvelope } from './event-envelope';
import { OutboxRepository } from './outbox.repository';

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

  async record<T>(tx: TransactionClient, event: DomainEvent<T>): Promise<EventEnvelope<T>> {
    const envelope = buildEnvelope(event.type, event.data, event.subject ?? null);
    await this.repository.insert(envelope, event.organizationId ?? null, tx);
    return envelope;
  }
}
