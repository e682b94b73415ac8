import { connect, type MqttClient } from 'mqtt';
import type { StatusReport } from './api-client';

/**
 * A command the service publishes to `ota/v1/devices/{device_id}/commands`: `update_available`
 * (released, with its `kind` and `activation`), `update_cancelled`, or `activate` (blue-green: the
 * campaign switched, the staged update is to be activated now).
 */
export interface DeviceCommand {
  type: 'update_available' | 'update_cancelled' | 'activate' | string;
  update_id: string;
  kind?: string;
  [key: string]: unknown;
}

/*
 * The topic rule of the public device protocol, written out here as any device implementer does
 * (the simulator imports nothing from the service): the device id is one topic level, with `%`,
 * `/`, `+` and `#` percent-encoded.
 */
const TOPIC_ROOT = 'ota/v1/devices';
const ENCODED: Record<string, string> = { '%': '%25', '/': '%2F', '+': '%2B', '#': '%23' };

function deviceLevel(deviceId: string): string {
  return deviceId.replace(/[%/+#]/g, (char) => ENCODED[char]);
}

function commandTopic(deviceId: string): string {
  return `${TOPIC_ROOT}/${deviceLevel(deviceId)}/commands`;
}

function statusTopic(deviceId: string): string {
  return `${TOPIC_ROOT}/${deviceLevel(deviceId)}/status`;
}

/**
 * The simulated fleet's MQTT side: a few broker connections shared by the devices (a real
 * device has its own; thousands of sockets would measure the broker rather than the service),
 * each device subscribed to its own commands topic and publishing its reports (QoS 1).
 */
export class MqttLink {
  private readonly clients: MqttClient[] = [];
  private readonly handlers = new Map<string, (command: DeviceCommand) => void>();
  /** Commands that could not be parsed or named no known device. */
  malformed = 0;
  commandsReceived = 0;
  reportsPublished = 0;

  private constructor() {}

  static async open(url: string, connections: number, clientIdPrefix: string): Promise<MqttLink> {
    const link = new MqttLink();
    for (let i = 0; i < connections; i++) {
      const client = connect(url, {
        protocolVersion: 5,
        clientId: `${clientIdPrefix}${process.pid}-${i}`,
        clean: true,
        reconnectPeriod: 1000,
        connectTimeout: 10_000,
      });
      link.clients.push(client);
      client.on('message', (topic, payload) => link.dispatch(topic, payload));
      client.on('error', () => undefined); // reconnects by itself; failed publishes surface as errors of the device
    }
    await Promise.all(
      link.clients.map(
        (client) =>
          new Promise<void>((resolve, reject) => {
            if (client.connected) return resolve();
            const timer = setTimeout(() => reject(new Error(`MQTT: no connection to ${url} within 10 s`)), 10_000);
            client.once('connect', () => {
              clearTimeout(timer);
              resolve();
            });
          }),
      ),
    );
    return link;
  }

  private clientOf(deviceIndex: number): MqttClient {
    return this.clients[deviceIndex % this.clients.length];
  }

  /** Subscribes the device to its commands topic; `onCommand` gets each command. */
  async subscribe(deviceIndex: number, deviceId: string, onCommand: (command: DeviceCommand) => void): Promise<void> {
    const topic = commandTopic(deviceId);
    this.handlers.set(topic, onCommand);
    const granted = await this.clientOf(deviceIndex).subscribeAsync(topic, { qos: 1 });
    if (granted.some((grant) => grant.qos > 2)) throw new Error(`MQTT: the broker refused the subscription to ${topic}`);
  }

  /** Publishes a status report (the HTTP report plus `update_id`), waiting for the broker's PUBACK. */
  async report(deviceIndex: number, deviceId: string, updateId: string, report: StatusReport): Promise<void> {
    await this.clientOf(deviceIndex).publishAsync(statusTopic(deviceId), JSON.stringify({ update_id: updateId, ...report }), { qos: 1 });
    this.reportsPublished++;
  }

  private dispatch(topic: string, payload: Buffer): void {
    const handler = this.handlers.get(topic);
    let command: DeviceCommand | undefined;
    try {
      command = JSON.parse(payload.toString('utf8')) as DeviceCommand;
    } catch {
      command = undefined;
    }
    if (handler === undefined || command === undefined || typeof command.update_id !== 'string') {
      this.malformed++;
      return;
    }
    this.commandsReceived++;
    handler(command);
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((client) => client.endAsync().catch(() => undefined)));
  }
}
