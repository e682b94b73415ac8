import { DiscoveryService } from '@nestjs/core';

/**
 * Reacts to an event another service published on NATS. Decorate the provider with
 * {@link InboundEventHandler}(subject); the events module subscribes for it when `NATS_URL` is set,
 * so this module needs to know none of them.
 */
export interface InboundEventListener {
  /**
   * `event` is the parsed JSON message (the platform envelope, or a bare object). Throw only for
   * a transient failure worth logging; the message is not delivered again (core NATS), so the
   * handler must be idempotent and tolerate malformed input by logging and returning.
   */
  onInboundEvent(event: unknown, subject: string): Promise<void>;
}

/** The NATS subject a provider handles, e.g. `device_service.device.deleted`. */
export const InboundEventHandler = DiscoveryService.createDecorator<string>();

/**
 * Queue group of the subscriptions, so each message goes to one replica of a deployment. Named
 * after the deployment's JetStream stream (`NATS_STREAM`), which its replicas share and separate
 * deployments on one NATS (or test instances) do not.
 */
export function inboundQueueGroup(stream: string): string {
  return `ota_service_${stream}`;
}
