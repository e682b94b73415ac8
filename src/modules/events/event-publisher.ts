import type { DependencyHealth } from '../../common/health/health-indicator';

/** Where relayed events go. One adapter per transport, chosen from configuration. */
export interface EventPublisher {
  /** False when no transport is configured: events then stay in the outbox table. */
  readonly enabled: boolean;
  /** Publishes once; `messageId` lets the transport drop a re-send of the same event. */
  publish(subject: string, payload: Uint8Array, messageId: string): Promise<void>;
  health(): DependencyHealth;
}

export const EVENT_PUBLISHER = Symbol('EVENT_PUBLISHER');
