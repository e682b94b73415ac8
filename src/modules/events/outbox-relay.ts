import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config';
import { relayRetryDelayMs } from '../../database/relay-queue';
import { deleteInBatches } from '../../database/sequential-chunks';
import { subjectOf } from './event-envelope';
import { EVENT_PUBLISHER, type EventPublisher, EventRejectedError } from './event-publisher';
import { type ClaimedEvent, OutboxRepository } from './outbox.repository';

/** How long a relay holds claimed rows before another may take them. */
const LEASE_MS = 30_000;
const PURGE_BATCH = 1_000;
/** A tick keeps draining while batches come back full, up to this many, then yields. */
const MAX_BATCHES_PER_RUN = 20;

export interface RelayResult {
  /** Events the transport acknowledged (re-sends included) and that are now marked published. */
  published: number;
  /** Events that could not be sent and were rescheduled. */
  failed: number;
  /** Of `published`, re-sends the transport recognised and dropped. */
  duplicates: number;
}

/**
 * Moves outbox rows to the event transport. Rows are published oldest first and marked only
 * after the transport acknowledged them; on a failure the rest of the batch is rescheduled with
 * a growing delay. Nothing is lost while the transport is down, and a re-send after a crash is
 * deduplicated by the transport through the row id.
 */
@Injectable()
export class OutboxRelay {
  private readonly logger = new Logger('OutboxRelay');
  private running = false;
  private lastRunAt: Date | undefined;
  private readonly encoder = new TextEncoder();

  constructor(
    private readonly repository: OutboxRepository,
    @Inject(EVENT_PUBLISHER) private readonly publisher: EventPublisher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get lastRun(): Date | undefined {
    return this.lastRunAt;
  }

  /** Publishes what is due. Overlapping calls in one process are skipped, not queued. */
  async relayPending(): Promise<RelayResult> {
    const result: RelayResult = { published: 0, failed: 0, duplicates: 0 };
    if (!this.publisher.enabled || this.running) return result;
    this.running = true;
    try {
      for (let batch = 0; batch < MAX_BATCHES_PER_RUN; batch++) {
        const claimed = await this.repository.claimDue(this.config.events.batchSize, LEASE_MS);
        const { published, failed, duplicates, transportFailed } = await this.publishBatch(claimed);
        result.published += published;
        result.failed += failed;
        result.duplicates += duplicates;
        if (transportFailed || claimed.length < this.config.events.batchSize) break;
      }
      return result;
    } finally {
      this.running = false;
      this.lastRunAt = new Date();
    }
  }

  /**
   * Deletes the events older than the retention period that are done with: with an event
   * transport the published ones ({@link purgePublished}); without one every one of them, since
   * nothing will ever relay them and the table would otherwise only grow.
   */
  purge(): Promise<number> {
    if (this.publisher.enabled) return this.purgePublished();
    return this.purgeBefore((cutoff, limit) => this.repository.deleteCreatedBefore(cutoff, limit));
  }

  /** Deletes published events older than the retention period. */
  purgePublished(): Promise<number> {
    return this.purgeBefore((cutoff, limit) => this.repository.deletePublishedBefore(cutoff, limit));
  }

  /** Runs `remove` with the retention cutoff in batches until one comes back short; the total. */
  private async purgeBefore(remove: (cutoff: Date, limit: number) => Promise<number>): Promise<number> {
    const cutoff = new Date(Date.now() - this.config.events.retentionHours * 3600_000);
    return deleteInBatches((limit) => remove(cutoff, limit), PURGE_BATCH);
  }

  private async publishBatch(events: ClaimedEvent[]): Promise<RelayResult & { transportFailed: boolean }> {
    const published: string[] = [];
    let duplicates = 0;
    let rejected = 0;
    for (const [index, event] of events.entries()) {
      try {
        const outcome = await this.publisher.publish(subjectOf(event.type), this.encoder.encode(JSON.stringify(event.envelope)), event.id);
        published.push(event.id);
        if (outcome.duplicate) duplicates++;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const retryAt = new Date(Date.now() + relayRetryDelayMs(event.attempts));
        if (error instanceof EventRejectedError) {
          // Only this event is at fault: it must not hold back the ones behind it.
          await this.repository.scheduleRetry([event.id], retryAt, message);
          rejected++;
          this.logger.error(`Event ${event.id} (${event.type}) was refused by the transport (${message}); will retry`);
          continue;
        }
        // The transport is most likely down: stop here and retry this and the rest later.
        await this.repository.markPublished(published);
        const rest = events.slice(index);
        await this.repository.scheduleRetry(rest.map((e) => e.id), retryAt, message);
        this.logger.warn(`Publishing ${rest.length} event(s) failed (${message}); will retry`);
        return { published: published.length, failed: rejected + rest.length, duplicates, transportFailed: true };
      }
    }
    await this.repository.markPublished(published);
    return { published: published.length, failed: rejected, duplicates, transportFailed: false };
  }
}
