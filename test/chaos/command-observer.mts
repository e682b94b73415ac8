/**
 * Watches every device command that reaches the broker, as a device fleet would receive them:
 * one MQTT 5 client subscribed to `ota/v1/devices/+/commands` (QoS 1) with a persistent session
 * (clean start off, a session expiry), so commands published while the observer reconnects after
 * the broker's restart wait for it in the broker (Mosquitto persists the session across the
 * restart). Counts each command by its `command_id` user property (the `device_commands` row id).
 */
import { randomBytes } from 'node:crypto';
import { connect, type MqttClient } from 'mqtt';

const SESSION_EXPIRY_SECONDS = 3600;

export class CommandObserver {
  /** Deliveries per command id: more than one is a re-delivery (delivery is at least once). */
  readonly deliveries = new Map<string, number>();
  /** Messages without a `command_id` user property. */
  withoutId = 0;

  private readonly client: MqttClient;

  private constructor(client: MqttClient) {
    this.client = client;
  }

  static async open(url: string): Promise<CommandObserver> {
    const client = connect(url, {
      protocolVersion: 5,
      clientId: `chaos_observer_${randomBytes(4).toString('hex')}`,
      clean: false,
      properties: { sessionExpiryInterval: SESSION_EXPIRY_SECONDS },
      reconnectPeriod: 500,
      // The session, not a re-subscription, carries the subscription across the restart.
      resubscribe: false,
    });
    client.on('error', () => undefined); // it reconnects by itself
    const observer = new CommandObserver(client);
    client.on('message', (_topic, _payload, packet) => {
      const id = packet.properties?.userProperties?.command_id;
      if (typeof id !== 'string') observer.withoutId++;
      else observer.deliveries.set(id, (observer.deliveries.get(id) ?? 0) + 1);
    });
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      setTimeout(() => reject(new Error(`the command observer could not connect to ${url}`)), 10_000).unref();
    });
    await client.subscribeAsync('ota/v1/devices/+/commands', { qos: 1 });
    return observer;
  }

  get connected(): boolean {
    return this.client.connected;
  }

  async close(): Promise<void> {
    await this.client.endAsync().catch(() => undefined);
  }
}
