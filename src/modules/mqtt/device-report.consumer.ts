import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy, Optional } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config';
import { parseDeviceReport } from './device-report';
import { DEVICE_REPORT_HANDLER, type DeviceReportHandler } from './device-report-handler';
import { deviceIdOfStatusTopic, STATUS_TOPIC_FILTER } from './device-topics';
import { MqttConnection } from './mqtt-connection';
import { type DropReason, MqttMetrics } from './mqtt.metrics';

/** Reports being handled at once; beyond it the PUBACK waits, so the broker holds the rest back. */
const MAX_IN_FLIGHT = 32;

/**
 * Consumes device status reports from `$share/<group>/ota/v1/devices/+/status` (QoS 1), so
 * replicas split them and each report is handled by one. Reports of one device are handled in
 * order, different devices concurrently. A report that cannot apply is dropped, logged and
 * counted; nothing a device sends stops the consumer.
 *
 * A report is acknowledged once accepted for handling, not once handled: a crash loses at most
 * the reports in flight, which devices repeat (each is a snapshot of their state) or send over HTTP.
 */
@Injectable()
export class DeviceReportConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('DeviceReportConsumer');
  private inFlight = 0;
  private readonly slotWaiters: (() => void)[] = [];
  /** The tail of each device's chain of reports, so one device's reports apply in order. */
  private readonly chains = new Map<string, Promise<void>>();
  private active = false;

  constructor(
    private readonly connection: MqttConnection,
    private readonly metrics: MqttMetrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(DEVICE_REPORT_HANDLER) private readonly handler?: DeviceReportHandler,
  ) {}

  /** The shared subscription: replicas in one group share the reports. */
  get filter(): string {
    return `$share/${this.config.mqtt.shareGroup}/${STATUS_TOPIC_FILTER}`;
  }

  /** True while subscribed (or subscribing again after a reconnect); false without MQTT or a handler. */
  get subscribed(): boolean {
    return this.active;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.connection.enabled) return;
    if (!this.handler) {
      this.logger.log('No device report handler registered: not consuming MQTT status reports');
      return;
    }
    this.active = true;
    await this.connection.subscribe(this.filter, 1, (topic, payload) => this.accept(topic, payload));
  }

  /** Stops taking reports and lets the ones in flight finish. */
  async onModuleDestroy(): Promise<void> {
    if (!this.active) return;
    this.active = false;
    await this.connection.unsubscribe(this.filter);
    await Promise.all([...this.chains.values()]);
  }

  /** Resolves once the report is queued for handling, which lets mqtt.js acknowledge it. */
  private async accept(topic: string, payload: Buffer): Promise<void> {
    while (this.inFlight >= MAX_IN_FLIGHT) await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
    this.inFlight++;
    const deviceId = deviceIdOfStatusTopic(topic);
    const key = deviceId ?? '';
    const previous = this.chains.get(key) ?? Promise.resolve();
    const current = previous.then(() => this.handle(topic, deviceId, payload));
    this.chains.set(key, current);
    void current.finally(() => {
      if (this.chains.get(key) === current) this.chains.delete(key);
      this.inFlight--;
      this.slotWaiters.shift()?.();
    });
  }

  /** Never throws. */
  private async handle(topic: string, deviceId: string | undefined, payload: Buffer): Promise<void> {
    if (deviceId === undefined) return this.drop('invalid_topic', `report on ${JSON.stringify(topic)}: the device id level is not a valid encoding`);
    const parsed = parseDeviceReport(payload);
    if (!parsed.ok) return this.drop(parsed.reason, `report from device ${JSON.stringify(deviceId)} dropped (${parsed.reason}): ${parsed.detail}`);
    try {
      const result = await this.handler!.handleReport(deviceId, parsed.report);
      if (result.outcome === 'applied') this.metrics.reportApplied();
      else this.drop('rejected', `report ${parsed.report.status} for update ${parsed.report.update_id} from device ${JSON.stringify(deviceId)} was rejected: ${result.reason}`);
    } catch (error) {
      this.drop('error', `report for update ${parsed.report.update_id} from device ${JSON.stringify(deviceId)} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private drop(reason: DropReason, message: string): void {
    this.metrics.reportDropped(reason);
    if (reason === 'error') this.logger.error(message);
    else this.logger.warn(message);
  }
}
