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
import { createReadStream, createWriteStream, openAsBlob } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type * as SupportModule from './support.mts';

// Imported at run time: tsc refuses a static import ending in `.mts`, Node needs the extension.
const { embeddedDatabase, freePort, median, userToken, printTable, runBenchmark, startService, stopProcess, timed } = (await import(
  new URL('./support.mts', import.meta.url).href
)) as typeof SupportModule;

const MiB = 1024 * 1024;
const SIZES = [256 * MiB, 1024 * MiB];
const PART_SIZE = 8 * MiB;
const CONCURRENCY = 4;
const TARGET_RATIO = 0.7;
/** Uploads per size and path; the medians are compared. */
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const TARGET_RSS_MB = 250;
const ACCESS = 'S3RVER';

await runBenchmark('ota-bench-', async (workspace) => {
  const work = workspace.folder;
  const s3Port = await freePort();
  // The S3 server gets a process of its own, like a real one: neither path shares a thread with it.
  const s3rver = await startS3rver(s3Port, join(work, 's3'));
  workspace.defer(() => stopProcess(s3rver));
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

  const service = await startService(workspace, {
    databaseUrl: await embeddedDatabase(workspace),
    env: {
      STORAGE_DRIVER: 's3',
      S3_ENDPOINT: endpoint,
      S3_BUCKET: 'bench',
      S3_ACCESS_KEY_ID: ACCESS,
      S3_SECRET_ACCESS_KEY: ACCESS,
      S3_FORCE_PATH_STYLE: 'true',
      S3_PART_SIZE_MB: String(PART_SIZE / MiB),
      S3_UPLOAD_CONCURRENCY: String(CONCURRENCY),
      FIRMWARE_MAX_BYTES: String(2 * 1024 * MiB),
    },
  });
  const token = await userToken('bench');

  // Warm-up: first requests pay for JIT and connection set-up on both paths.
  const warmup = await generateFile(join(work, 'warmup.bin'), 16 * MiB);
  await directUpload(s3, warmup, 'warmup');
  await apiUpload(service, token, warmup, 'warmup');

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
      const result = await apiUpload(service, token, file, `${size}.${run}`);
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
});

interface Timing {
  mbPerSecond: number;
}

async function directUpload(s3: S3Client, file: { path: string; size: number }, key: string): Promise<Timing> {
  const { seconds } = await timed(() =>
    new Upload({
      client: s3,
      params: { Bucket: 'bench', Key: key, Body: createReadStream(file.path) },
      partSize: PART_SIZE,
      queueSize: CONCURRENCY,
    }).done(),
  );
  return { mbPerSecond: file.size / MiB / seconds };
}

/** Streams the file from disk as multipart (Blob from `openAsBlob` is read lazily by fetch). */
async function apiUpload(service: SupportModule.Service, token: string, file: { path: string; size: number }, version: string): Promise<Timing & { peakRssMb: number }> {
  const form = new FormData();
  form.append('metadata', JSON.stringify({ name: 'bench', version, device_model: 'BENCH-1' }));
  form.append('file', await openAsBlob(file.path), 'firmware.bin');
  const sampler = sampleRss(service.process.pid as number);
  const { value: res, seconds } = await timed(() =>
    fetch(`${service.origin}/api/v1/firmware`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form }),
  );
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

async function generateFile(path: string, size: number): Promise<{ path: string; size: number }> {
  const out = createWriteStream(path);
  for (let written = 0; written < size; written += MiB) {
    if (!out.write(randomBytes(Math.min(MiB, size - written)))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return { path, size };
}
