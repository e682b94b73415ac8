import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { DatabaseNotifications } from './database-notifications';
import { DATABASE_RUNTIME, type DatabaseRuntime, databaseRuntimeProvider } from './database-runtime';
import { DatabaseHealthIndicator } from './database.health';
import { DeviceTrafficRouting } from './device-traffic';
import { PrismaService } from './prisma.service';

/**
 * Owns the database connections (an operator pool and a device pool, see `RoutingPool`, and the
 * notification listeners); stops the embedded server last, after they have all closed.
 */
@Global()
@Module({
  providers: [databaseRuntimeProvider, PrismaService, DatabaseNotifications, DatabaseHealthIndicator, DeviceTrafficRouting],
  exports: [PrismaService, DatabaseNotifications, DATABASE_RUNTIME],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DATABASE_RUNTIME) private readonly runtime: DatabaseRuntime) {}

  async onApplicationShutdown(): Promise<void> {
    await this.runtime.embedded?.stop();
  }
}
