import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config';
import { CLIENT_GRACE_MS } from './database-pools';
import { DATABASE_RUNTIME, type DatabaseRuntime } from './database-runtime';
import { type NotificationHandlers, NotificationListener } from './notification-listener';

/** Hands out {@link NotificationListener}s on the service's database and closes them on shutdown. */
@Injectable()
export class DatabaseNotifications implements OnModuleDestroy {
  private readonly logger = new Logger('Database');
  private readonly listeners: NotificationListener[] = [];

  constructor(
    @Inject(DATABASE_RUNTIME) private readonly runtime: DatabaseRuntime,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Starts listening on `channel` (connection named `ota_service:listen:<channel>`). */
  listen(channel: string, handlers: NotificationHandlers): NotificationListener {
    const listener = new NotificationListener(
      { url: this.runtime.url, channel, name: `ota_service:listen:${channel}`, timeoutMs: this.config.database.deviceStatementTimeoutMs + CLIENT_GRACE_MS },
      handlers,
      (error) => this.logger.warn(`Listening on ${channel} failed (${error.message}); reconnecting`),
    );
    this.listeners.push(listener);
    listener.start();
    return listener;
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.listeners.map((listener) => listener.stop()));
  }
}
