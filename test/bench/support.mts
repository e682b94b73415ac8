/**
 * What the benchmarks share: a temporary workspace whose cleanups run at the end, the database and
 * the service as child processes configured as in production, an operator token, and the figures
 * (timing, median, table).
 *
 * The benchmarks run the built service from `dist/` (their npm scripts build first), with the Node
 * in node_modules, from the repository root (paths here are relative to it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SignJWT } from 'jose';
import pg from 'pg';
import type * as EmbeddedPostgresModule from '../../src/database/embedded/embedded-postgres.js';

/** The service's JWT secret in every benchmark; `userToken` signs with it. */
export const JWT_SECRET = 'bench-secret-that-is-long-enough-for-hs256-0123456789';

// -------------------------------------------------------------------------------------------------
// Workspace
// -------------------------------------------------------------------------------------------------

export interface Workspace {
  /** A temporary folder of the run, removed at the end. */
  readonly folder: string;
  /** Registers a cleanup. Cleanups run at the end, the last registered first; their errors are ignored. */
  defer(cleanup: () => Promise<unknown>): void;
}

/**
 * The whole run of a benchmark: runs `bench` with a fresh temporary folder (named `<prefix>XXXXXX`),
 * prints its error if it throws (exit code 1), runs the cleanups it registered, removes the folder,
 * then ends the process with `process.exitCode` (which `bench` sets, e.g. to 1 for a missed target).
 *
 * The explicit exit is what keeps that code: once the embedded PostgreSQL is loaded, its exit hook
 * (async-exit-hook) turns the natural end of the process into `process.exit(0)`.
 */
export async function runBenchmark(prefix: string, bench: (workspace: Workspace) => Promise<void>): Promise<never> {
  const folder = await mkdtemp(join(tmpdir(), prefix));
  const cleanups: (() => Promise<unknown>)[] = [() => rm(folder, { recursive: true, force: true })];
  try {
    // Run as root, an embedded PostgreSQL runs as `postgres`, which must be able to enter the folder.
    await chmod(folder, 0o755);
    await bench({ folder, defer: (cleanup) => cleanups.unshift(cleanup) });
  } catch (error) {
    console.error(error);
    process.exitCode = 1;
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
  }
  process.exit(process.exitCode ?? 0);
}

// -------------------------------------------------------------------------------------------------
// Database
// -------------------------------------------------------------------------------------------------

/** A PostgreSQL of the run's own in the workspace, migrated, stopped at the end; its URL. */
export async function embeddedDatabase(workspace: Workspace): Promise<string> {
  const url = await startEmbeddedPostgres(workspace);
  await migrate(url);
  return url;
}

/**
 * A new, migrated database on the server of `DATABASE_URL` when it is set (used as an admin
 * connection; the database is dropped at the end), else `embeddedDatabase`. Says which it uses.
 */
export async function freshDatabase(workspace: Workspace, namePrefix: string): Promise<string> {
  const admin = process.env.DATABASE_URL;
  if (admin === undefined || admin === '') {
    const url = await startEmbeddedPostgres(workspace);
    console.log('database: embedded PostgreSQL in a temporary folder');
    await migrate(url);
    return url;
  }
  const name = `${namePrefix}_${randomBytes(4).toString('hex')}`;
  const onAdmin = async (sql: string) => {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await onAdmin(`CREATE DATABASE "${name}"`);
  workspace.defer(() => onAdmin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  const url = new URL(admin);
  url.pathname = `/${name}`;
  console.log(`database: fresh database ${name} on ${url.host}`);
  await migrate(url.toString());
  return url.toString();
}

async function startEmbeddedPostgres(workspace: Workspace): Promise<string> {
  const embedded = (await import(resolve('dist/database/embedded/embedded-postgres.js'))) as typeof EmbeddedPostgresModule;
  const database = await embedded.startEmbeddedPostgres({ dataDir: join(workspace.folder, 'db'), port: 0, log: () => undefined });
  workspace.defer(() => database.stop());
  return database.url;
}

/** Applies the migrations as a deployment does (`dist/cli/migrate.js`, not the service at start). */
function migrate(databaseUrl: string): Promise<void> {
  return runToCompletion(['dist/cli/migrate.js'], { DATABASE_URL: databaseUrl });
}

// -------------------------------------------------------------------------------------------------
// Processes
// -------------------------------------------------------------------------------------------------

export interface Service {
  readonly process: ChildProcess;
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
}

/**
 * Starts the service from `dist/` as `npm start` does, on a free loopback port, configured as in
 * production (warn-level logs, no scheduler, `JWT_SECRET`) plus `env`, which adds or overrides
 * variables (storage, limits...). Answers once `/health` does; stopped at the end of the workspace.
 */
export async function startService(workspace: Workspace, options: { databaseUrl: string; env: NodeJS.ProcessEnv }): Promise<Service> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    DATABASE_URL: options.databaseUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    JWT_SECRET,
    SCHEDULER_ENABLED: 'false',
    // For a look inside, e.g. BENCH_SERVICE_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/prof".
    ...(process.env.BENCH_SERVICE_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_SERVICE_NODE_OPTIONS } : {}),
    ...options.env,
  };
  const child = spawn(process.execPath, startArguments(), { env, stdio: ['ignore', 'inherit', 'inherit'] });
  workspace.defer(() => stopProcess(child));
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the service exited with code ${child.exitCode}`);
    const ok = await fetch(`${origin}/health`).then((r) => r.ok, () => false);
    if (ok) return { process: child, port, origin };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('the service did not start within 120 s');
}

/** The service starts exactly as `npm start` starts it (same Node flags), minus npm itself. */
function startArguments(): string[] {
  const start = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }).scripts.start;
  const [command, ...args] = start.split(/\s+/);
  if (command !== 'node') throw new Error(`npm start runs "${command}", not node: update the benchmark`);
  return args;
}

/** Runs a Node script with only PATH, HOME and `env` in its environment; throws unless it exits 0. */
export async function runToCompletion(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: 'inherit' });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`${args.join(' ')} exited with code ${code}`);
}

/**
 * SIGTERM, then waits for the exit (the service shuts down gracefully on it). A child that already
 * ended, with a code or by a signal (the service re-raises SIGTERM once shut down), is left alone:
 * waiting for its exit again would wait forever.
 */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/**
 * CPU time (user + system) the process has used so far, in ms, from `/proc` (Linux). On a shared
 * machine a process's CPU per request holds still where its rate follows the neighbours' load.
 */
export function processCpuMs(pid: number): number {
  // Fields after the command name (which may hold spaces); utime and stime are the 12th and 13th.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** `getconf CLK_TCK` on Linux: /proc counts CPU time in these. */
const CLOCK_TICKS_PER_SECOND = 100;

/** A loopback port free right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

// -------------------------------------------------------------------------------------------------
// Authentication
// -------------------------------------------------------------------------------------------------

/**
 * An HS256 bearer token of a user with `role` in `organizationId`, valid for 2 h. Rate limits
 * budget per credential: workers that each need a budget take a `user` of their own.
 */
export function userToken(organizationId: string, role: 'operator' | 'admin' = 'operator', user = `bench-${role}`): Promise<string> {
  return new SignJWT({ organization_id: organizationId, role })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(user)
    .setExpirationTime('2h')
    .sign(new TextEncoder().encode(JWT_SECRET));
}

// -------------------------------------------------------------------------------------------------
// Generated data
// -------------------------------------------------------------------------------------------------

/** A seeded pseudo-random source in [0, 1) (mulberry32), so every run generates the same data. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// -------------------------------------------------------------------------------------------------
// Figures
// -------------------------------------------------------------------------------------------------

/** `work`'s result and how long it took, in seconds. */
export async function timed<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const started = performance.now();
  const value = await work();
  return { value, seconds: (performance.now() - started) / 1000 };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Prints aligned columns, two spaces apart. Cells are right-aligned (figures); `firstColumn: 'left'`
 * left-aligns the first column, for row labels.
 */
export function printTable(header: string[], rows: string[][], options: { firstColumn?: 'left' | 'right' } = {}): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const align = (cell: string, i: number) => (i === 0 && options.firstColumn === 'left' ? cell.padEnd(widths[i]) : cell.padStart(widths[i]));
  const line = (cells: string[]) => cells.map(align).join('  ');
  console.log(line(header));
  for (const row of rows) console.log(line(row));
}
