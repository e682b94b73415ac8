import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { connect, type IClientPublishOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import type { DependencyHealth } from '../../common/health/health-indicator';
import { APP_CONFIG, type AppConfig } from '../../config';

/** The pause mqtt.js makes between two connection attempts. */
export const RECONNECT_PERIOD_MS = 1_000;
const CONNECT_TIMEOUT_MS = 5_000;
/** A PUBACK that takes longer than this counts as a failed publish; the row is sent again later. */
const PUBLISH_TIMEOUT_MS = 10_000;
const SHUTDOWN_GRACE_MS = 2_000;

/** Receives every message of the subscriptions; PUBACK (and the next message) waits for it. */
export type MessageListener = (topic: string, payload: Buffer, packet: IPublishPacket) => Promise<void>;

/**
 * The service's one MQTT 5 connection, shared by the command relay and the report consumer.
 * Connecting happens in the background and mqtt.js reconnects by itself, so a broker outage never
 * blocks start-up. The session is clean (a new random client id per process, nothing kept on the
 * broker): commands wait in `ota.device_commands`, not in a broker session, and subscriptions are
 * made again on every connect.
 */
@Injectable()
export class MqttConnection implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('MqttConnection');
  private client: MqttClient | undefined;
  private lastError: string | undefined;
  private failureLogged = false;
  private readonly subscriptions = new Map<string, { qos: 0 | 1 }>();
  private subscriptionError: string | undefined;
  private listener: MessageListener | undefined;
  private readonly connectListeners: (() => void)[] = [];
  readonly clientId = `ota_service_${randomBytes(8).toString('hex')}`;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** False without `MQTT_URL`: devices then use HTTP only. */
  get enabled(): boolean {
    return this.config.mqtt.url !== undefined;
  }

  get connected(): boolean {
    return this.client?.connected === true;
  }

  onModuleInit(): void {
    if (!this.enabled) return;
    const client = connect(this.config.mqtt.url as string, {
      protocolVersion: 5,
      clientId: this.clientId,
      clean: true,
      properties: { sessionExpiryInterval: 0 },
      username: this.config.mqtt.username,
      password: this.config.mqtt.password,
      reconnectPeriod: RECONNECT_PERIOD_MS,
      connectTimeout: CONNECT_TIMEOUT_MS,
      // Subscriptions are made again in the connect handler, where a refusal can be seen.
      resubscribe: false,
      queueQoSZero: false,
    });
    client.on('connect', () => {
      this.lastError = undefined;
      this.failureLogged = false;
      this.logger.log(`Connected to the MQTT broker at ${this.origin()} as ${this.clientId}`);
      void this.subscribeAll(client);
      for (const listener of this.connectListeners) listener();
    });
    client.on('error', (error) => this.noteFailure(error.message));
    client.on('disconnect', (packet) => this.noteFailure(`broker disconnected us (reason ${packet.reasonCode ?? 'unknown'})`));
    client.on('close', () => {
      if (!client.disconnecting) this.noteFailure(this.lastError ?? 'connection closed');
    });
    client.handleMessage = (packet, done) => {
      const listener = this.listener;
      if (!listener) return done();
      const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
      listener(packet.topic, payload, packet).then(
        () => done(),
        () => done(),
      );
    };
    this.client = client;
  }

  async beforeApplicationShutdown(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    // A graceful end waits for in-flight acknowledgements; while the broker is away it would wait
    // forever, so it is bounded and then forced.
    const graceful = client.endAsync(false);
    const timedOut = await Promise.race([graceful.then(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(true), SHUTDOWN_GRACE_MS).unref())]);
    if (timedOut) await client.endAsync(true);
  }

  /** Runs `listener` after every (re)connect, e.g. to deliver what waited during an outage. */
  onConnect(listener: () => void): void {
    this.connectListeners.push(listener);
  }

  /**
   * Subscribes now and after every reconnect. Messages go to the one listener; its promise gates
   * the PUBACK, so the listener decides how much work it accepts at once.
   */
  async subscribe(filter: string, qos: 0 | 1, listener: MessageListener): Promise<void> {
    this.listener = listener;
    this.subscriptions.set(filter, { qos });
    if (this.client?.connected) await this.subscribeAll(this.client);
  }

  async unsubscribe(filter: string): Promise<void> {
    this.subscriptions.delete(filter);
    if (this.client?.connected) await this.client.unsubscribeAsync(filter).catch(() => undefined);
  }

  /**
   * Publishes and resolves once the broker acknowledged (QoS 1 PUBACK). Rejects at once when not
   * connected, on a refusal (PUBACK reason code ≥ 0x80, a {@link MqttPublishRefusedError}) or
   * when the acknowledgement does not come in time.
   */
  async publish(topic: string, payload: string | Buffer, options: IClientPublishOptions): Promise<void> {
    const client = this.client;
    if (!client?.connected) throw new Error(this.lastError ? `not connected to MQTT: ${this.lastError}` : 'not connected to MQTT');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no PUBACK within ${PUBLISH_TIMEOUT_MS} ms`)), PUBLISH_TIMEOUT_MS);
    });
    try {
      await Promise.race([client.publishAsync(topic, payload, options), timeout]);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      // Reason codes from the broker's PUBACK; a connection problem has none (or a string code).
      if (typeof code === 'number' && code >= 0x80) throw new MqttPublishRefusedError(`broker refused the message (reason ${code}): ${(error as Error).message}`, { cause: error });
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  health(): DependencyHealth {
    if (!this.enabled) return { status: 'disabled' };
    const where = { broker: this.origin(), client_id: this.clientId };
    if (!this.connected) return { status: 'down', ...where, error: this.lastError ?? 'not connected to the MQTT broker yet' };
    if (this.subscriptionError) return { status: 'degraded', ...where, error: this.subscriptionError };
    return { status: 'up', ...where };
  }

  /** Scheme, host and port of the broker; never credentials or a path with secrets. */
  private origin(): string {
    const url = new URL(this.config.mqtt.url as string);
    return `${url.protocol}//${url.host}`;
  }

  private noteFailure(message: string): void {
    this.lastError = message;
    if (this.failureLogged) return;
    this.failureLogged = true;
    this.logger.warn(`MQTT broker at ${this.origin()}: ${message}; reconnecting every ${RECONNECT_PERIOD_MS} ms`);
  }

  private async subscribeAll(client: MqttClient): Promise<void> {
    if (this.subscriptions.size === 0) return;
    const map = Object.fromEntries([...this.subscriptions].map(([filter, { qos }]) => [filter, { qos }]));
    try {
      const grants = await client.subscribeAsync(map);
      const refused = grants.filter((grant) => grant.qos >= 0x80);
      this.subscriptionError = refused.length > 0 ? `broker refused subscription to ${refused.map((g) => `${g.topic} (reason ${g.qos})`).join(', ')}` : undefined;
      if (this.subscriptionError) this.logger.error(this.subscriptionError);
    } catch (error) {
      // The connection dropped meanwhile: the next connect subscribes again.
      this.subscriptionError = `subscribing failed: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
}

/** The broker refused this one message; the connection itself works. */
export class MqttPublishRefusedError extends Error {
  override readonly name = 'MqttPublishRefusedError';
}
