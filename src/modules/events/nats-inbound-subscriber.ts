import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { APP_CONFIG, type AppConfig } from '../../config';
import { InboundEventHandler, type InboundEventListener, inboundQueueGroup } from './inbound-events';
import { natsConnectionOptions } from './nats-connection-options';

/**
 * Subscribes to the NATS subjects of every {@link InboundEventHandler} (only with `NATS_URL`), in
 * one queue group per deployment (see {@link inboundQueueGroup}) so replicas share the messages
 * and each is handled once.
 *
 * Core NATS, not a JetStream consumer: the subjects belong to other services, whose streams (if
 * any) this service does not manage. A message published while this service is disconnected is
 * missed; the handlers are idempotent, and what they repair is also repaired elsewhere (e.g. an
 * update of a deleted device times out). Malformed messages are logged and dropped; a handler's
 * failure is logged and never stops the subscription.
 */
@Injectable()
export class NatsInboundSubscriber implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('NatsInbound');
  private connection: NatsConnection | undefined;
  private readonly handling = new Set<Promise<void>>();
  private stopping = false;
  private connecting: Promise<void> | undefined;
  private readyResolve: (() => void) | undefined;
  /** Resolves once subscribed (tests wait for it). */
  readonly ready = new Promise<void>((resolve) => (this.readyResolve = resolve));

  constructor(
    private readonly discovery: DiscoveryService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const handlers = this.handlers();
    if (this.config.events.natsUrl === undefined || handlers.length === 0) return;
    this.connecting = this.subscribe(handlers);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    const connection = this.connection;
    if (connection && !connection.isClosed()) await connection.drain().catch(() => connection.close());
    await this.connecting;
    await Promise.allSettled([...this.handling]);
  }

  private handlers(): { subject: string; listener: InboundEventListener }[] {
    return this.discovery.getProviders({ metadataKey: InboundEventHandler.KEY }).flatMap((wrapper) => {
      const subject = this.discovery.getMetadataByDecorator(InboundEventHandler, wrapper);
      return subject && wrapper.instance ? [{ subject, listener: wrapper.instance as InboundEventListener }] : [];
    });
  }

  /**
   * Connects (nats.js retries until the module stops) and subscribes; nats.js keeps the
   * subscriptions through later reconnects.
   */
  private async subscribe(handlers: { subject: string; listener: InboundEventListener }[]): Promise<void> {
    let reportedUnreachable = false;
    const options = natsConnectionOptions({
      stopping: () => this.stopping,
      onFirstConnectRetry: (server) => {
        if (!reportedUnreachable) this.logger.warn(`Cannot connect to NATS at ${server} for inbound events; retrying`);
        reportedUnreachable = true;
      },
    });
    try {
      this.connection = await connect({ ...options, servers: this.config.events.natsUrl, name: 'ota_service_inbound' });
    } catch (error) {
      if (!this.stopping) this.logger.error(`Gave up connecting to NATS for inbound events: ${errorMessage(error)}`);
      return;
    }
    if (this.stopping) return this.connection.close();
    const queue = inboundQueueGroup(this.config.events.stream);
    for (const { subject, listener } of handlers) {
      void this.consume(this.connection.subscribe(subject, { queue }), listener);
    }
    // The subscriptions reach the server with the flush; from then on nothing is missed.
    await this.connection.flush();
    this.logger.log(`Subscribed to ${handlers.map((handler) => handler.subject).join(', ')} (queue group ${queue})`);
    this.readyResolve?.();
  }

  private async consume(subscription: Subscription, listener: InboundEventListener): Promise<void> {
    for await (const message of subscription) {
      let event: unknown;
      try {
        event = message.json<unknown>();
      } catch (error) {
        this.logger.warn(`Dropped a malformed message on ${message.subject}: ${errorMessage(error)}`);
        continue;
      }
      const handled = listener
        .onInboundEvent(event, message.subject)
        .catch((error: unknown) => this.logger.error(`Handling a message on ${message.subject} failed: ${errorMessage(error)}`));
      this.handling.add(handled);
      void handled.finally(() => this.handling.delete(handled));
      // One at a time per subject: deletions are rare, and order is kept.
      await handled;
    }
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
