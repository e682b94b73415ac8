import { spawn } from 'node:child_process';
import { chmodSync, createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import createClient from 'openapi-fetch';
import { createOtaClient, type OtaClient, type paths } from '../../../clients/typescript';
import { envSchema } from '../../../src/config/env.schema';
import { findFreePort } from '../../../src/database/embedded/free-port';
import { waitUntil } from '../../utils/wait-for';
import { ROOT, SERVICE_MAIN } from './paths';
import { terminate } from './terminate';

/** The built service on its own embedded PostgreSQL, as `npm start` runs it on a new machine. */
export interface ServiceProcess {
  /** e.g. http://127.0.0.1:41234 */
  readonly url: string;
  /** Admin access through the typed client, for setting up and cross-checking what the console shows. */
  readonly admin: OtaClient;
  /** The end of the service's output, for a failing test's message (the whole log is in `logFile`). */
  logTail(): string;
  /** SIGTERM, wait for the exit, check the embedded PostgreSQL went with it, remove the data folder. */
  stop(): Promise<void>;
}

/** Embedded PostgreSQL creates its cluster at the first start: slow on a loaded machine. */
const START_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 60_000;
const TAIL_CHARS = 30_000;

/**
 * The environment of a new user: the caller's, minus every variable the service reads (the test
 * run sets DATABASE_URL, NATS_URL, MQTT_URL, REDIS_URL, JWT_SECRET, NODE_ENV=test, …) and the
 * test run's own. Without DATABASE_URL and JWT settings the service runs embedded PostgreSQL and
 * issues development tokens, which is what the console's sign-in page uses.
 */
function newUserEnvironment(overrides: Record<string, string>): NodeJS.ProcessEnv {
  const serviceVariables = new Set(Object.keys(envSchema.shape));
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (serviceVariables.has(name) || name.startsWith('OTA_TEST_')) continue;
    env[name] = value;
  }
  return { ...env, ...overrides };
}

/** Starts `node dist/main.js` in a fresh DATA_DIR on a free port and waits for /health. */
export async function startService(options: { logFile: string }): Promise<ServiceProcess> {
  const port = await findFreePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'ota-console-e2e-'));
  // Under root the cluster runs as the OS user `postgres`, which must be able to enter the folder.
  chmodSync(dataDir, 0o755);
  const url = `http://127.0.0.1:${port}`;

  const child = spawn(process.execPath, [SERVICE_MAIN], {
    cwd: ROOT,
    env: newUserEnvironment({ PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_FORMAT: 'json', LOG_LEVEL: 'info' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(options.logFile);
  let tail = '';
  const keep = (chunk: Buffer) => {
    log.write(chunk);
    tail = (tail + chunk.toString()).slice(-TAIL_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));

  // The public routes (health, development token) take no credentials.
  const anonymous = createClient<paths>({ baseUrl: url });
  const healthy = async (): Promise<boolean> => {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the service exited at start (${child.exitCode ?? child.signalCode}):\n${tail}`);
    try {
      const { response } = await anonymous.GET('/health');
      return response.status === 200;
    } catch {
      return false; // not listening yet
    }
  };

  let postmasterPid: number | undefined;
  const stop = async (): Promise<void> => {
    // A graceful shutdown stops the embedded PostgreSQL last; SIGKILL only when it hangs.
    await terminate(child, exited, STOP_TIMEOUT_MS);
    log.end();
    if (postmasterPid !== undefined) await ensureGone(postmasterPid);
    rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    await waitUntil('the service to answer /health', healthy, { timeoutMs: START_TIMEOUT_MS, intervalMs: 250 });
    postmasterPid = readPostmasterPid(dataDir);
    if (postmasterPid === undefined) throw new Error(`the service is healthy but no embedded PostgreSQL runs in ${dataDir} (was DATABASE_URL stripped?)`);
    const token = await anonymous.POST('/api/v1/auth/dev-token', { body: { user_id: 'e2e-admin', email: 'e2e-admin@example.com', role: 'admin' } });
    if (!token.data) throw new Error(`development tokens are off (${token.response.status}): the service must run in embedded development mode`);
    return { url, admin: createOtaClient(url, { bearer: token.data.token }), logTail: () => tail, stop };
  } catch (error) {
    await stop().catch(() => undefined);
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n--- service log (end) ---\n${tail}`);
  }
}

function readPostmasterPid(dataDir: string): number | undefined {
  const file = join(dataDir, 'postgres', 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The service's shutdown must take its PostgreSQL along; a leftover one is killed and reported. */
async function ensureGone(postmasterPid: number): Promise<void> {
  try {
    await waitUntil(`embedded PostgreSQL (pid ${postmasterPid}) to exit with the service`, () => !isAlive(postmasterPid), { timeoutMs: 15_000, intervalMs: 100 });
  } catch (error) {
    process.kill(postmasterPid, 'SIGKILL');
    throw error;
  }
}
