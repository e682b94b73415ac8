import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { MetricsService } from '../../common/observability/metrics.service';

export type ReportOutcome = 'applied' | 'rejected' | 'invalid' | 'error';
export type DropReason = 'invalid_topic' | 'malformed_json' | 'invalid_report' | 'rejected' | 'error';

/** Prometheus counters of the MQTT bridge, on the application's registry. */
@Injectable()
export class MqttMetrics {
  private readonly reports: Counter<'outcome'>;
  private readonly dropped: Counter<'reason'>;
  private readonly published: Counter;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.reports = new Counter({
      name: 'ota_mqtt_reports_total',
      help: 'Device status reports received over MQTT, by outcome',
      labelNames: ['outcome'] as const,
      registers,
    });
    this.dropped = new Counter({
      name: 'ota_mqtt_reports_dropped_total',
      help: 'Device status reports received over MQTT and not applied, by reason',
      labelNames: ['reason'] as const,
      registers,
    });
    this.published = new Counter({
      name: 'ota_mqtt_commands_published_total',
      help: 'Device commands the MQTT broker acknowledged',
      registers,
    });
  }

  reportApplied(): void {
    this.reports.inc({ outcome: 'applied' });
  }

  reportDropped(reason: DropReason): void {
    const outcome: ReportOutcome = reason === 'rejected' ? 'rejected' : reason === 'error' ? 'error' : 'invalid';
    this.reports.inc({ outcome });
    this.dropped.inc({ reason });
  }

  commandsPublished(count: number): void {
    if (count > 0) this.published.inc(count);
  }
}
