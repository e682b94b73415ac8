import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { findFreePort } from '../../src/database/embedded/free-port';
import { waitUntil } from './wait-for';

/**
 * An MQTT broker for tests, in order of preference:
 * - `MQTT_URL` when set (CI: the machine's Mosquitto);
 * - a private Mosquitto started from the `mosquitto` binary on a free loopback port;
 * - an in-process aedes. aedes speaks MQTT 3.1.1 only, without shared subscriptions, while the
 *   service speaks MQTT 5, so `mqtt5` is false and the tests that need it are skipped.
 */
export interface TestBroker {
  readonly kind: 'external' | 'mosquitto' | 'aedes';
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** True when the broker speaks MQTT 5 with shared subscriptions. */
  readonly mqtt5: boolean;
  close(): Promise<void>;
}

const mosquittoOnPath = spawnSync('mosquitto', ['-h'], { stdio: 'ignore' }).error === undefined;

/** Whether {@link startTestBroker} will give an MQTT 5 broker; known before any test is declared. */
export const BROKER_SPEAKS_MQTT5 = process.env.MQTT_URL !== undefined || mosquittoOnPath;

/**
 * `it` for tests that need the service's MQTT 5 bridge: skipped, and reported as skipped, when only
 * aedes is there.
 */
export const itMqtt5: jest.It = BROKER_SPEAKS_MQTT5 ? it : it.skip;

export async function startTestBroker(): Promise<TestBroker> {
  const external = process.env.MQTT_URL;
  if (external) {
    const url = new URL(external);
    return { kind: 'external', url: external, host: url.hostname, port: Number(url.port || 1883), mqtt5: true, close: async () => undefined };
  }
  if (mosquittoOnPath) return startMosquitto();
  return startAedes();
}

async function startMosquitto(): Promise<TestBroker> {
  const port = await findFreePort();
  const dir = mkdtempSync(join(tmpdir(), 'ota-test-mosquitto-'));
  const configFile = join(dir, 'mosquitto.conf');
  writeFileSync(configFile, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\n`);
  const child: ChildProcess = spawn('mosquitto', ['-c', configFile], { stdio: 'ignore' });
  let exited = false;
  child.once('exit', () => (exited = true));
  try {
    await waitUntil(`mosquitto to listen on port ${port}`, async () => exited || (await accepts(port)), { timeoutMs: 10_000 });
    if (exited) throw new Error('mosquitto exited');
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`mosquitto did not start on port ${port}`, { cause: error });
  }
  return {
    kind: 'mosquitto',
    url: `mqtt://127.0.0.1:${port}`,
    host: '127.0.0.1',
    port,
    mqtt5: true,
    close: async () => {
      if (!exited) {
        const gone = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await gone;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function startAedes(): Promise<TestBroker> {
  const { Aedes } = await import('aedes');
  const broker = await Aedes.createBroker();
  const server: Server = createServer(broker.handle as (socket: unknown) => void);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    kind: 'aedes',
    url: `mqtt://127.0.0.1:${port}`,
    host: '127.0.0.1',
    port,
    mqtt5: false,
    close: async () => {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** One message as a test client received it. */
export interface ReceivedMessage {
  topic: string;
  payload: unknown;
  qos: number;
  retain: boolean;
  contentType: string | undefined;
  userProperties: Record<string, string | string[]> | undefined;
}

export interface TestMqttClient {
  readonly client: MqttClient;
  readonly received: ReceivedMessage[];
  close(): Promise<void>;
}

/** The test's own MQTT 5 client (a stand-in for devices), subscribed to `filters`. */
export async function openTestClient(broker: TestBroker, filters: string[] = []): Promise<TestMqttClient> {
  const client = await connectAsync(broker.url, { protocolVersion: 5, clean: true, reconnectPeriod: 0, clientId: `ota_test_${randomBytes(6).toString('hex')}` });
  const received: ReceivedMessage[] = [];
  client.on('message', (topic, payload, packet) => {
    let body: unknown;
    try {
      body = JSON.parse(payload.toString('utf8'));
    } catch {
      body = payload.toString('utf8');
    }
    received.push({
      topic,
      payload: body,
      qos: packet.qos,
      retain: packet.retain,
      contentType: packet.properties?.contentType,
      userProperties: packet.properties?.userProperties,
    });
  });
  if (filters.length > 0) await client.subscribeAsync(filters, { qos: 1 });
  return { client, received, close: () => client.endAsync(true) };
}
