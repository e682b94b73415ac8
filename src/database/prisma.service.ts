import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { APP_CONFIG, type AppConfig } from '../config';
import { type Prisma, PrismaClient } from '../generated/prisma/client';
import { DATABASE_RUNTIME, type DatabaseRuntime } from './database-runtime';
import { createPool, type PoolName, type PoolUsage, RoutingPool, withLongStatements } from './database-pools';
import { preparedStatementName } from './prepared-statements';

/**
 * Target resolution of a million devices, or the cancellation of a million unreleased rows, takes
 * tens of seconds in one statement; such a transaction must not be cut off at Prisma's 5 s, nor
 * at the pool's statement timeout.
 */
export const LONG_TRANSACTION = { timeout: 600_000, maxWait: 10_000 };

/**
 * The Prisma client on the pg driver adapter, over two pools (see `RoutingPool`): the device
 * API's and everyone else's. Only repositories use it.
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  private readonly pools: RoutingPool;

  constructor(@Inject(DATABASE_RUNTIME) runtime: DatabaseRuntime, @Inject(APP_CONFIG) config: AppConfig) {
    const { poolSize, devicePoolSize, statementTimeoutMs, deviceStatementTimeoutMs, connectTimeoutMs } = config.database;
    const logger = new Logger('Database');
    const pools = new RoutingPool(
      {
        operator: createPool({ url: runtime.url, name: 'ota_service', max: poolSize, statementTimeoutMs, connectTimeoutMs }),
        device: createPool({ url: runtime.url, name: 'ota_service:device', max: devicePoolSize, statementTimeoutMs: deviceStatementTimeoutMs, connectTimeoutMs }),
      },
      (error) => logger.warn(`An idle database connection failed and was dropped: ${error.message}`),
    );
    // The adapter passes the name on as pg's `name`, and pg sends an unnamed statement for
    // `undefined`; the adapter's type only says string.
    const statementNameGenerator = (query: { sql: string }) => preparedStatementName(query) as string;
    super({ adapter: new PrismaPg(pools, { disposeExternalPool: true, statementNameGenerator }) });
    this.pools = pools;
  }

  /**
   * A transaction for bulk campaign work (target resolution, cancelling every unreleased row, the
   * rollout tick): it may take up to `LONG_TRANSACTION.timeout`, and so may each statement in it,
   * on the server (`SET LOCAL statement_timeout`) and on the client.
   */
  longTransaction<T>(work: (tx: TransactionClient) => Promise<T>): Promise<T> {
    return withLongStatements(LONG_TRANSACTION.timeout, () =>
      this.$transaction(async (tx) => {
        await tx.$executeRawUnsafe(`SET LOCAL statement_timeout = ${LONG_TRANSACTION.timeout}`);
        return work(tx);
      }, LONG_TRANSACTION),
    );
  }

  /** Connections per pool, for the health report. */
  poolUsage(): Record<PoolName, PoolUsage> {
    return this.pools.usage();
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}

/** The client handed to repository methods so a service can compose them in one transaction. */
export type TransactionClient = Prisma.TransactionClient;
