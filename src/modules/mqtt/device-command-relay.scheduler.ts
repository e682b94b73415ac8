import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { APP_CONFIG, type AppConfig } from '../../config';
import { DeviceCommandRelay } from './device-command-relay';
import { MqttConnection } from './mqtt-connection';

const PURGE_INTERVAL_MS = 10 * 60_000;

/** Only triggers: the relay's work is idempotent and driven by the `device_commands` table. */
@Injectable()
export class DeviceCommandRelayScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger('DeviceCommandRelayScheduler');

  constructor(
    private readonly relay: DeviceCommandRelay,
    private readonly connection: MqttConnection,
    private readonly registry: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.scheduler.enabled) return;
    // Commands are purged with MQTT off too, or the table would only grow.
    this.every('device-command-purge', PURGE_INTERVAL_MS, () => this.relay.purge());
    if (!this.connection.enabled) {
      this.logger.log('No MQTT_URL: devices learn of their updates at check-in; device commands are not published');
      return;
    }
    this.every('device-command-relay', this.config.events.relayIntervalMs, () => this.relay.relayPending());
    // What waited during an outage goes out as soon as the broker is back.
    this.connection.onConnect(() => this.run('device-command-relay', () => this.relay.relayPending()));
  }

  private every(name: string, ms: number, work: () => Promise<unknown>): void {
    this.registry.addInterval(name, setInterval(() => this.run(name, work), ms));
  }

  private run(name: string, work: () => Promise<unknown>): void {
    work().catch((error: unknown) => this.logger.error(`${name} failed: ${error instanceof Error ? error.message : String(error)}`));
  }
}
