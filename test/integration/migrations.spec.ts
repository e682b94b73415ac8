import { Client } from 'pg';
import { latestSnapshot, migrationNames, readSchema } from '../../src/database/migrations/migration-directory';
import { MIGRATION_LOCK_KEY, applyMigrations, migrationStatus } from '../../src/database/migrations/migrator';
import { diffDatamodels } from '../../src/database/migrations/schema-diff';
import { createTestDatabase, type TestDatabase, withClient } from '../utils/test-database';
import { waitUntil } from '../utils/wait-for';

/**
 * The drift test: `prisma/schema.prisma`, the newest migration's snapshot and the SQL of every
 * migration must describe the same database, and the runner must be safe to repeat and to race.
 * Prisma's own `migrate diff --from-migrations` cannot run here (the pg adapter cannot introspect),
 * so the comparison is done on PostgreSQL's catalogs instead.
 */
describe('migrations', () => {
  const databases: TestDatabase[] = [];
  let names: string[];
  let schema: string;

  async function emptyDatabase(): Promise<TestDatabase> {
    const database = await createTestDatabase({ migrated: false });
    databases.push(database);
    return database;
  }

  beforeAll(async () => {
    names = await migrationNames();
    schema = await readSchema();
  });
  afterAll(() => Promise.all(databases.map((database) => database.drop())));

  it('has migrations to check, and a snapshot beside the newest one', async () => {
    expect(names.length).toBeGreaterThan(0);
    expect(await latestSnapshot()).toContain('model ');
  });

  describe('schema.prisma agrees with the newest migration', () => {
    let url: string;
    beforeAll(async () => {
      url = (await emptyDatabase()).url;
    });

    it('diffs the snapshot of the newest migration against schema.prisma to nothing', async () => {
      const snapshot = await latestSnapshot();
      expect(await diffDatamodels(url, snapshot, schema)).toBe('');
    });

    it('reports a change the migrations do not have (a column added in memory)', async () => {
      const snapshot = await latestSnapshot();
      const changed = withExtraColumn(schema);
      const sql = await diffDatamodels(url, snapshot, changed);
      expect(sql).toMatch(/ALTER TABLE "ota"\."api_keys" ADD COLUMN\s+"drift_probe" TEXT/);
    });
  });

  describe('applying every migration builds what schema.prisma describes', () => {
    let migrated: DatabaseShape;
    let fromSchema: DatabaseShape;

    beforeAll(async () => {
      const viaMigrations = await emptyDatabase();
      const viaSchema = await emptyDatabase();
      expect(await applyMigrations(viaMigrations.url)).toEqual(names);
      await execute(viaSchema.url, await diffDatamodels(viaSchema.url, undefined, schema));
      [migrated, fromSchema] = await Promise.all([describeDatabase(viaMigrations.url), describeDatabase(viaSchema.url)]);
    });

    it('creates the tables of every model', () => {
      expect(migrated.tables).toEqual(mappedTableNames(schema));
    });

    it('gives both databases the same tables, columns, indexes, constraints, enums and sequences', () => {
      expect(migrated.columns.length).toBeGreaterThan(0);
      expect(migrated.indexes.length).toBeGreaterThan(0);
      expect(migrated.constraints.length).toBeGreaterThan(0);
      expect(migrated).toEqual(fromSchema);
    });

    it('notices a database built from a different schema', async () => {
      const other = await emptyDatabase();
      await execute(other.url, await diffDatamodels(other.url, undefined, withExtraColumn(schema)));
      const shape = await describeDatabase(other.url);
      expect(shape).not.toEqual(migrated);
      expect(shape.columns).toContainEqual(expect.objectContaining({ table: 'api_keys', column: 'drift_probe', type: 'text' }));
    });
  });

  describe('the runner', () => {
    it('applies nothing the second time and reports the database up to date', async () => {
      const database = await emptyDatabase();
      expect(await applyMigrations(database.url)).toEqual(names);
      expect(await applyMigrations(database.url)).toEqual([]);
      await withClient(database.url, async (client) => {
        expect(await recordedMigrations(client)).toEqual(names.map((name) => ({ name, finished: true })));
        expect(await migrationStatus(queryWith(client))).toEqual({ status: 'up_to_date', applied: names, pending: [], failed: [] });
      });
    });

    it('reports every migration pending on a database where none was applied', async () => {
      const database = await emptyDatabase();
      await withClient(database.url, async (client) => {
        expect(await migrationStatus(queryWith(client))).toEqual({ status: 'pending', applied: [], pending: names, failed: [] });
      });
    });

    it('reports the newest migration pending or failed from what _prisma_migrations records', async () => {
      const database = await emptyDatabase();
      await applyMigrations(database.url);
      const newest = names.at(-1) as string;
      await withClient(database.url, async (client) => {
        await client.query('UPDATE _prisma_migrations SET finished_at = NULL WHERE migration_name = $1', [newest]);
        expect(await migrationStatus(queryWith(client))).toEqual({
          status: 'failed',
          applied: names.slice(0, -1),
          pending: [],
          failed: [newest],
        });

        await client.query('DELETE FROM _prisma_migrations WHERE migration_name = $1', [newest]);
        expect(await migrationStatus(queryWith(client))).toEqual({
          status: 'pending',
          applied: names.slice(0, -1),
          pending: [newest],
          failed: [],
        });
      });
    });

    it('lets two concurrent runs on one empty database both succeed, applying each migration once', async () => {
      const database = await emptyDatabase();
      const runs = await Promise.all([applyMigrations(database.url), applyMigrations(database.url)]);
      expect(runs.flat().sort()).toEqual(names);
      await withClient(database.url, async (client) => {
        expect(await recordedMigrations(client)).toEqual(names.map((name) => ({ name, finished: true })));
      });
    });

    it('waits for the migration lock another runner holds before touching the database', async () => {
      const database = await emptyDatabase();
      await withClient(database.url, async (otherRunner) => {
        await otherRunner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
        let finished = false;
        const run = applyMigrations(database.url).finally(() => (finished = true));
        try {
          await waitUntil('the other runner to wait for the migration lock', async () => finished || (await lockWaiters(otherRunner)) === 1);
          expect(finished).toBe(false);
          const { rows } = await otherRunner.query(`SELECT to_regclass('public._prisma_migrations') AS recorded`);
          expect(rows[0].recorded).toBeNull();
        } finally {
          await otherRunner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
        }
        expect(await run).toEqual(names);
        expect(await lockWaiters(otherRunner)).toBe(0);
      });
    });
  });
});

/** Sessions of this database waiting for the migration lock (a bigint key below 2^32 is its objid). */
async function lockWaiters(client: Client): Promise<number> {
  const { rows } = await client.query<{ waiting: number }>(
    `SELECT count(*)::int AS waiting FROM pg_locks l JOIN pg_database d ON d.oid = l.database
      WHERE l.locktype = 'advisory' AND NOT l.granted AND l.classid = 0 AND l.objid = $1 AND d.datname = current_database()`,
    [MIGRATION_LOCK_KEY],
  );
  return rows[0].waiting;
}

interface DatabaseShape {
  tables: string[];
  columns: Array<{ table: string; column: string; type: string; nullable: boolean; default: string | null }>;
  indexes: Array<{ name: string; definition: string }>;
  constraints: Array<{ table: string; name: string; type: string; definition: string }>;
  enums: Array<{ name: string; labels: string[] }>;
  sequences: string[];
}

const SCHEMA = 'ota';

/**
 * What the `ota` schema contains, from PostgreSQL's catalogs. Columns are compared by name, not
 * position: a column a later migration adds lands last, while a fresh build puts it where the
 * model declares it, and both are the same schema. Enum labels are compared as a set for the
 * same reason (`ALTER TYPE … ADD VALUE` appends).
 */
async function describeDatabase(url: string): Promise<DatabaseShape> {
  return withClient(url, async (client) => {
    const rows = async <T>(sql: string): Promise<T[]> => (await client.query(sql, [SCHEMA])).rows as T[];
    const tables = await rows<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f') ORDER BY 1`,
    );
    const columns = await rows<DatabaseShape['columns'][number]>(
      `SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
              NOT a.attnotnull AS nullable, pg_get_expr(d.adbin, d.adrelid) AS default
         FROM pg_attribute a
         JOIN pg_class c ON c.oid = a.attrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY 1, 2`,
    );
    const indexes = await rows<DatabaseShape['indexes'][number]>(
      `SELECT indexname AS name, indexdef AS definition FROM pg_indexes WHERE schemaname = $1 ORDER BY 1`,
    );
    const constraints = await rows<DatabaseShape['constraints'][number]>(
      `SELECT c.relname AS table, k.conname AS name, k.contype::text AS type, pg_get_constraintdef(k.oid) AS definition
         FROM pg_constraint k
         JOIN pg_class c ON c.oid = k.conrelid
         JOIN pg_namespace n ON n.oid = k.connamespace
        WHERE n.nspname = $1 ORDER BY 1, 2`,
    );
    const enums = await rows<DatabaseShape['enums'][number]>(
      `SELECT t.typname AS name, array_agg(e.enumlabel::text ORDER BY e.enumlabel) AS labels
         FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid
        WHERE n.nspname = $1 GROUP BY 1 ORDER BY 1`,
    );
    const sequences = await rows<{ name: string }>(
      `SELECT sequence_name AS name FROM information_schema.sequences WHERE sequence_schema = $1 ORDER BY 1`,
    );
    return {
      tables: tables.map((t) => t.name),
      columns,
      indexes,
      constraints,
      enums,
      sequences: sequences.map((s) => s.name),
    };
  });
}

/** The table names schema.prisma maps its models to, sorted like the catalog query. */
function mappedTableNames(datamodel: string): string[] {
  return [...datamodel.matchAll(/@@map\("([^"]+)"\)/g)].map((match) => match[1]).sort();
}

/** schema.prisma with one more nullable column on `ApiKey`, as a developer would add it. */
function withExtraColumn(datamodel: string): string {
  const changed = datamodel.replace(/(model ApiKey \{\n)/, '$1  driftProbe String? @map("drift_probe")\n');
  if (changed === datamodel) throw new Error('model ApiKey not found in schema.prisma: update this test');
  return changed;
}

async function execute(url: string, script: string): Promise<void> {
  expect(script).not.toBe('');
  await withClient(url, (client) => client.query(script));
}

async function recordedMigrations(client: Client): Promise<Array<{ name: string; finished: boolean }>> {
  const { rows } = await client.query<{ name: string; finished: boolean }>(
    `SELECT migration_name AS name, finished_at IS NOT NULL AS finished FROM _prisma_migrations
      WHERE rolled_back_at IS NULL ORDER BY migration_name`,
  );
  return rows;
}

function queryWith(client: Client): <T>(sql: string) => Promise<T[]> {
  return async <T>(sql: string) => (await client.query(sql)).rows as T[];
}

