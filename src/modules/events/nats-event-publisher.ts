import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { JetStreamApiCodes, JetStreamApiError, jetstream, type JetStreamClient, jetstreamManager } from '@nats-io/jetstream';
import { connect, InvalidArgumentError, InvalidSubjectError, nanos, type NatsConnection } from '@nats-io/transport-node';
import type { DependencyHealth } from '../../common/health/health-indicator';
import { APP_CONFIG, type AppConfig } from '../../config';
import { SUBJECT_PREFIX } from './event-envelope';
import { NATS_RECONNECT_DELAY_MS, natsConnectionOptions } from './nats-connection-options';
import { EventRejectedError, type EventPublisher, type PublishOutcome } from './event-publisher';

const PUBLISH_TIMEOUT_MS = 5_000;
/** Longer than the relay's lease and retry delays, so any re-send of an event is recognised. */
const DUPLICATE_WINDOW_MS = 10 * 60_000;
const STREAM_MAX_AGE_MS = 7 * 24 * 3600_000;
/** JetStream's "subjects overlap with an existing stream". */
const SUBJECT_OVERLAP = 10065;

/**
 * Publishes to NATS JetStream. nats.js connects in the background and keeps trying, the first
 * connection included, until the module is destroyed, so a NATS outage never blocks start-up;
 * events wait in the outbox until it is back. The outbox row id is the JetStream message id, so a re-send after a crash is dropped by
 * the stream.
 */
@Injectable()
export class NatsEventPublisher implements EventPublisher, OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('NatsEventPublisher');
  private connection: NatsConnection | undefined;
  private client: JetStreamClient | undefined;
  private connected = false;
  private streamReady = false;
  /** Why there is no connection (last connect failure or disconnect). */
  private connectionError: string | undefined;
  /** Why the last publish failed while connected (stream missing, timeouts); cleared by a success. */
  private publishError: string | undefined;
  private stopping = false;
  private connecting: Promise<void> | undefined;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get enabled(): boolean {
    return this.config.events.natsUrl !== undefined;
  }

  onModuleInit(): void {
    if (this.enabled) this.connecting = this.connect();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    const connection = this.connection;
    // drain() rejects while disconnected; the connection must be closed anyway, or it keeps
    // reconnecting after the app is gone.
    if (connection && !connection.isClosed()) await connection.drain().catch(() => connection.close());
    await this.connecting;
  }

  async publish(subject: string, payload: Uint8Array, messageId: string): Promise<PublishOutcome> {
    if (!this.client || !this.connected) throw new Error(this.connectionError ?? 'not connected to NATS');
    try {
      if (!this.streamReady) await this.ensureStream();
      const ack = await this.client.publish(subject, payload, { msgID: messageId, timeout: PUBLISH_TIMEOUT_MS });
      this.publishError = undefined;
      return { duplicate: ack.duplicate };
    } catch (error) {
      // The client checks subject and size before sending: only this event is at fault.
      if (error instanceof InvalidArgumentError || error instanceof InvalidSubjectError) {
        throw new EventRejectedError(error.message, { cause: error });
      }
      // The stream may have been deleted or the server replaced: check it again next time.
      this.streamReady = false;
      if (this.connected) this.publishError = errorMessage(error);
      throw error;
    }
  }

  health(): DependencyHealth {
    if (!this.enabled) return { status: 'disabled' };
    const where = { server: this.config.events.natsUrl, stream: this.config.events.stream };
    if (!this.connected) return { status: 'down', ...where, error: this.connectionError ?? 'not connected to NATS yet' };
    // Connected but unable to deliver (e.g. the stream cannot be created): events pile up.
    if (this.publishError !== undefined) return { status: 'degraded', ...where, error: this.publishError };
    return { status: 'up', ...where };
  }

  /** Connects once; nats.js then reconnects by itself through every outage until the module stops. */
  private async connect(): Promise<void> {
    let connection: NatsConnection;
    try {
      const options = natsConnectionOptions({ stopping: () => this.stopping, onFirstConnectRetry: (server) => this.noteUnreachable(server) });
      connection = await connect({ ...options, servers: this.config.events.natsUrl, name: 'ota_service' });
    } catch (error) {
      if (!this.stopping) this.logger.error(`Gave up connecting to NATS: ${errorMessage(error)}`);
      return;
    }
    if (this.stopping) return connection.close();
    this.attach(connection);
    await connection.closed();
    this.connected = false;
    this.client = undefined;
    this.connection = undefined;
  }

  private noteUnreachable(server: string): void {
    if (this.connectionError === undefined) this.logger.warn(`Cannot connect to NATS at ${server}; retrying every ${NATS_RECONNECT_DELAY_MS} ms`);
    this.connectionError = `cannot connect to NATS at ${server}`;
  }

  private attach(connection: NatsConnection): void {
    this.connection = connection;
    this.client = jetstream(connection);
    this.connected = true;
    this.connectionError = undefined;
    this.publishError = undefined;
    this.logger.log(`Connected to NATS at ${connection.getServer()}`);
    void this.followStatus(connection);
  }

  private async followStatus(connection: NatsConnection): Promise<void> {
    for await (const status of connection.status()) {
      if (status.type === 'disconnect') {
        this.connected = false;
        this.connectionError = `disconnected from ${status.server}`;
        this.logger.warn(`NATS ${this.connectionError}; reconnecting`);
      } else if (status.type === 'reconnect') {
        this.connected = true;
        this.connectionError = undefined;
        // Whatever failed before the outage is worth trying again; a lasting problem reappears.
        this.publishError = undefined;
        this.logger.log(`Reconnected to NATS at ${status.server}`);
      }
    }
  }

  private async ensureStream(): Promise<void> {
    const manager = await jetstreamManager(this.connection as NatsConnection);
    const name = this.config.events.stream;
    try {
      await manager.streams.info(name);
    } catch (error) {
      if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound)) throw error;
      await this.createStream(name, manager);
    }
    this.streamReady = true;
  }

  private async createStream(name: string, manager: Awaited<ReturnType<typeof jetstreamManager>>): Promise<void> {
    const subjects = `${SUBJECT_PREFIX}.>`;
    try {
      await manager.streams.add({ name, subjects: [subjects], duplicate_window: nanos(DUPLICATE_WINDOW_MS), max_age: nanos(STREAM_MAX_AGE_MS) });
    } catch (error) {
      if (!(error instanceof JetStreamApiError && error.code === SUBJECT_OVERLAP)) throw error;
      // Publishing anyway would put events into a stream we do not manage (its own retention and
      // duplicate window): refuse, keep the events in the outbox, and say how to fix it.
      const holder = await manager.streams.find(subjects).catch(() => undefined);
      throw new Error(
        `JetStream stream ${name} does not exist and cannot be created: ${subjects} overlaps the subjects of stream ` +
          `${holder ?? '(unknown)'}; set NATS_STREAM to that stream or remove it`,
      );
    }
    this.logger.log(`Created JetStream stream ${name} for ${subjects}`);
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
