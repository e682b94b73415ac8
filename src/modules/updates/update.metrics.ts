import { Injectable, Logger } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { MetricsService } from '../../common/observability/metrics.service';
import type { DeviceUpdate } from '../../generated/prisma/client';
import { RELEASED_STATUSES } from './domain/update-state';
import { UpdatesRepository } from './updates.repository';

/**
 * Prometheus metrics of device updates, on the application's registry: updates reaching a final
 * state, how long completed ones took (started → completed), and the updates in flight.
 *
 * Finishes are counted when the finishing statement runs, inside its transaction: a transaction
 * that then rolls back (rare: a lost race) is counted anyway. The in-flight gauge is read from
 * the database at scrape time (one grouped count over the rows of the partial index of unfinished
 * updates, so it costs what is in flight, not the table), which keeps it right across replicas.
 */
@Injectable()
export class UpdateMetrics {
  private readonly logger = new Logger('UpdateMetrics');
  private readonly finishedTotal: Counter<'status'>;
  private readonly duration: Histogram;

  constructor(metrics: MetricsService, repository: UpdatesRepository) {
    const registers = [metrics.registry];
    const logger = this.logger;
    this.finishedTotal = new Counter({
      name: 'ota_updates_finished_total',
      help: 'Device updates that reached a final state, by that state',
      labelNames: ['status'] as const,
      registers,
    });
    this.duration = new Histogram({
      name: 'ota_update_duration_seconds',
      help: 'Time from the device starting an update to its completion',
      buckets: [10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 21600],
      registers,
    });
    new Gauge({
      name: 'ota_updates_in_flight',
      help: 'Device updates released and not finished, by status (all organizations; read at scrape time)',
      labelNames: ['status'] as const,
      registers,
      async collect() {
        try {
          const counts = new Map((await repository.countReleasedByStatus()).map((row) => [row.status, row.count]));
          for (const status of RELEASED_STATUSES) this.set({ status }, counts.get(status) ?? 0);
        } catch (error) {
          // A scrape must not fail because the database is down; the last values stay.
          logger.warn(`Cannot count updates in flight: ${error instanceof Error ? error.message : String(error)}`);
        }
      },
    });
  }

  /** An update reached a final state (completed, failed, cancelled). */
  finished(row: Pick<DeviceUpdate, 'status' | 'startedAt' | 'completedAt'>): void {
    this.finishedTotal.inc({ status: row.status });
    if (row.status === 'completed' && row.startedAt !== null && row.completedAt !== null) {
      this.duration.observe(Math.max(0, (row.completedAt.getTime() - row.startedAt.getTime()) / 1000));
    }
  }
}
