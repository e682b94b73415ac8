import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config';
import { deleteInBatches } from '../../database/sequential-chunks';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';

const DAY_MS = 24 * 3600_000;
/** Rows one DELETE takes. */
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
    return deleteInBatches((limit) => this.deliveries.deleteFinishedBefore(cutoff, limit), batchSize);
  }
}
