import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Global, Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { MetricsService } from '../../src/common/observability/metrics.service';
import { ObservabilityModule } from '../../src/common/observability/observability.module';
import { ConfigModule, loadConfig } from '../../src/config';
import { DatabaseModule } from '../../src/database/database.module';
import type { DeviceReport } from '../../src/modules/mqtt/device-report';
import { DEVICE_REPORT_HANDLER, type DeviceReportHandler, type DeviceReportOutcome } from '../../src/modules/mqtt/device-report-handler';
import { DeviceReportConsumer } from '../../src/modules/mqtt/device-report.consumer';
import { statusTopic } from '../../src/modules/mqtt/device-topics';
import { MqttConnection } from '../../src/modules/mqtt/mqtt-connection';
import { MqttModule } from '../../src/modules/mqtt/mqtt.module';
import { itMqtt5, openTestClient, startTestBroker, type TestBroker, type TestMqttClient } from '../utils/mqtt-broker';
import { createTestApp } from '../utils/test-app';
import { createTestDatabase, type TestDatabase } from '../utils/test-database';
import { waitFor, waitUntil } from '../utils/wait-for';

/**
 * The device report consumer against a real MQTT 5 broker, with a recording implementation of the
 * DeviceReportHandler port. The share group and device ids are unique to this run.
 */
const RUN = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const SHARE_GROUP = `ota_test_${RUN}`;

interface Received {
  deviceId: string;
  report: DeviceReport;
}

/** Records what it is given; answers per `update_id`: throws for `boom`, rejects for `reject`. */
@Injectable()
class RecordingHandler implements DeviceReportHandler {
  readonly received: Received[] = [];
  static readonly THROWS = 'b'.repeat(32);
  static readonly REJECTS = 'c'.repeat(32);

  async handleReport(deviceId: string, report: DeviceReport): Promise<DeviceReportOutcome> {
    if (!deviceId.startsWith(`mqtt-${RUN}`)) return { outcome: 'rejected', reason: 'not this run' };
    this.received.push({ deviceId, report });
    if (report.update_id === RecordingHandler.THROWS) throw new Error('the database went away');
    return report.update_id === RecordingHandler.REJECTS ? { outcome: 'rejected', reason: 'update/terminal' } : { outcome: 'applied' };
  }
}

@Global()
@Module({ providers: [RecordingHandler, { provide: DEVICE_REPORT_HANDLER, useExisting: RecordingHandler }], exports: [DEVICE_REPORT_HANDLER] })
class RecordingHandlerModule {}

interface Consumer {
  context: INestApplicationContext;
  handler: RecordingHandler;
  /** Stops the replica; calling it again waits for the same stop. */
  close(): Promise<void>;
}

/** One service instance's MQTT bridge with the recording handler, as a replica would run it. */
async function startConsumer(database: TestDatabase, brokerUrl: string): Promise<Consumer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ota-test-data-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: database.url,
    MIGRATE_ON_START: 'false',
    DATA_DIR: dataDir,
    SCHEDULER_ENABLED: 'false',
    MQTT_URL: brokerUrl,
    MQTT_SHARE_GROUP: SHARE_GROUP,
  } as NodeJS.ProcessEnv);
  @Module({ imports: [ConfigModule.forRoot(config), ObservabilityModule, ScheduleModule.forRoot(), DatabaseModule, RecordingHandlerModule, MqttModule] })
  class ConsumerTestModule {}
  const context = await NestFactory.createApplicationContext(ConsumerTestModule, { logger: false });
  await context.init();
  const connection = context.get(MqttConnection);
  const consumer = context.get(DeviceReportConsumer);
  await waitUntil('the consumer to connect and subscribe', () => connection.connected && consumer.subscribed);
  let closing: Promise<void> | undefined;
  return {
    context,
    handler: context.get(RecordingHandler),
    close: () =>
      (closing ??= (async () => {
        await context.close();
        rmSync(dataDir, { recursive: true, force: true });
      })()),
  };
}

async function counter(context: INestApplicationContext, name: string): Promise<Record<string, number>> {
  const metric = await context.get(MetricsService).registry.getSingleMetric(name)!.get();
  return Object.fromEntries(metric.values.map((v) => [String(Object.values(v.labels)[0] ?? ''), v.value]));
}

const deviceId = (name: string) => `mqtt-${RUN}-${name}`;
const updateId = (n: number) => n.toString(16).padStart(32, '0');

let broker: TestBroker;
let device: TestMqttClient;
let database: TestDatabase;

beforeAll(async () => {
  broker = await startTestBroker();
  if (!broker.mqtt5) {
    process.stdout.write(`mqtt-reports.spec: the ${broker.kind} broker lacks MQTT 5 shared subscriptions, so the MQTT tests are skipped\n`);
    return;
  }
  device = await openTestClient(broker);
  database = await createTestDatabase();
}, 30_000);
afterAll(async () => {
  await device?.close();
  await database?.drop();
  await broker?.close();
});

function publishReport(id: string, body: unknown): Promise<unknown> {
  return device.client.publishAsync(statusTopic(id), typeof body === 'string' ? body : JSON.stringify(body), { qos: 1 });
}

describe('device report consumer', () => {
  let one: Consumer;
  beforeAll(async () => {
    if (broker.mqtt5) one = await startConsumer(database, broker.url);
  }, 60_000);
  afterAll(() => one?.close());

  itMqtt5('hands valid reports to the handler in order, with the decoded device id and the parsed report', async () => {
    const id = `${deviceId('valid')}/sub`;
    await publishReport(id, { update_id: updateId(1), status: 'downloading', progress_percentage: 10, bytes_downloaded: 100, error_code: null, extra: 1 });
    await publishReport(id, { update_id: updateId(1), status: 'completed', firmware_version: '2.0.0' });
    const got = await waitFor('two reports', () => one.handler.received.filter((r) => r.deviceId === id), (r) => r.length >= 2);
    expect(got).toEqual([
      { deviceId: id, report: { update_id: updateId(1), status: 'downloading', progress_percentage: 10, bytes_downloaded: 100 } },
      { deviceId: id, report: { update_id: updateId(1), status: 'completed', firmware_version: '2.0.0' } },
    ]);
    expect((await counter(one.context, 'ota_mqtt_reports_total')).applied).toBeGreaterThanOrEqual(2);
  });

  itMqtt5('drops malformed, wrongly shaped and wrongly addressed reports, counts them, and keeps consuming', async () => {
    const id = deviceId('bad');
    const droppedBefore = await counter(one.context, 'ota_mqtt_reports_dropped_total');
    await publishReport(id, '{"update_id": ');
    await publishReport(id, { update_id: updateId(2), status: 'scheduled' });
    await publishReport(id, { status: 'completed' });
    await device.client.publishAsync(`ota/v1/devices/${deviceId('bad')}%zz/status`, JSON.stringify({ update_id: updateId(2), status: 'completed' }), { qos: 1 });
    await publishReport(id, { update_id: updateId(3), status: 'installing' });

    const got = await waitFor('the valid report after the bad ones', () => one.handler.received.filter((r) => r.deviceId === id), (r) => r.length >= 1);
    expect(got).toEqual([{ deviceId: id, report: { update_id: updateId(3), status: 'installing' } }]);
    const dropped = await counter(one.context, 'ota_mqtt_reports_dropped_total');
    const delta = (reason: string) => (dropped[reason] ?? 0) - (droppedBefore[reason] ?? 0);
    expect(delta('malformed_json')).toBe(1);
    expect(delta('invalid_report')).toBe(2);
    expect(delta('invalid_topic')).toBe(1);
  });

  itMqtt5('a handler that throws or rejects does not stop later reports', async () => {
    const id = deviceId('handler-errors');
    const before = await counter(one.context, 'ota_mqtt_reports_dropped_total');
    await publishReport(id, { update_id: RecordingHandler.THROWS, status: 'downloading' });
    await publishReport(id, { update_id: RecordingHandler.REJECTS, status: 'downloading' });
    await publishReport(id, { update_id: updateId(4), status: 'verifying' });

    const got = await waitFor('three reports', () => one.handler.received.filter((r) => r.deviceId === id), (r) => r.length >= 3);
    expect(got.map((r) => r.report.update_id)).toEqual([RecordingHandler.THROWS, RecordingHandler.REJECTS, updateId(4)]);
    const after = await counter(one.context, 'ota_mqtt_reports_dropped_total');
    expect((after.error ?? 0) - (before.error ?? 0)).toBe(1);
    expect((after.rejected ?? 0) - (before.rejected ?? 0)).toBe(1);
    expect(one.context.get(DeviceReportConsumer).subscribed).toBe(true);
  });
});

describe('two replicas in one share group', () => {
  itMqtt5('each report reaches exactly one of them', async () => {
    const a = await startConsumer(database, broker.url);
    const b = await startConsumer(database, broker.url);
    try {
      const ids = Array.from({ length: 40 }, (_, i) => deviceId(`shared-${i}`));
      for (const [i, id] of ids.entries()) await publishReport(id, { update_id: updateId(100 + i), status: 'downloading' });

      const mine = (c: Consumer) => c.handler.received.filter((r) => r.deviceId.startsWith(deviceId('shared-')));
      await waitFor('40 reports across both replicas', () => mine(a).length + mine(b).length, (n) => n >= 40);
      // Closing ends both sessions after their acknowledgements: what they handled is final, and a
      // report handled twice would show as a duplicate. How the broker splits them is its business.
      await Promise.all([a.close(), b.close()]);
      expect([...mine(a), ...mine(b)].map((r) => r.deviceId).sort()).toEqual([...ids].sort());
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  }, 90_000);
});

describe('the whole service', () => {
  // The device API provides DEVICE_REPORT_HANDLER, so the full application always consumes reports.
  itMqtt5('connects for commands and subscribes to reports through the device API handler', async () => {
    const t = await createTestApp({ env: { MQTT_URL: broker.url, MQTT_SHARE_GROUP: `${SHARE_GROUP}_app` } });
    try {
      await waitUntil('mqtt up', () => t.app.get(MqttConnection).connected);
      expect(t.app.get(DeviceReportConsumer).subscribed).toBe(true);
      const res = await t.request({ method: 'GET', url: '/health/detailed' });
      expect(res.json().checks.mqtt).toMatchObject({ status: 'up', consuming_reports: true });
    } finally {
      await t.close();
    }
  });
});
