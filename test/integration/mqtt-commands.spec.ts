import { randomBytes, randomUUID } from 'node:crypto';
import { connect } from 'mqtt';
import { MetricsService } from '../../src/common/observability/metrics.service';
import { PrismaService } from '../../src/database/prisma.service';
import { type CommandRelayResult, DeviceCommandRelay } from '../../src/modules/mqtt/device-command-relay';
import { RECONNECT_PERIOD_MS } from '../../src/modules/mqtt/mqtt-connection';
import { itMqtt5, openTestClient, type ReceivedMessage, startTestBroker, type TestBroker, type TestMqttClient } from '../utils/mqtt-broker';
import { startTcpProxy } from '../utils/tcp-proxy';
import { createTestApp, type TestApp } from '../utils/test-app';
import { waitFor } from '../utils/wait-for';

/**
 * The device command relay against real PostgreSQL and a real MQTT 5 broker (MQTT_URL, else a
 * private Mosquitto). Device ids carry this run's prefix, so runs sharing a broker ignore each
 * other's commands.
 */
const RUN = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const COMMANDS = 'ota/v1/devices/+/commands';

let broker: TestBroker;
let devices: TestMqttClient;

beforeAll(async () => {
  broker = await startTestBroker();
  if (!broker.mqtt5) process.stdout.write(`mqtt-commands.spec: the ${broker.kind} broker lacks MQTT 5, so the MQTT tests are skipped\n`);
  else devices = await openTestClient(broker, [COMMANDS]);
}, 30_000);
afterAll(async () => {
  await devices?.close();
  await broker?.close();
});

// ---------------------------------------------------------------------------------------------
// Factories and helpers
// ---------------------------------------------------------------------------------------------

const deviceId = (name: string): string => `mqtt-${RUN}-${name}`;

interface CommandRow {
  id: string;
  deviceId: string;
  payload: { type: string; update_id: string; sequence: number };
}

/** Writes commands as the updates module does (plain rows), created in order a millisecond apart. */
async function insertCommands(t: TestApp, ids: string[], type = 'update.released'): Promise<CommandRow[]> {
  const rows = ids.map((device, sequence) => ({
    id: randomUUID(),
    deviceId: device,
    payload: { type, update_id: randomBytes(16).toString('hex'), sequence },
  }));
  const prisma = t.app.get(PrismaService);
  const base = Date.now();
  for (const [index, row] of rows.entries()) {
    await prisma.$executeRaw`
      INSERT INTO ota.device_commands (id, organization_id, device_id, payload, created_at)
      VALUES (${row.id}::uuid, 'org-a', ${row.deviceId}, ${JSON.stringify(row.payload)}::jsonb, ${new Date(base + index)})`;
  }
  return rows;
}

function commandRows(t: TestApp) {
  return t.app.get(PrismaService).deviceCommand.findMany({ orderBy: { sequence: 'asc' } });
}

async function pendingCount(t: TestApp): Promise<number> {
  return t.app.get(PrismaService).deviceCommand.count({ where: { publishedAt: null } });
}

async function makePendingDue(t: TestApp): Promise<void> {
  await t.app.get(PrismaService).$executeRaw`UPDATE ota.device_commands SET next_attempt_at = now() WHERE published_at IS NULL`;
}

async function mqttHealth(t: TestApp): Promise<Record<string, any>> {
  const res = await t.request({ method: 'GET', url: '/health/detailed' });
  return res.json().checks.mqtt;
}

const waitForMqttStatus = (t: TestApp, status: string) => waitFor(`mqtt health "${status}"`, () => mqttHealth(t), (h) => h.status === status);

/** Messages of this test's commands, by command id. */
function receivedFor(rows: CommandRow[]): ReceivedMessage[] {
  const ids = new Set(rows.map((r) => r.id));
  return devices.received.filter((m) => ids.has(String(m.userProperties?.command_id)));
}

function waitForDelivery(rows: CommandRow[]): Promise<ReceivedMessage[]> {
  return waitFor(`${rows.length} commands at the device side`, () => receivedFor(rows), (got) => got.length >= rows.length);
}

/** Runs the relays concurrently, round after round, until nothing is pending, skipping the back-off between rounds. */
async function drain(t: TestApp, relays: DeviceCommandRelay[]): Promise<CommandRelayResult[]> {
  const results: CommandRelayResult[] = [];
  const round = async (): Promise<number> => {
    await makePendingDue(t);
    results.push(...(await Promise.all(relays.map((relay) => relay.relayPending()))));
    return pendingCount(t);
  };
  await waitFor('the device commands to drain', round, (pending) => pending === 0);
  return results;
}

/** Resolves once `periods` reconnect periods have passed, counted by mqtt.js's own retry timer. */
async function retryPeriodsElapsed(periods: number): Promise<void> {
  const nowhere = await startTcpProxy({ host: broker.host, port: broker.port });
  await nowhere.cut();
  const probe = connect(`mqtt://${nowhere.address}`, { protocolVersion: 5, reconnectPeriod: RECONNECT_PERIOD_MS, connectTimeout: RECONNECT_PERIOD_MS });
  probe.on('error', () => undefined);
  try {
    let attempts = 0;
    await new Promise<void>((resolve) => probe.on('reconnect', () => ++attempts === periods && resolve()));
  } finally {
    await probe.endAsync(true);
    await nowhere.close();
  }
}

const sum = (results: CommandRelayResult[], key: keyof CommandRelayResult) => results.reduce((n, r) => n + r[key], 0);

async function publishedCounter(t: TestApp): Promise<number> {
  const metric = await t.app.get(MetricsService).registry.getSingleMetric('ota_mqtt_commands_published_total')!.get();
  return metric.values.reduce((n, v) => n + v.value, 0);
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

describe('device command relay without MQTT_URL', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { MQTT_URL: undefined } });
  });
  afterAll(() => t?.close());

  it('leaves commands in the table, reports mqtt as disabled, and purges them after the retention', async () => {
    const [old, fresh] = await insertCommands(t, [deviceId('off-1'), deviceId('off-2')]);
    expect(await t.app.get(DeviceCommandRelay).relayPending()).toEqual({ published: 0, failed: 0 });
    expect((await commandRows(t)).every((r) => r.publishedAt === null && r.attempts === 0)).toBe(true);
    expect(await mqttHealth(t)).toEqual({ status: 'disabled' });

    // Never sent without MQTT: once older than the retention (72 h) the command is stale.
    await t.app.get(PrismaService).$executeRaw`UPDATE ota.device_commands SET created_at = now() - interval '73 hours' WHERE id = ${old.id}::uuid`;
    expect(await t.app.get(DeviceCommandRelay).purge()).toBe(1);
    expect((await commandRows(t)).map((r) => r.id)).toEqual([fresh.id]);
  });
});

describe('device command relay over MQTT', () => {
  let t: TestApp;
  beforeAll(async () => {
    if (!broker.mqtt5) return;
    t = await createTestApp({ env: { MQTT_URL: broker.url } });
    await waitForMqttStatus(t, 'up');
  }, 60_000);
  afterAll(() => t?.close());
  beforeEach(async () => {
    if (t) await t.app.get(PrismaService).deviceCommand.deleteMany();
  });

  itMqtt5('publishes each command to its device topic with QoS 1, not retained, as JSON, and marks it published', async () => {
    const ids = [deviceId('plain'), `${deviceId('slash')}/sub+x#%`, deviceId('plain')];
    const rows = await insertCommands(t, ids);
    const before = await publishedCounter(t);

    expect(await t.app.get(DeviceCommandRelay).relayPending()).toEqual({ published: 3, failed: 0 });

    const received = await waitForDelivery(rows);
    expect(received).toEqual(
      rows.map((row) => ({
        topic: row.deviceId.includes('/') ? `ota/v1/devices/${deviceId('slash')}%2Fsub%2Bx%23%25/commands` : `ota/v1/devices/${row.deviceId}/commands`,
        payload: row.payload,
        qos: 1,
        retain: false,
        contentType: 'application/json',
        userProperties: { command_id: row.id },
      })),
    );
    const stored = await commandRows(t);
    expect(stored.map((r) => r.id)).toEqual(rows.map((r) => r.id));
    for (const row of stored) expect(row).toMatchObject({ publishedAt: expect.any(Date), attempts: 1, lastError: null });
    expect((await publishedCounter(t)) - before).toBe(3);
    // Nothing left: another run publishes nothing again.
    expect(await t.app.get(DeviceCommandRelay).relayPending()).toEqual({ published: 0, failed: 0 });
    expect(await mqttHealth(t)).toMatchObject({ status: 'up', pending_commands: 0, last_relay_error: null });
  });

  itMqtt5('purges published commands older than the retention and keeps unpublished ones', async () => {
    const prisma = t.app.get(PrismaService);
    const [oldPublished, recentPublished, oldPending] = await insertCommands(t, [deviceId('p1'), deviceId('p2'), deviceId('p3')]);
    await prisma.$executeRaw`UPDATE ota.device_commands SET published_at = now() - interval '73 hours' WHERE id = ${oldPublished.id}::uuid`;
    await prisma.$executeRaw`UPDATE ota.device_commands SET published_at = now() - interval '71 hours' WHERE id = ${recentPublished.id}::uuid`;
    await prisma.$executeRaw`UPDATE ota.device_commands SET created_at = now() - interval '100 hours', next_attempt_at = now() + interval '1 hour' WHERE id = ${oldPending.id}::uuid`;

    expect(await t.app.get(DeviceCommandRelay).purge()).toBe(1);
    expect((await commandRows(t)).map((r) => r.id).sort()).toEqual([recentPublished.id, oldPending.id].sort());
  });

  itMqtt5('two relays on one database publish every command once', async () => {
    const env = { MQTT_URL: broker.url, OUTBOX_BATCH_SIZE: '10' };
    const a = await createTestApp({ env });
    const b = await createTestApp({ env, database: a.database });
    try {
      await waitForMqttStatus(a, 'up');
      await waitForMqttStatus(b, 'up');
      const rows = await insertCommands(a, Array.from({ length: 200 }, (_, i) => deviceId(`replica-${i % 20}`)));

      const results = await drain(a, [a.app.get(DeviceCommandRelay), b.app.get(DeviceCommandRelay)]);
      const [fromA, fromB] = [results.filter((_, i) => i % 2 === 0), results.filter((_, i) => i % 2 === 1)];
      expect(sum(results, 'published')).toBe(200);
      expect(sum(results, 'failed')).toBe(0);
      expect(sum(fromA, 'published')).toBeGreaterThan(0);
      expect(sum(fromB, 'published')).toBeGreaterThan(0);

      const received = await waitForDelivery(rows);
      const counts = new Map<string, number>();
      for (const m of received) counts.set(String(m.userProperties?.command_id), (counts.get(String(m.userProperties?.command_id)) ?? 0) + 1);
      expect(counts.size).toBe(200);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
      expect((await commandRows(a)).filter((r) => r.attempts !== 1 || r.publishedAt === null)).toEqual([]);
    } finally {
      await b.close();
      await a.close();
    }
  }, 120_000);

  itMqtt5('a broker outage delays commands and loses none: they stay in the table and all go out once it is back', async () => {
    const proxy = await startTcpProxy({ host: broker.host, port: broker.port });
    // Credentials in the URL and in MQTT_PASSWORD must never show in health.
    const p = await createTestApp({
      env: { MQTT_URL: `mqtt://svc:url-secret@${proxy.address}`, MQTT_USERNAME: 'svc', MQTT_PASSWORD: 'env-secret' },
    });
    try {
      const up = await waitForMqttStatus(p, 'up');
      expect(up).toMatchObject({ broker: `mqtt://${proxy.address}`, client_id: expect.stringMatching(/^ota_service_[0-9a-f]{16}$/) });
      const relay = p.app.get(DeviceCommandRelay);
      const beforeOutage = await insertCommands(p, [deviceId('outage-1'), deviceId('outage-2')]);
      expect(await relay.relayPending()).toEqual({ published: 2, failed: 0 });
      await waitForDelivery(beforeOutage);

      await proxy.cut();
      const down = await waitForMqttStatus(p, 'down');
      expect(JSON.stringify(down)).not.toMatch(/secret/);
      const duringOutage = await insertCommands(p, Array.from({ length: 15 }, (_, i) => deviceId(`outage-late-${i}`)));
      const attempted = await relay.relayPending();
      expect(attempted.published).toBe(0);
      expect(attempted.failed).toBeGreaterThan(0);
      for (const row of (await commandRows(p)).filter((r) => duringOutage.some((d) => d.id === r.id))) {
        expect(row.publishedAt).toBeNull();
      }
      const health = await mqttHealth(p);
      expect(health).toMatchObject({ status: 'down', pending_commands: 15, last_relay_error: expect.any(String), error: expect.any(String) });
      expect(JSON.stringify(health)).not.toMatch(/secret/);
      expect(receivedFor(duringOutage)).toEqual([]);

      await proxy.restore();
      await waitForMqttStatus(p, 'up');
      const results = await drain(p, [relay]);
      expect(sum(results, 'published')).toBe(15);

      const received = await waitForDelivery(duringOutage);
      expect(received.map((m) => m.userProperties?.command_id).sort()).toEqual(duringOutage.map((r) => r.id).sort());
      // Each command once at the device, each row published once.
      expect(receivedFor(beforeOutage)).toHaveLength(2);
      const rows = await commandRows(p);
      expect(rows).toHaveLength(17);
      expect(rows.every((r) => r.publishedAt !== null && r.lastError === null)).toBe(true);
      expect(await mqttHealth(p)).toMatchObject({ status: 'up', pending_commands: 0, last_relay_error: null });
    } finally {
      await p.close();
      await proxy.close();
    }
  }, 120_000);

  itMqtt5('starts while the broker is unreachable, connects once it is there, and stops reconnecting once closed', async () => {
    const proxy = await startTcpProxy({ host: broker.host, port: broker.port });
    await proxy.cut();
    let p: TestApp | undefined;
    try {
      // Start-up does not wait for the broker.
      p = await createTestApp({ env: { MQTT_URL: `mqtt://${proxy.address}` } });
      expect(await mqttHealth(p)).toMatchObject({ status: 'down', error: expect.any(String) });
      const overall = await p.request({ method: 'GET', url: '/health/detailed' });
      // MQTT is not critical: the service is degraded, not unavailable.
      expect(overall.statusCode).toBe(200);
      expect(overall.json().status).toBe('degraded');

      await proxy.restore();
      await waitForMqttStatus(p, 'up');
      await p.close();
      p = undefined;
      const accepted = proxy.accepted;
      // A reconnect the service had scheduled before closing fires within one reconnect period;
      // an mqtt.js client started now, retrying an unreachable broker, measures two of them.
      await retryPeriodsElapsed(2);
      expect(proxy.accepted).toBe(accepted);
      expect(proxy.open).toBe(0);
    } finally {
      await p?.close();
      await proxy.close();
    }
  }, 60_000);
});
