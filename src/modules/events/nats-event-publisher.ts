import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { jetstream, type JetStreamClient, jetstreamManager } from '@nats-io/jetstream';
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import type { DependencyHealth } from '../../common/health/health-indicator';
import { APP_CONFIG, type AppConfig } from '../../config';
import { SUBJECT_PREFIX } from './event-envelope';
import type { EventPublisher } from './event-publisher';

const PUBLISH_TIMEOUT_MS = 5_000;
/** Longer than the relay's lease and retry delays, so any re-send of an event is recognised. */
const DUPLICATE_WINDOW_MS = 10 * 60_000;
const STREAM_MAX_AGE_MS = 7 * 24 * 3600_000;

/**
 * Publishes to NATS JetStream. Connecting happens in the background and retries forever, so a
 * NATS outage never blocks start-up; events wait in the outbox until it is back. The outbox row
 * id is the JetStream message id, so a re-send after a crash is dropped by the stream.
 */
@Injectable()
export class NatsEventPublisher implements EventPublisher, OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('NatsEventPublisher');
  private connection: NatsConnection | undefined;
  private client: JetStreamClient | undefined;
  private connected = false;
  private streamReady = false;
  private lastError: string | undefined;
  private stopping = false;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get enabled(): boolean {
    return this.config.events.natsUrl !== undefined;
  }

  onModuleInit(): void {
    if (this.enabled) void this.connectInBackground();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await this.connection?.drain().catch(() => this.connection?.close());
  }

  async publish(subject: string, payload: Uint8Array, messageId: string): Promise<void> {
    if (!this.client || !this.connected) throw new Error(this.lastError ?? 'not connected to NATS');
    try {
      if (!this.streamReady) await this.ensureStream();
      await this.client.publish(subject, payload, { msgID: messageId, timeout: PUBLISH_TIMEOUT_MS });
    } catch (error) {
      // The stream may have been deleted or the server replaced: check it again next time.
      this.streamReady = false;
      this.lastError = error instanceof Error ? error.message : String(error);
      throw error;
    }
  }

  health(): DependencyHealth {
    if (!this.enabled) return { status: 'disabled' };
    return {
      status: this.connected ? 'up' : 'down',
      server: this.config.events.natsUrl,
      stream: this.config.events.stream,
      ...(this.connected || this.lastError === undefined ? {} : { error: this.lastError }),
    };
  }

  private async connectInBackground(): Promise<void> {
    try {
      const connection = await connect({
        servers: this.config.events.natsUrl,
        name: 'ota_service',
        waitOnFirstConnect: true,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 1_000,
      });
      if (this.stopping) return void (await connection.close());
      this.connection = connection;
      this.client = jetstream(connection);
      this.connected = true;
      this.logger.log(`Connected to NATS at ${connection.getServer()}`);
      void this.followStatus(connection);
    } catch (error) {
      this.lastError = error instanceof Error ? error.message : String(error);
      this.logger.warn(`NATS connection failed: ${this.lastError}`);
    }
  }

  private async followStatus(connection: NatsConnection): Promise<void> {
    for await (const status of connection.status()) {
      if (status.type === 'disconnect') {
        this.connected = false;
        this.lastError = `disconnected from ${status.server}`;
        this.logger.warn(`NATS ${this.lastError}; reconnecting`);
      } else if (status.type === 'reconnect') {
        this.connected = true;
        this.lastError = undefined;
        this.logger.log(`Reconnected to NATS at ${status.server}`);
      }
    }
  }

  private async ensureStream(): Promise<void> {
    const manager = await jetstreamManager(this.connection as NatsConnection);
    const name = this.config.events.stream;
    const exists = await manager.streams.info(name).then(
      () => true,
      () => false,
    );
    if (!exists) {
      await manager.streams.add({
        name,
        subjects: [`${SUBJECT_PREFIX}.>`],
        duplicate_window: nanos(DUPLICATE_WINDOW_MS),
        max_age: nanos(STREAM_MAX_AGE_MS),
      });
      this.logger.log(`Created JetStream stream ${name} for ${SUBJECT_PREFIX}.>`);
    }
    this.streamReady = true;
  }
}
