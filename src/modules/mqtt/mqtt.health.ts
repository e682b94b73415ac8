import { Injectable } from '@nestjs/common';
import { type DependencyHealth, type DependencyHealthCheck, HealthIndicator } from '../../common/health/health-indicator';
import { DeviceCommandRelay } from './device-command-relay';
import { DeviceCommandRepository } from './device-command.repository';
import { DeviceReportConsumer } from './device-report.consumer';
import { MqttConnection } from './mqtt-connection';

/** The broker connection plus the command backlog, which grows while the broker is away. */
@Injectable()
@HealthIndicator({ name: 'mqtt', critical: false })
export class MqttHealthIndicator implements DependencyHealthCheck {
  constructor(
    private readonly connection: MqttConnection,
    private readonly repository: DeviceCommandRepository,
    private readonly relay: DeviceCommandRelay,
    private readonly consumer: DeviceReportConsumer,
  ) {}

  async check(): Promise<DependencyHealth> {
    const health = this.connection.health();
    if (health.status === 'disabled') return health;
    const backlog = await this.repository.backlog();
    return {
      ...health,
      consuming_reports: this.consumer.subscribed,
      pending_commands: backlog.pending,
      oldest_pending_age_seconds: backlog.oldestCreatedAt ? Math.round((Date.now() - backlog.oldestCreatedAt.getTime()) / 1000) : null,
      last_relay_at: this.relay.lastRun?.toISOString() ?? null,
      last_relay_error: this.relay.lastError ?? null,
    };
  }
}
