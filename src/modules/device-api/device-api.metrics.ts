import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { MetricsService } from '../../common/observability/metrics.service';

export type CheckInResult = 'update' | 'none' | 'not_modified';
/** Where a check-in's answer came from: remembered by this replica (`CheckInAnswers`) or read. */
export type CheckInSource = 'memory' | 'database';
export type ReportTransport = 'http' | 'mqtt';
/** `applied`; `rejected` (the state machine or ownership refused it); `error` (anything else). */
export type ReportOutcome = 'applied' | 'rejected' | 'error';

/** Counters of the device protocol (rates per second come from `rate()` in Prometheus). */
@Injectable()
export class DeviceApiMetrics {
  private readonly checkIns: Counter<'result'>;
  private readonly checkInSources: Counter<'source'>;
  private readonly reports: Counter<'transport' | 'outcome'>;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.checkIns = new Counter({
      name: 'ota_device_checkins_total',
      help: 'Device check-ins, by result: an update handed out, none, or not modified (304)',
      labelNames: ['result'] as const,
      registers,
    });
    this.checkInSources = new Counter({
      name: 'ota_device_checkin_answers_total',
      help: 'Device check-in answers, by source: remembered by this replica (memory) or read (database)',
      labelNames: ['source'] as const,
      registers,
    });
    this.reports = new Counter({
      name: 'ota_device_reports_total',
      help: 'Device status reports, by transport and outcome',
      labelNames: ['transport', 'outcome'] as const,
      registers,
    });
  }

  checkIn(result: CheckInResult, source: CheckInSource): void {
    this.checkIns.inc({ result });
    this.checkInSources.inc({ source });
  }

  report(transport: ReportTransport, outcome: ReportOutcome): void {
    this.reports.inc({ transport, outcome });
  }
}
