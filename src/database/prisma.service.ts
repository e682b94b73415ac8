import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { APP_CONFIG, type AppConfig } from '../config';
import { type Prisma, PrismaClient } from '../generated/prisma/client';
import { DATABASE_RUNTIME, type DatabaseRuntime } from './database-runtime';

/** The Prisma client on the pg driver adapter. Only repositories use it. */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  constructor(@Inject(DATABASE_RUNTIME) runtime: DatabaseRuntime, @Inject(APP_CONFIG) config: AppConfig) {
    super({
      adapter: new PrismaPg({
        connectionString: runtime.url,
        max: config.database.poolSize,
        // Fail fast when the database is unreachable instead of hanging the request.
        connectionTimeoutMillis: 5_000,
      }),
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}

/** The client handed to repository methods so a service can compose them in one transaction. */
export type TransactionClient = Prisma.TransactionClient;
