/**
 * `npm run bench:upload`: firmware upload throughput and memory.
 *
 * Uploads generated files (256 MiB and 1 GiB) through the service's API to an S3 server on
 * loopback (s3rver) and, in the same run, the same files straight to the same server with
 * @aws-sdk/lib-storage (the baseline: what S3 itself allows here). Prints both throughputs, their
 * ratio and the service's peak resident memory during each upload. Targets: ratio >= 0.7 and
 * peak RSS < 250 MB, flat in the file size. Exits 1 when a target is missed.
 *
 * The service runs as a child process from `dist/` (the script builds first), so its memory is
 * measured alone, configured as in production (NODE_ENV=production, migrations applied before by
 * `db:migrate`, not at start), against a PostgreSQL of its own in a temporary folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, openAsBlob, readFileSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { SignJWT } from 'jose';
import type * as EmbeddedPostgresModule from '../../src/database/embedded/embedded-postgres.js';

const MiB = 1024 * 1024;
const SIZES = [256 * MiB, 1024 * MiB];
const PART_SIZE = 8 * MiB;
const CONCURRENCY = 4;
const TARGET_RATIO = 0.7;
/** Uploads per size and path; the medians are compared. */
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const TARGET_RSS_MB = 250;
const JWT_SECRET = 'bench-secret-that-is-long-enough-for-hs256-0123456789';
const ACCESS = 'S3RVER';

const work = await mkdtemp(join(tmpdir(), 'ota-bench-'));
// Run as root, PostgreSQL runs as `postgres`, which must be able to enter the folder.
await chmod(work, 0o755);
const cleanups: (() => Promise<unknown>)[] = [() => rm(work, { recursive: true, force: true })];
try {
  const s3Port = await freePort();
  // The S3 server gets a process of its own, like a real one: neither path shares a thread with it.
  const s3rver = await startS3rver(s3Port, join(work, 's3'));
  cleanups.unshift(() => stopProcess(s3rver));
  const endpoint = `http://127.0.0.1:${s3Port}`;
  const s3 = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: ACCESS, secretAccessKey: ACCESS },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  await s3.send(new CreateBucketCommand({ Bucket: 'bench' }));

  const { startEmbeddedPostgres } = (await import(resolve('dist/database/embedded/embedded-postgres.js'))) as typeof EmbeddedPostgresModule;
  const database = await startEmbeddedPostgres({ dataDir: join(work, 'db'), port: 0, log: () => undefined });
  cleanups.unshift(() => database.stop());
  await runToCompletion(['dist/cli/migrate.js'], { DATABASE_URL: database.url });

  const servicePort = await freePort();
  const service = await startService(servicePort, endpoint, database.url);
  cleanups.unshift(() => stopProcess(service));
  const token = await new SignJWT({ organization_id: 'bench', role: 'operator' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('bench')
    .setExpirationTime('2h')
    .sign(new TextEncoder().encode(JWT_SECRET));

  // Warm-up: first requests pay for JIT and connection set-up on both paths.
  const warmup = await generateFile(join(work, 'warmup.bin'), 16 * MiB);
  await directUpload(s3, warmup, 'warmup');
  await apiUpload(servicePort, token, warmup, 'warmup', service);

  const rows: string[][] = [];
  let pass = true;
  for (const size of SIZES) {
    const file = await generateFile(join(work, `firmware-${size}.bin`), size);
    // Alternating runs, medians: this machine's figures vary by ±15% from one run to the next.
    const direct: number[] = [];
    const api: number[] = [];
    let peakRssMb = 0;
    for (let run = 0; run < RUNS; run++) {
      direct.push((await directUpload(s3, file, `direct-${size}-${run}`)).mbPerSecond);
      const result = await apiUpload(servicePort, token, file, `${size}.${run}`, service);
      api.push(result.mbPerSecond);
      peakRssMb = Math.max(peakRssMb, result.peakRssMb);
    }
    const ratio = median(api) / median(direct);
    pass &&= ratio >= TARGET_RATIO && peakRssMb < TARGET_RSS_MB;
    rows.push([`${size / MiB} MiB`, median(direct).toFixed(1), median(api).toFixed(1), ratio.toFixed(2), peakRssMb.toFixed(0)]);
    await rm(file.path);
  }

  printTable(['file', 'direct lib-storage MB/s (median)', 'through API MB/s (median)', 'ratio', 'service peak RSS MB (max)'], rows);
  console.log(`\ntargets: ratio >= ${TARGET_RATIO}, peak RSS < ${TARGET_RSS_MB} MB: ${pass ? 'met' : 'MISSED'}`);
  process.exitCode = pass ? 0 : 1;
} finally {
  for (const cleanup of cleanups) await cleanup().catch(() => undefined);
}

interface Timing {
  mbPerSecond: number;
}

async function directUpload(s3: S3Client, file: { path: string; size: number }, key: string): Promise<Timing> {
  const started = performance.now();
  await new Upload({
    client: s3,
    params: { Bucket: 'bench', Key: key, Body: createReadStream(file.path) },
    partSize: PART_SIZE,
    queueSize: CONCURRENCY,
  }).done();
  return { mbPerSecond: file.size / MiB / ((performance.now() - started) / 1000) };
}

/** Streams the file from disk as multipart (Blob from `openAsBlob` is read lazily by fetch). */
async function apiUpload(
  port: number,
  token: string,
  file: { path: string; size: number },
  version: string,
  service: ChildProcess,
): Promise<Timing & { peakRssMb: number }> {
  const form = new FormData();
  form.append('metadata', JSON.stringify({ name: 'bench', version, device_model: 'BENCH-1' }));
  form.append('file', await openAsBlob(file.path), 'firmware.bin');
  const sampler = sampleRss(service.pid as number);
  const started = performance.now();
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/firmware`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  const seconds = (performance.now() - started) / 1000;
  const peakRssMb = sampler.stop();
  const body = await res.text();
  if (res.status !== 201) throw new Error(`upload answered ${res.status}: ${body}`);
  return { mbPerSecond: file.size / MiB / seconds, peakRssMb };
}

/** Polls the process's resident set size; the peak over the sampled period, in MB. */
function sampleRss(pid: number): { stop(): number } {
  let peak = 0;
  const read = async () => {
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    peak = Math.max(peak, kb / 1024);
  };
  const timer = setInterval(() => void read(), 50);
  void read();
  return {
    stop: () => {
      clearInterval(timer);
      return peak;
    },
  };
}

async function startService(port: number, s3Endpoint: string, databaseUrl: string): Promise<ChildProcess> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    JWT_SECRET,
    SCHEDULER_ENABLED: 'false',
    STORAGE_DRIVER: 's3',
    S3_ENDPOINT: s3Endpoint,
    S3_BUCKET: 'bench',
    S3_ACCESS_KEY_ID: ACCESS,
    S3_SECRET_ACCESS_KEY: ACCESS,
    S3_FORCE_PATH_STYLE: 'true',
    S3_PART_SIZE_MB: String(PART_SIZE / MiB),
    S3_UPLOAD_CONCURRENCY: String(CONCURRENCY),
    FIRMWARE_MAX_BYTES: String(2 * 1024 * MiB),
  };
  const child = spawn(process.execPath, startArguments(), { env, stdio: ['ignore', 'inherit', 'inherit'] });
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the service exited with code ${child.exitCode}`);
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false);
    if (ok) return child;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('the service did not start within 120 s');
}

async function runToCompletion(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: 'inherit' });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`${args.join(' ')} exited with code ${code}`);
}

/** s3rver in a child process, answering once it listens. */
async function startS3rver(port: number, directory: string): Promise<ChildProcess> {
  const script = `const S3rver = require('s3rver'); new S3rver({ port: ${port}, address: '127.0.0.1', silent: true, directory: ${JSON.stringify(directory)} }).run().then(() => process.send('ready'));`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`s3rver exited with code ${code}`)));
  });
  return child;
}

/** The service starts exactly as `npm start` starts it (same Node flags), minus npm itself. */
function startArguments(): string[] {
  const start = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }).scripts.start;
  const [command, ...args] = start.split(/\s+/);
  if (command !== 'node') throw new Error(`npm start runs "${command}", not node: update the benchmark`);
  return args;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function generateFile(path: string, size: number): Promise<{ path: string; size: number }> {
  const out = createWriteStream(path);
  for (let written = 0; written < size; written += MiB) {
    if (!out.write(randomBytes(Math.min(MiB, size - written)))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return { path, size };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i])).join('  ');
  console.log(line(header));
  for (const row of rows) console.log(line(row));
}
