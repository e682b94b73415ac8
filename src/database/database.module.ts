import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { DATABASE_RUNTIME, type DatabaseRuntime, databaseRuntimeProvider } from './database-runtime';
import { DatabaseHealthIndicator } from './database.health';
import { PrismaService } from './prisma.service';

/** Owns the database connection; stops the embedded server last, after Prisma has disconnected. */
@Global()
@Module({
  providers: [databaseRuntimeProvider, PrismaService, DatabaseHealthIndicator],
  exports: [PrismaService, DATABASE_RUNTIME],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DATABASE_RUNTIME) private readonly runtime: DatabaseRuntime) {}

  async onApplicationShutdown(): Promise<void> {
    await this.runtime.embedded?.stop();
  }
}
