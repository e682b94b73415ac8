import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { DATABASE_RUNTIME, type DatabaseRuntime, databaseRuntimeProvider } from './database-runtime';
import { DatabaseHealthIndicator } from './database.health';
import { DeviceTrafficRouting } from './device-traffic';
import { PrismaService } from './prisma.service';

/**
 * Owns the database connections (an operator pool and a device pool, see `RoutingPool`); stops the
 * embedded server last, after Prisma has disconnected.
 */
@Global()
@Module({
  providers: [databaseRuntimeProvider, PrismaService, DatabaseHealthIndicator, DeviceTrafficRouting],
  exports: [PrismaService, DATABASE_RUNTIME],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DATABASE_RUNTIME) private readonly runtime: DatabaseRuntime) {}

  async onApplicationShutdown(): Promise<void> {
    await this.runtime.embedded?.stop();
  }
}
