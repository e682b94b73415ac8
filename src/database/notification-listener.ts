import pg from 'pg';

export interface NotificationHandlers {
  /** A notification on the channel, in commit order. */
  notification(payload: string): void;
  /**
   * The listener lost (or has just regained) its connection: notifications may have been missed,
   * so whatever was derived from earlier ones must be dropped.
   */
  reset(): void;
}

export interface ListenerSettings {
  url: string;
  channel: string;
  /** Name in `pg_stat_activity.application_name`. */
  name: string;
  /** Bounds each round trip (and the connect): a stalled server makes the listener give up and reconnect. */
  timeoutMs: number;
}

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 30_000;

/**
 * One connection that LISTENs on a channel, reconnecting with backoff for as long as it runs, and
 * offering a barrier: {@link barrier} resolves once a round trip on this connection has completed,
 * and PostgreSQL sends a listening session every notification it has been signalled (those of
 * every transaction whose commit a client has seen) before the answer to its next query
 * (`postgres.c`: notifications received during a transaction reach the client before
 * ReadyForQuery). So after `await barrier()`, every change committed before the call has been
 * handed to `notification`: what a reader derived from notifications is as fresh as a read.
 * Concurrent callers share one round trip; a caller arriving while one is out waits for the next.
 */
export class NotificationListener {
  private client: pg.Client | null = null;
  private ready = false;
  private stopped = false;
  private retryMs = FIRST_RETRY_MS;
  private retryTimer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private queued: Promise<void> | null = null;

  constructor(
    private readonly settings: ListenerSettings,
    private readonly handlers: NotificationHandlers,
    private readonly onConnectionError: (error: Error) => void,
  ) {}

  /** True while LISTEN is in effect: notifications are arriving and {@link barrier} can succeed. */
  get listening(): boolean {
    return this.ready;
  }

  start(): void {
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.drop();
  }

  /**
   * Resolves after a round trip started no earlier than this call has completed (see the class
   * comment); rejects when the listener is not listening or the connection fails meanwhile.
   */
  barrier(): Promise<void> {
    if (this.queued) return this.queued;
    const previous = this.inFlight;
    if (!previous) return this.startRoundTrip();
    this.queued = previous
      .catch(() => undefined)
      .then(() => {
        this.queued = null;
        return this.startRoundTrip();
      });
    return this.queued;
  }

  private startRoundTrip(): Promise<void> {
    const trip = this.roundTrip().finally(() => {
      if (this.inFlight === trip) this.inFlight = null;
    });
    this.inFlight = trip;
    return trip;
  }

  private async roundTrip(): Promise<void> {
    const client = this.client;
    if (!this.ready || client === null) throw new Error(`not listening on ${this.settings.channel}`);
    try {
      await client.query('');
    } catch (error) {
      // A timed-out or broken connection cannot be trusted to deliver what it owes.
      this.lost(client, error as Error);
      throw error;
    }
  }

  private async connect(): Promise<void> {
    const { url, channel, name, timeoutMs } = this.settings;
    const client = new pg.Client({ connectionString: url, application_name: name, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs, keepAlive: true });
    this.client = client;
    client.on('notification', (message) => {
      if (message.channel === channel && message.payload !== undefined) this.handlers.notification(message.payload);
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      if (this.client !== client) return;
      // Anything derived before LISTEN took effect may have missed a change.
      this.handlers.reset();
      this.ready = true;
      this.retryMs = FIRST_RETRY_MS;
    } catch (error) {
      this.lost(client, error as Error);
    }
  }

  /** Forgets `client` (once), tells the handlers, and connects again after a backoff unless stopped. */
  private lost(client: pg.Client, error: Error): void {
    if (this.client !== client) return;
    const wasReady = this.ready;
    this.ready = false;
    this.client = null;
    this.handlers.reset();
    void client.end().catch(() => undefined);
    if (this.stopped) return;
    if (wasReady) this.onConnectionError(error);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
  }

  private async drop(): Promise<void> {
    const client = this.client;
    this.ready = false;
    this.client = null;
    if (client) await client.end().catch(() => undefined);
  }
}
