import { Client } from 'pg';
import { migrationNames, readMigrationList, readSchema } from './migration-directory';
import { CONNECT_TIMEOUT_MS, NO_SCHEMA_FILTER, withSchemaEngine } from './schema-engine';

/**
 * Arbitrary but fixed: serializes migration runs of several replicas starting together. Prisma's
 * engine takes a lock of its own, but gives up after 10 seconds, which a long migration outlasts;
 * this one waits as long as the run ahead of it takes.
 */
export const MIGRATION_LOCK_KEY = 724_305_118;

export interface MigrationStatus {
  status: 'up_to_date' | 'pending' | 'failed';
  applied: string[];
  pending: string[];
  failed: string[];
}

/**
 * Applies every migration under `prisma/migrations` that the database has not recorded yet, in
 * Prisma's own `_prisma_migrations` table, so `prisma migrate deploy` elsewhere sees the same
 * history. Returns the names it applied.
 */
export async function applyMigrations(databaseUrl: string): Promise<string[]> {
  const lock = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // A connection lost while waiting rejects the pending query; without a listener it would also
  // be thrown as an uncaught 'error' event and take the whole process down.
  lock.on('error', () => undefined);
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const migrationsList = await readMigrationList();
    const result = await withSchemaEngine(databaseUrl, await readSchema(), (engine) =>
      engine.applyMigrations({ migrationsList, filters: NO_SCHEMA_FILTER }),
    );
    return result.appliedMigrationNames;
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lock.end();
  }
}

/** Compares the migration folders with what the database has recorded. */
export async function migrationStatus(query: <T>(sql: string) => Promise<T[]>): Promise<MigrationStatus> {
  const names = await migrationNames();
  const [{ recorded }] = await query<{ recorded: boolean }>(
    `SELECT to_regclass('public._prisma_migrations') IS NOT NULL AS recorded`,
  );
  const records = recorded
    ? await query<MigrationRecord>(`SELECT migration_name, finished_at, rolled_back_at FROM public._prisma_migrations`)
    : [];
  const live = records.filter((r) => r.rolled_back_at === null);
  const applied = new Set(live.filter((r) => r.finished_at !== null).map((r) => r.migration_name));
  const failed = live.filter((r) => r.finished_at === null).map((r) => r.migration_name);
  const pending = names.filter((name) => !applied.has(name) && !failed.includes(name));
  const status = failed.length > 0 ? 'failed' : pending.length > 0 ? 'pending' : 'up_to_date';
  return { status, applied: names.filter((name) => applied.has(name)), pending, failed };
}

interface MigrationRecord {
  migration_name: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}
