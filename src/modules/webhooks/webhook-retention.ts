import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';

const DAY_MS = 24 * 3600_000;
/** Rows one DELETE takes: short statements, so the purge never holds many locks at once. */
const PURGE_BATCH = 1_000;

/** Keeps the delivery log bounded: finished deliveries go WEBHOOK_RETENTION_DAYS after their creation; pending ones stay. */
@Injectable()
export class WebhookRetention {
  constructor(
    private readonly deliveries: WebhookDeliveriesRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Deletes delivered and failed deliveries past the retention, `batchSize` per statement, until none is left; the total. */
  async purgeExpired(batchSize = PURGE_BATCH): Promise<number> {
    const cutoff = new Date(Date.now() - this.config.webhooks.retentionDays * DAY_MS);
    let total = 0;
    for (let deleted = batchSize; deleted === batchSize; total += deleted) deleted = await this.deliveries.deleteFinishedBefore(cutoff, batchSize);
    return total;
  }
}
