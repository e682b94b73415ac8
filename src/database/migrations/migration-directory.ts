import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { MigrationList } from '@prisma/schema-engine-wasm';

/** The project's `prisma/` folder; the same three levels up from `src/…` and from `dist/…`. */
export const PRISMA_DIR = resolve(__dirname, '..', '..', '..', 'prisma');
export const SCHEMA_PATH = join(PRISMA_DIR, 'schema.prisma');
export const MIGRATIONS_DIR = join(PRISMA_DIR, 'migrations');
export const LOCKFILE_NAME = 'migration_lock.toml';
/** Each migration folder keeps the schema it was generated from, so the next one can be diffed. */
export const SNAPSHOT_NAME = 'schema.prisma';

export function readSchema(): Promise<string> {
  return readFile(SCHEMA_PATH, 'utf8');
}

/** Migration folder names in the order they apply (their timestamp prefix sorts them). */
export async function migrationNames(): Promise<string[]> {
  if (!existsSync(MIGRATIONS_DIR)) return [];
  const entries = await readdir(MIGRATIONS_DIR, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory() && existsSync(join(MIGRATIONS_DIR, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort();
}

/** Loads the migrations folder in the shape the schema engine expects. */
export async function readMigrationList(): Promise<MigrationList> {
  const names = await migrationNames();
  const lockfilePath = join(MIGRATIONS_DIR, LOCKFILE_NAME);
  return {
    baseDir: MIGRATIONS_DIR,
    lockfile: {
      path: LOCKFILE_NAME,
      content: existsSync(lockfilePath) ? await readFile(lockfilePath, 'utf8') : null,
    },
    shadowDbInitScript: '',
    migrationDirectories: await Promise.all(
      names.map(async (name) => ({
        path: name,
        migrationFile: {
          path: 'migration.sql',
          content: { tag: 'ok' as const, value: await readFile(join(MIGRATIONS_DIR, name, 'migration.sql'), 'utf8') },
        },
      })),
    ),
  };
}

/**
 * The schema as of the newest migration, or undefined before the first one. A newest migration
 * without its snapshot is an error: diffing from nothing would write a migration that creates
 * every table again.
 */
export async function latestSnapshot(): Promise<string | undefined> {
  const names = await migrationNames();
  const newest = names.at(-1);
  if (newest === undefined) return undefined;
  const snapshotPath = join(MIGRATIONS_DIR, newest, SNAPSHOT_NAME);
  if (!existsSync(snapshotPath)) {
    throw new Error(
      `${snapshotPath} is missing: each migration folder keeps a copy of the schema.prisma it was generated from. ` +
        'Restore it (e.g. from version control) before creating or checking migrations.',
    );
  }
  return readFile(snapshotPath, 'utf8');
}
