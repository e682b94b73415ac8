import { Injectable, Logger } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { MetricsService } from '../../common/observability/metrics.service';
import { CampaignsRepository } from '../campaigns/campaigns.repository';
import { CAMPAIGN_STATUSES } from '../campaigns/domain/campaign-state';

/**
 * Prometheus metrics of the rollout: campaigns by status (all organizations, read at scrape time
 * from the small campaigns table), updates released by kind, and how long ticks take.
 */
@Injectable()
export class RolloutMetrics {
  private readonly logger = new Logger('RolloutMetrics');
  private readonly releases: Counter<'kind'>;
  private readonly tickDuration: Histogram;

  constructor(metrics: MetricsService, campaigns: CampaignsRepository) {
    const registers = [metrics.registry];
    const logger = this.logger;
    this.releases = new Counter({ name: 'ota_rollout_releases_total', help: 'Campaign updates released to devices, by kind (update, rollback)', labelNames: ['kind'] as const, registers });
    this.tickDuration = new Histogram({
      name: 'ota_rollout_tick_duration_seconds',
      help: 'Time one rollout tick took on this replica, over every campaign it worked on',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    new Gauge({
      name: 'ota_campaigns',
      help: 'Campaigns by status (all organizations; read at scrape time)',
      labelNames: ['status'] as const,
      registers,
      async collect() {
        try {
          const counts = await campaigns.countByStatus();
          for (const status of CAMPAIGN_STATUSES) this.set({ status }, counts.get(status) ?? 0);
        } catch (error) {
          // A scrape must not fail because the database is down; the last values stay.
          logger.warn(`Cannot count campaigns: ${error instanceof Error ? error.message : String(error)}`);
        }
      },
    });
  }

  released(kind: 'update' | 'rollback', count: number): void {
    this.releases.inc({ kind }, count);
  }

  /** Starts timing a tick; call the answer when it ends. */
  tickStarted(): () => void {
    return this.tickDuration.startTimer();
  }
}
