import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findFreePort } from '../../src/database/embedded/free-port';
import { TEST_JWT_SECRET } from './test-app';

const ROOT = resolve(__dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'main.js');
/** What `main.ts` logs once the service accepts requests. */
const LISTENING = 'OTA service listening';

/** The newest modification time under `dir` (source files), in ms. */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Builds `dist/` (the Nest CLI and the console, as `npm run build` does) unless it is newer than every source
 * file: tests that run the service as separate processes run what `npm start` runs.
 */
export function ensureBuilt(): void {
  if (existsSync(MAIN) && statSync(MAIN).mtimeMs >= newestMtime(join(ROOT, 'src'))) return;
  const result = spawnSync(process.execPath, [join(ROOT, 'node_modules', '@nestjs', 'cli', 'bin', 'nest.js'), 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`nest build failed: ${result.stdout}${result.stderr}`);
  // The Nest build empties dist/, the console's build included.
  const console = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'console/vite.config.mts', '--logLevel', 'warn'], { cwd: ROOT, encoding: 'utf8' });
  if (console.status !== 0) throw new Error(`console build failed: ${console.stdout}${console.stderr}`);
}

/** One instance of the service in a process of its own, against a database the test gives it. */
export interface Replica {
  readonly url: string;
  readonly process: ChildProcess;
  /** Output so far, for a failing test's message. */
  log(): string;
  /** SIGKILL: no shutdown hook runs, in-flight transactions are cut off. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
}

/** Starts `node dist/main.js` (build it first with {@link ensureBuilt}) and waits until it listens. */
export async function startReplica(databaseUrl: string, env: Record<string, string> = {}): Promise<Replica> {
  const port = await findFreePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'ota-replica-'));
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      MIGRATE_ON_START: 'false',
      JWT_SECRET: TEST_JWT_SECRET,
      DATA_DIR: dataDir,
      // Info, for the line that says it listens (what start-up waits for).
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const listening = new Promise<void>((ready, failed) => {
    const keep = (chunk: Buffer) => {
      // The tail is enough to explain a failure; the access log would grow it without end.
      output = (output + chunk.toString()).slice(-20_000);
      if (output.includes(LISTENING)) ready();
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('exit', () => failed(new Error(`the replica exited at start: ${output}`)));
    AbortSignal.timeout(30_000).addEventListener('abort', () => failed(new Error(`the replica did not start within 30 s: ${output}`)));
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const url = `http://127.0.0.1:${port}`;
  const replica: Replica = {
    url,
    process: child,
    log: () => output,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  try {
    await listening;
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return replica;
}
