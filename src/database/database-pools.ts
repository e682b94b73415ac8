import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';

/**
 * How long the client waits past the server's `statement_timeout` before giving a query up: the
 * server cancels a slow statement itself (57014) well within it, so only a server or network
 * that stopped answering (a stalled process, a partition) runs into the client-side limit.
 */
export const CLIENT_GRACE_MS = 2_000;

export interface PoolSettings {
  url: string;
  /** Name in `pg_stat_activity.application_name`, so operators (and tests) can tell the pools apart. */
  name: string;
  max: number;
  statementTimeoutMs: number;
  connectTimeoutMs: number;
}

/** The pool a query runs on: device traffic (see {@link onDevicePool}) or everything else. */
export type PoolName = 'operator' | 'device';

const devicePool = new AsyncLocalStorage<true>();
const longStatements = new AsyncLocalStorage<{ timeoutMs: number }>();

/** Runs `work` (and everything it starts) with its queries on the device pool. */
export function onDevicePool<T>(work: () => T): T {
  return devicePool.run(true, work);
}

/**
 * Runs `work` with a client-side limit of `timeoutMs` (plus the grace) on each of its queries
 * instead of the pool's; the caller raises the server's limit to match (`SET LOCAL`).
 */
export function withLongStatements<T>(timeoutMs: number, work: () => T): T {
  return longStatements.run({ timeoutMs }, work);
}

/**
 * A pg pool whose connections are bounded in every way a request can hang on them: the server's
 * `statement_timeout`, a client-side `query_timeout` just past it (a stalled server is given up
 * on), a connect timeout (both for a free pooled connection and for a new one), and TCP
 * keepalive (a peer that vanished is noticed on idle connections). A connection given back with a
 * query the client gave up on still running is closed rather than reused: it is busy until that
 * query ends, and with a stalled server perhaps never.
 */
export function createPool(settings: PoolSettings): pg.Pool {
  const pool = new pg.Pool({
    connectionString: settings.url,
    application_name: settings.name,
    max: settings.max,
    statement_timeout: settings.statementTimeoutMs,
    query_timeout: settings.statementTimeoutMs + CLIENT_GRACE_MS,
    connectionTimeoutMillis: settings.connectTimeoutMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  });
  const gaveUp = new WeakSet<pg.PoolClient>();
  pool.on('connect', (client) => watchQueries(client as pg.PoolClient, gaveUp));
  pool.on('release', (error: Error | undefined, client: pg.PoolClient) => {
    // Ending it before the pool looks at it makes the pool drop it instead of keeping it idle.
    if (!error && gaveUp.has(client)) void client.end().catch(() => undefined);
  });
  return pool;
}

/**
 * Applies the long-statement limit to each query of `client` and notes a query the client gave up
 * on. Prisma's adapter queries with a config object and a promise; `pool.query` (callback form)
 * needs no note, since the pool drops a connection whose query failed.
 */
function watchQueries(client: pg.PoolClient, gaveUp: WeakSet<pg.PoolClient>): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  client.query = ((...args: unknown[]) => {
    const [config] = args;
    const long = longStatements.getStore();
    if (long !== undefined && isQueryConfig(config)) args[0] = { ...config, query_timeout: long.timeoutMs + CLIENT_GRACE_MS };
    const result = query(...args);
    if (result instanceof Promise) {
      result.catch((error: unknown) => {
        if (error instanceof Error && error.message === 'Query read timeout') gaveUp.add(client);
      });
    }
    return result;
  }) as pg.PoolClient['query'];
}

function isQueryConfig(value: unknown): value is pg.QueryConfig {
  return typeof value === 'object' && value !== null && typeof (value as { text?: unknown }).text === 'string' && typeof (value as { submit?: unknown }).submit !== 'function';
}

/** Connections in use, idle and awaited, per pool, for the health report. */
export interface PoolUsage {
  max: number;
  total: number;
  idle: number;
  waiting: number;
}

/**
 * The pool Prisma's adapter is given. It hands each query or transaction to the device pool while
 * device traffic is served, else to the operator pool, so operators' heavy queries can take every
 * operator connection and check-ins still find theirs. A `pg.Pool` only because the adapter takes
 * a pool solely as one; it never opens a connection of its own.
 */
export class RoutingPool extends pg.Pool {
  constructor(
    private readonly pools: Record<PoolName, pg.Pool>,
    onIdleError: (error: Error) => void,
  ) {
    super({ max: 1 });
    // The adapter listens for idle-connection errors only while connected; without a listener an
    // `error` event would throw. The pool has already dropped the connection.
    this.on('error', onIdleError);
    for (const pool of Object.values(pools)) pool.on('error', (error, client) => this.emit('error', error, client));
    this.connect = ((...args: unknown[]) => (this.current().connect as (...a: unknown[]) => unknown)(...args)) as pg.Pool['connect'];
    this.query = ((...args: unknown[]) => (this.current().query as (...a: unknown[]) => unknown)(...args)) as pg.Pool['query'];
  }

  override async end(): Promise<void> {
    await Promise.all(Object.values(this.pools).map((pool) => (pool.ended ? undefined : pool.end())));
  }

  usage(): Record<PoolName, PoolUsage> {
    const of = (pool: pg.Pool): PoolUsage => ({ max: pool.options.max, total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount });
    return { operator: of(this.pools.operator), device: of(this.pools.device) };
  }

  private current(): pg.Pool {
    return devicePool.getStore() ? this.pools.device : this.pools.operator;
  }
}
