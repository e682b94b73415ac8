import type { DependencyHealth } from '../../common/health/health-indicator';

/** Where relayed events go. One adapter per transport, chosen from configuration. */
export interface EventPublisher {
  /** False when no transport is configured: events then stay in the outbox table. */
  readonly enabled: boolean;
  /** Publishes once; `messageId` lets the transport drop a re-send of the same event. */
  publish(subject: string, payload: Uint8Array, messageId: string): Promise<PublishOutcome>;
  health(): DependencyHealth;
}

export interface PublishOutcome {
  /** The transport already had this message id: a re-send (after a crash or an expired lease) it dropped. */
  duplicate: boolean;
}

/**
 * The transport refused this one event (an invalid subject, a payload over its size limit): the
 * transport itself works and other events can still go through.
 */
export class EventRejectedError extends Error {
  override readonly name = 'EventRejectedError';
}

export const EVENT_PUBLISHER = Symbol('EVENT_PUBLISHER');
