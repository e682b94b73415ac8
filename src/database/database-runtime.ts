import { Logger, type LoggerService, type Provider } from '@nestjs/common';
import type { AppConfig } from '../config';
import { APP_CONFIG } from '../config';
import { type EmbeddedPostgres, startEmbeddedPostgres } from './embedded/embedded-postgres';
import { applyMigrations } from './migrations/migrator';

/** Where the database is, and the embedded server when the service runs its own. */
export interface DatabaseRuntime {
  readonly url: string;
  readonly embedded: EmbeddedPostgres | undefined;
}

export const DATABASE_RUNTIME = Symbol('DATABASE_RUNTIME');

/**
 * Resolves the database before anything queries it: the configured `DATABASE_URL`, or an
 * embedded PostgreSQL under the data folder when none is set; then applies pending migrations
 * when configured to (always for the embedded one).
 */
export async function openDatabase(
  config: AppConfig,
  logger: Pick<LoggerService, 'log'> = new Logger('Database'),
): Promise<DatabaseRuntime> {
  const embedded =
    config.database.url === undefined
      ? await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.database.embeddedPort, log: (m) => logger.log(m) })
      : undefined;
  const url = config.database.url ?? (embedded as EmbeddedPostgres).url;
  try {
    if (config.database.migrateOnStart) {
      const applied = await applyMigrations(url);
      logger.log(applied.length > 0 ? `Applied migrations: ${applied.join(', ')}` : 'Database schema is up to date');
    }
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  return { url, embedded };
}

export const databaseRuntimeProvider: Provider = {
  provide: DATABASE_RUNTIME,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) => openDatabase(config),
};
