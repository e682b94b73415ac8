import type { ConnectionOptions } from '@nats-io/transport-node';

/** The pause nats.js makes between two connection attempts. */
export const NATS_RECONNECT_DELAY_MS = 1_000;
const CONNECT_TIMEOUT_MS = 5_000;

export interface NatsConnectionHooks {
  /** True once the module is being destroyed: no further attempt is made. */
  stopping(): boolean;
  /** Called before each new attempt while the very first connection has not succeeded yet. */
  onFirstConnectRetry(server: string): void;
}

/**
 * How the service's NATS connections connect: nats.js keeps trying, from the first attempt on and
 * through every later outage, so NATS being away never blocks start-up nor needs a loop of ours.
 *
 * nats.js calls `reconnectToServer` before every attempt, the first connection's included. It is
 * where a failed first attempt becomes visible, and the only way to end a first connection still
 * being attempted (there is no connection object to close yet): nats.js rejects `connect()` when
 * it throws.
 */
export function natsConnectionOptions(hooks: NatsConnectionHooks): ConnectionOptions {
  return {
    timeout: CONNECT_TIMEOUT_MS,
    waitOnFirstConnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: NATS_RECONNECT_DELAY_MS,
    // Credentials fixed on the server side are picked up without a restart.
    ignoreAuthErrorAbort: true,
    reconnectToServer: ([next]) => {
      if (hooks.stopping()) throw new Error('the service is stopping');
      if (next && !next.didConnect && next.lastConnect > 0) hooks.onFirstConnectRetry(next.listen);
      return null;
    },
  };
}
