/**
 * `npm run bench:checkin`: device check-in rate against a bare Fastify on the same machine, with
 * and without `If-None-Match`, and status-report ingestion rate; rate limits on at their defaults.
 *
 * Imports 100 000 devices (`POST /api/v1/devices/import`), uploads one firmware and releases it to
 * 10 000 of them (`POST /api/v1/devices/bulk/update`, batches of 10 000): every tenth device has a
 * pending update. By default devices call with their own tokens (`Authorization: Device`), rotated
 * for a shuffled sample of BENCH_TOKEN_SAMPLE (5 000) devices, which the check-ins cycle through
 * (about a tenth of them with a pending update), plus the reporting devices. `--gateway-key` (or
 * BENCH_CREDENTIALS=gateway) uses one `device_gateway` API key for every device instead, and the
 * check-ins cycle through the whole fleet. Operator calls back off on 429 and spread over several
 * users (each credential has its own budget). Other knobs: BENCH_DEVICES, BENCH_PENDING,
 * BENCH_REPORT_DEVICES, BENCH_BULK_BATCH, BENCH_CONNECTIONS, BENCH_WARMUP_SECONDS,
 * BENCH_DURATION_SECONDS, BENCH_ROUNDS. The database is a fresh one on the server of DATABASE_URL
 * when set, else an embedded PostgreSQL (see support.mts).
 *
 * Check-ins: autocannon, 64 connections, each request for the next device of the shuffled sample.
 * A first pass collects every device's ETag. Then three measurements: check-ins without
 * `If-None-Match` (200 with the full answer, which the service remembers from the first pass),
 * revalidations (each device sends the ETag of its last answer: 304), and check-ins without
 * `If-None-Match` on a second instance that remembers nothing (CHECK_IN_ANSWER_CACHE_SIZE=0), so
 * each one reads, as on a replica that has not answered the device before. For each, a bare Fastify "hello world" in a child process gets the same
 * requests with the same settings; after a warm-up of each, BENCH_ROUNDS (3) rounds of
 * BENCH_DURATION_SECONDS (5 s) alternate between the service and the baseline, so each round's
 * ratio compares neighbouring windows. Prints every round, then the medians: request rates, their
 * ratio (targets >= 0.30 without If-None-Match, both ways, >= 0.45 with it) and p50/p99 latency (target
 * p99 <= 30 ms).
 *
 * Status reports: devices with a pending update report downloading, verifying, installing,
 * rebooting, completed, in order per device (each autocannon connection works through one device
 * at a time), 64 connections; prints reports/s (target >= 3 000/s), then checks that every update
 * is completed with its five reports in its timeline (all of them through `GET /api/v1/updates/{id}`)
 * and that `GET /api/v1/stats` counts them.
 *
 * Exits 1 only on errors (a failed request, a report not persisted), not on a missed target.
 */
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Instance, Options, Result } from 'autocannon';
import type * as SupportModule from './support.mts';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon') as (options: Options) => Instance & PromiseLike<Result>;

const DEVICES = Number(process.env.BENCH_DEVICES ?? 100_000);
/** Every `DEVICES / PENDING`-th device has a pending update. */
const PENDING = Number(process.env.BENCH_PENDING ?? 10_000);
/** Devices that run the full report cycle; a multiple of CONNECTIONS keeps whole cycles per connection. */
const REPORT_DEVICES = Number(process.env.BENCH_REPORT_DEVICES ?? 5_120);
/** Devices per `POST /devices/bulk/update` (the endpoint's maximum is 10 000). */
const BULK_BATCH = Number(process.env.BENCH_BULK_BATCH ?? 10_000);
/**
 * `tokens` (default): each device its own token (`Authorization: Device`), rotated for a sample of
 * TOKEN_SAMPLE devices (plus the reporting ones), which the check-ins cycle through. `gateway`: one
 * `device_gateway` API key for every device, so the load spreads over the whole fleet.
 */
const CREDENTIALS = (process.argv.includes('--gateway-key') ? 'gateway' : (process.env.BENCH_CREDENTIALS ?? 'tokens')) as 'gateway' | 'tokens';
const TOKEN_SAMPLE = Number(process.env.BENCH_TOKEN_SAMPLE ?? 5_000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
/** Seconds per measured window; each server gets ROUNDS of them, alternating. */
const DURATION_SECONDS = Number(process.env.BENCH_DURATION_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** Operator calls in flight at once while setting up, each worker with a user (and budget) of its own. */
const SETUP_WORKERS = 16;
const TARGET_RATIO = { first: 0.3, revalidation: 0.45 } as const;
const TARGET_P99_MS = 30;
const TARGET_REPORTS_PER_SECOND = 3_000;
const ORG = 'bench-checkin';
const DEVICE_VERSION = '1.0.0';
const TARGET_VERSION = '1.1.0';
const REPORT_CYCLE = ['downloading', 'verifying', 'installing', 'rebooting', 'completed'] as const;

if (CREDENTIALS !== 'gateway' && CREDENTIALS !== 'tokens') throw new Error('BENCH_CREDENTIALS must be gateway or tokens');
if (DEVICES % PENDING !== 0) throw new Error('BENCH_DEVICES must be a multiple of BENCH_PENDING');
if (REPORT_DEVICES > PENDING || REPORT_DEVICES % CONNECTIONS !== 0) throw new Error('BENCH_REPORT_DEVICES must be <= BENCH_PENDING and a multiple of BENCH_CONNECTIONS');

// Imported at run time: tsc refuses a static import ending in `.mts`, Node needs the extension.
const { freePort, freshDatabase, median, processCpuMs, userToken, printTable, seededRandom, runBenchmark, startService, stopProcess } = (await import(
  new URL('./support.mts', import.meta.url).href
)) as typeof SupportModule;

const deviceId = (i: number) => `ck-${String(i).padStart(6, '0')}`;
const checkInPath = (id: string) => `/api/v1/device-api/devices/${id}/check-in`;
const CHECK_IN_BODY = JSON.stringify({ firmware_version: DEVICE_VERSION });

/** One API call; a 429 is waited out (`Retry-After`) and sent again, as any client of a rate-limited API does. */
async function call<T>(origin: string, method: string, path: string, headers: Record<string, string>, body?: string | Buffer | FormData): Promise<T> {
  for (;;) {
    const res = await fetch(`${origin}${path}`, { method, headers, body });
    const text = await res.text();
    if (res.status === 429) {
      await new Promise((resolve) => setTimeout(resolve, Number(res.headers.get('retry-after') ?? 1) * 1000));
      continue;
    }
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 2000)}`);
    return JSON.parse(text) as T;
  }
}

/** Runs `work` on every item, SETUP_WORKERS at a time, each worker with an operator token of its own. */
async function withOperators<T>(items: T[], work: (item: T, operator: Record<string, string>) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: SETUP_WORKERS }, async (_, worker) => {
      const operator = { authorization: `Bearer ${await userToken(ORG, 'operator', `bench-operator-${worker}`)}` };
      for (let item = queue.pop(); item !== undefined; item = queue.pop()) await work(item, operator);
    }),
  );
}

function run(options: Options): Promise<Result> {
  return new Promise((resolve, reject) => {
    autocannon({ ...options }).then(resolve, reject);
  });
}

/** Transport errors, timeouts and 4xx/5xx answers of a run (304 is an expected answer). */
function failures(result: Result): string | undefined {
  const bad = result.errors + result.timeouts + result['4xx'] + result['5xx'];
  if (bad === 0) return undefined;
  return `${result.errors} errors, ${result.timeouts} timeouts, status counts ${JSON.stringify(result.statusCodeStats)}`;
}

/** What autocannon keeps per connection: the device of the request in flight. */
interface DeviceContext {
  device: number;
}

interface Mix {
  withUpdate: number;
  withoutUpdate: number;
  notModified: number;
  conditional: number;
  other: number;
}

const emptyMix = (): Mix => ({ withUpdate: 0, withoutUpdate: 0, notModified: 0, conditional: 0, other: 0 });

/**
 * Check-in requests cycling through `order` from `cursor` on (runs that share a cursor go on
 * where the last one stopped); with `etags` set, each device sends the ETag of its last answer.
 * `mix` counts what was sent and answered; `learn`, when set, records each answer's ETag.
 */
function checkInRequests(
  order: number[],
  etags: Map<number, string> | undefined,
  mix: Mix,
  credentials: (device: number) => Record<string, string>,
  cursor = { next: 0 },
  learn?: Map<number, string>,
): Options['requests'] {
  return [
    {
      method: 'POST',
      setupRequest: (request, context) => {
        const device = order[cursor.next++ % order.length];
        (context as DeviceContext).device = device;
        const etag = etags?.get(device);
        if (etag !== undefined) mix.conditional++;
        return {
          ...request,
          path: checkInPath(deviceId(device)),
          headers: { ...request.headers, ...credentials(device), ...(etag === undefined ? {} : { 'if-none-match': etag }) },
          body: CHECK_IN_BODY,
        };
      },
      onResponse: (status, body, context, headers) => {
        if (status === 304) mix.notModified++;
        else if (status !== 200) mix.other++;
        else if (body.includes('"update":null')) mix.withoutUpdate++;
        else mix.withUpdate++;
        if (learn && status === 200) {
          const etag = headers?.etag ?? headers?.ETag;
          if (typeof etag === 'string') learn.set((context as DeviceContext).device, etag);
        }
      },
    },
  ];
}

interface Measurement {
  label: string;
  target: number;
  mix: Mix;
  /** Each round's runs, and the service's CPU time per answered check-in in it (µs). */
  rounds: { service: Result; hello: Result; cpuMicros: number }[];
}

await runBenchmark('ota-bench-checkin-', async (workspace) => {
  const databaseUrl = await freshDatabase(workspace, 'ota_bench_checkin');
  const serviceEnv = {
    STORAGE_DRIVER: 'filesystem',
    STORAGE_DIR: join(workspace.folder, 'storage'),
    DOWNLOAD_URL_SECRET: randomBytes(32).toString('hex'),
    DEVICE_IMPORT_MAX_BYTES: String(512 * 1024 * 1024),
  };
  const service = await startService(workspace, { databaseUrl, env: serviceEnv });
  const operator = { authorization: `Bearer ${await userToken(ORG)}` };

  // --- fleet, firmware, pending updates, gateway key ----------------------------------------------
  const ndjson = Array.from({ length: DEVICES }, (_, i) =>
    JSON.stringify({ device_id: deviceId(i), device_type: 'sensor', device_model: 'BENCH-1', manufacturer: 'Bench', hardware_version: '1.0', firmware_version: DEVICE_VERSION }),
  ).join('\n');
  const imported = await call<{ created: number; updated: number; failed: unknown[] }>(service.origin, 'POST', '/api/v1/devices/import', {
    ...operator,
    'content-type': 'application/x-ndjson',
  }, `${ndjson}\n`);
  if (imported.created !== DEVICES || imported.failed.length > 0) throw new Error(`import: ${JSON.stringify(imported).slice(0, 500)}`);

  const form = new FormData();
  form.append('metadata', JSON.stringify({ name: 'Bench firmware', version: TARGET_VERSION, device_model: 'BENCH-1' }));
  form.append('file', new Blob([new Uint8Array(randomBytes(64 * 1024))]), 'bench.bin');
  const firmware = await call<{ firmware_id: string }>(service.origin, 'POST', '/api/v1/firmware', operator, form);

  const stride = DEVICES / PENDING;
  const pending = Array.from({ length: PENDING }, (_, k) => k * stride);
  const updateIds = new Map<number, string>();
  const released = performance.now();
  for (let i = 0; i < pending.length; i += BULK_BATCH) {
    const batch = pending.slice(i, i + BULK_BATCH);
    const answer = await call<{ results: { device_id: string; success: boolean; update_id?: string; error?: string }[] }>(
      service.origin,
      'POST',
      '/api/v1/devices/bulk/update',
      { ...operator, 'content-type': 'application/json' },
      JSON.stringify({ firmware_id: firmware.firmware_id, device_ids: batch.map(deviceId) }),
    );
    answer.results.forEach((result, k) => {
      if (!result.success || result.update_id === undefined) throw new Error(`bulk update of ${result.device_id}: ${result.error}`);
      updateIds.set(batch[k], result.update_id);
    });
  }
  const releaseSeconds = (performance.now() - released) / 1000;

  const gateway = await call<{ key: string }>(
    service.origin,
    'POST',
    '/api/v1/api-keys',
    { authorization: `Bearer ${await userToken(ORG, 'admin')}`, 'content-type': 'application/json' },
    JSON.stringify({ name: 'bench gateway', role: 'device_gateway' }),
  );
  const gatewayHeaders = { 'x-api-key': gateway.key, 'content-type': 'application/json' };
  console.log(
    `${DEVICES} devices imported, firmware ${firmware.firmware_id} released to ${PENDING} of them in ${releaseSeconds.toFixed(1)} s (bulk update, batches of ${BULK_BATCH})`,
  );

  // Sanity: a pending device is offered its update, with an ETag that a repeat answers with 304.
  const probe = await fetch(`${service.origin}${checkInPath(deviceId(pending[0]))}`, { method: 'POST', headers: gatewayHeaders, body: CHECK_IN_BODY });
  const probeBody = (await probe.json()) as { update: { update_id: string } | null };
  const probeEtag = probe.headers.get('etag');
  if (probe.status !== 200 || probeBody.update?.update_id !== updateIds.get(pending[0]) || probeEtag === null) {
    throw new Error(`check-in of a pending device: ${probe.status} ${JSON.stringify(probeBody)} etag ${probeEtag}`);
  }
  const repeat = await fetch(`${service.origin}${checkInPath(deviceId(pending[0]))}`, {
    method: 'POST',
    headers: { ...gatewayHeaders, 'if-none-match': probeEtag },
    body: CHECK_IN_BODY,
  });
  if (repeat.status !== 304) throw new Error(`a check-in with If-None-Match of the current ETag answered ${repeat.status}`);

  // --- device credentials -----------------------------------------------------------------------------
  const random = seededRandom(DEVICES);
  const fleet = Array.from({ length: DEVICES }, (_, i) => i);
  for (let i = fleet.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [fleet[i], fleet[j]] = [fleet[j], fleet[i]];
  }
  const reporting = pending.slice(0, REPORT_DEVICES);
  const tokens = new Map<number, string>();
  if (CREDENTIALS === 'tokens') {
    await withOperators([...new Set([...fleet.slice(0, TOKEN_SAMPLE), ...reporting])], async (device, worker) => {
      const answer = await call<{ device_token: string }>(service.origin, 'POST', `/api/v1/devices/${deviceId(device)}/token`, worker);
      tokens.set(device, answer.device_token);
    });
  }
  const order = CREDENTIALS === 'tokens' ? fleet.slice(0, TOKEN_SAMPLE) : fleet;
  const credentials = (device: number): Record<string, string> =>
    CREDENTIALS === 'tokens' ? { authorization: `Device ${tokens.get(device)}` } : { 'x-api-key': gateway.key };
  console.log(
    CREDENTIALS === 'tokens'
      ? `device credentials for the load: own device tokens (Authorization: Device), rotated for ${tokens.size} devices; check-ins cycle through ${order.length} of them`
      : 'device credentials for the load: one device_gateway API key (X-API-Key) for every device (--gateway-key)',
  );

  // Every device's ETag, from one check-in each.
  const etags = new Map<number, string>();
  const learned = await run({
    url: service.origin,
    connections: CONNECTIONS,
    amount: order.length,
    headers: { 'content-type': 'application/json' },
    requests: checkInRequests(order, undefined, emptyMix(), credentials, { next: 0 }, etags),
  });
  const learnFailure = failures(learned);
  if (learnFailure !== undefined || etags.size !== order.length) {
    throw new Error(`ETag pass: ${learnFailure ?? ''} ${etags.size} ETags for ${order.length} devices`);
  }

  // The baseline runs beside the service from here on; it idles while the service is measured.
  const fastifyPort = await freePort();
  const baseline = spawn(
    process.execPath,
    [
      '-e',
      `const app = require('fastify')({ logger: false });
       app.post('/api/v1/device-api/devices/:device_id/check-in', async () => ({ hello: 'world' }));
       app.listen({ port: ${fastifyPort}, host: '127.0.0.1' }).catch((error) => { console.error(error); process.exit(1); });`,
    ],
    { stdio: ['ignore', 'inherit', 'inherit'], env: { PATH: process.env.PATH, NODE_ENV: 'production' } },
  );
  // Guarded: a child ended by a signal has no exit code, and stopProcess would wait for it forever.
  workspace.defer(async () => (baseline.exitCode === null && baseline.signalCode === null ? stopProcess(baseline) : undefined));
  const fastifyOrigin = `http://127.0.0.1:${fastifyPort}`;
  for (let tries = 0; !(await fetch(fastifyOrigin).then(() => true, () => false)); tries++) {
    if (tries > 100) throw new Error('the Fastify baseline did not start');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  // --- check-ins ------------------------------------------------------------------------------------
  const settings = (origin: string) => ({ url: origin, connections: CONNECTIONS, headers: { 'content-type': 'application/json' } });
  // Each server goes through the sample in order across its warm-ups and rounds.
  const cursors = new Map<string, { next: number }>();
  const measureOne = async (origin: string, label: string, mix: Mix, seconds: number, conditional: boolean) => {
    if (!cursors.has(origin)) cursors.set(origin, { next: 0 });
    const requests = checkInRequests(order, conditional ? etags : undefined, mix, credentials, cursors.get(origin));
    const result = await run({ ...settings(origin), duration: seconds, requests });
    const failure = failures(result);
    if (failure !== undefined) throw new Error(`${label}: ${failure}`);
    return result;
  };
  /** Warm-up of each, then rounds alternating between the service and the baseline. */
  const measure = async (label: string, conditional: boolean, target: number, server = service): Promise<Measurement> => {
    await measureOne(server.origin, `${label}: service warm-up`, emptyMix(), WARMUP_SECONDS, conditional);
    await measureOne(fastifyOrigin, `${label}: Fastify warm-up`, emptyMix(), WARMUP_SECONDS, conditional);
    // Rounds alternate between the two servers, so each ratio compares windows seconds apart: the
    // machine's speed drifts (other tenants) over a run more than between neighbouring windows.
    const mix = emptyMix();
    const rounds: Measurement['rounds'] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const cpuBefore = processCpuMs(server.process.pid!);
      const serviceRun = await measureOne(server.origin, `${label}: service, round ${round + 1}`, mix, DURATION_SECONDS, conditional);
      const cpuMicros = ((processCpuMs(server.process.pid!) - cpuBefore) * 1000) / serviceRun.requests.total;
      const helloRun = await measureOne(fastifyOrigin, `${label}: Fastify baseline, round ${round + 1}`, emptyMix(), DURATION_SECONDS, conditional);
      rounds.push({ service: serviceRun, hello: helloRun, cpuMicros });
    }
    return { label, target, mix, rounds };
  };
  const measurements = [
    await measure('without If-None-Match', false, TARGET_RATIO.first),
    await measure('with If-None-Match', true, TARGET_RATIO.revalidation),
  ];
  // The same first check-ins on an instance that remembers no answers: every one reads, as each
  // device's check-in does on a replica that has not answered it before (or whose
  // CHECK_IN_ANSWER_CACHE_SIZE the fleet outgrows).
  const forgetful = await startService(workspace, { databaseUrl, env: { ...serviceEnv, CHECK_IN_ANSWER_CACHE_SIZE: '0' } });
  measurements.push(await measure('without If-None-Match, nothing remembered', false, TARGET_RATIO.first, forgetful));
  await stopProcess(baseline);

  // --- status reports -------------------------------------------------------------------------------
  let nextDevice = 0;
  const reportRequests: Options['requests'] = REPORT_CYCLE.map((status, step) => ({
    method: 'POST',
    setupRequest: (request, context) => {
      // The first step of a cycle takes the next device; autocannon resets the context between cycles.
      if (step === 0) (context as DeviceContext).device = reporting[nextDevice++];
      const device = (context as DeviceContext).device;
      return {
        ...request,
        path: `/api/v1/device-api/devices/${deviceId(device)}/updates/${updateIds.get(device)}/status`,
        headers: { ...request.headers, ...credentials(device) },
        body: JSON.stringify({
          status,
          ...(status === 'downloading' ? { progress_percentage: 100, bytes_downloaded: 64 * 1024 } : {}),
          ...(status === 'completed' ? { firmware_version: TARGET_VERSION } : {}),
        }),
      };
    },
    onResponse: () => {
      lastReportAnswered = performance.now();
    },
  }));
  // Timed from the answers: an `amount` run of autocannon ends (and measures its duration) only on
  // its next once-a-second tick after the last answer, which would round the rate down.
  let lastReportAnswered = 0;
  const reportsStarted = performance.now();
  const reports = await run({ url: service.origin, connections: CONNECTIONS, amount: REPORT_DEVICES * REPORT_CYCLE.length, headers: { 'content-type': 'application/json' }, requests: reportRequests });
  const reportFailure = failures(reports) ?? (reports['3xx'] > 0 ? `${reports['3xx']} redirects` : undefined);
  if (reportFailure !== undefined) throw new Error(`status reports: ${reportFailure}`);
  if (nextDevice !== REPORT_DEVICES || reports['2xx'] !== REPORT_DEVICES * REPORT_CYCLE.length) {
    throw new Error(`status reports: ${reports['2xx']} answered 2xx for ${nextDevice} devices, expected ${REPORT_DEVICES * REPORT_CYCLE.length} for ${REPORT_DEVICES}`);
  }
  const reportsPerSecond = reports['2xx'] / ((lastReportAnswered - reportsStarted) / 1000);

  // Every report persisted: each update completed, its timeline holding the five device reports.
  let verified = 0;
  const problems: string[] = [];
  await withOperators(reporting, async (device, worker) => {
    const update = await call<{ status: string; timeline: { status: string; source: string }[] }>(
      service.origin,
      'GET',
      `/api/v1/updates/${updateIds.get(device)}`,
      worker,
    );
    const reported = update.timeline.filter((entry) => (REPORT_CYCLE as readonly string[]).includes(entry.status)).map((entry) => entry.status);
    if (update.status !== 'completed' || REPORT_CYCLE.some((status) => !reported.includes(status))) {
      problems.push(`${deviceId(device)}: ${update.status}, timeline ${reported.join(',')}`);
    } else verified++;
  });
  if (problems.length > 0) throw new Error(`${problems.length} updates not persisted as reported, e.g. ${problems.slice(0, 5).join('; ')}`);
  const stats = await call<{ completed_updates: number; pending_updates: number }>(service.origin, 'GET', '/api/v1/stats', operator);
  if (stats.completed_updates !== REPORT_DEVICES) throw new Error(`GET /api/v1/stats counts ${stats.completed_updates} completed updates, expected ${REPORT_DEVICES}`);

  // --- figures ----------------------------------------------------------------------------------------
  console.log(
    `\n${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up each, then ${ROUNDS} rounds of ${DURATION_SECONDS} s per server, alternating, same requests for both; ` +
      `check-ins cycle through ${order.length} of the ${DEVICES} devices, ${order.filter((device) => updateIds.has(device)).length} of them with a pending update; rate limits on (defaults)`,
  );
  const summary: string[][] = [];
  for (const { label, target, mix: m, rounds } of measurements) {
    const sent = m.withUpdate + m.withoutUpdate + m.notModified + m.other;
    const pct = (n: number) => `${((100 * n) / Math.max(1, sent)).toFixed(1)}%`;
    console.log(
      `\ncheck-ins ${label} (${sent} requests, ${pct(m.conditional)} sent If-None-Match): ` +
        `${pct(m.withUpdate)} 200 with an update, ${pct(m.withoutUpdate)} 200 without, ${pct(m.notModified)} 304`,
    );
    printTable(
      ['round', 'check-in req/s', 'p50 ms', 'p99 ms', 'service CPU µs/req', 'hello req/s', 'ratio'],
      rounds.map(({ service: s, hello: h, cpuMicros }, i) => [
        String(i + 1),
        s.requests.average.toFixed(0),
        s.latency.p50.toFixed(1),
        s.latency.p99.toFixed(1),
        cpuMicros.toFixed(0),
        h.requests.average.toFixed(0),
        (s.requests.average / h.requests.average).toFixed(2),
      ]),
    );
    // Medians over the rounds: one window slowed by the machine moves neither figure.
    const ratio = median(rounds.map(({ service: s, hello: h }) => s.requests.average / h.requests.average));
    const p99 = median(rounds.map(({ service: s }) => s.latency.p99));
    summary.push(
      [
        `check-ins ${label}`,
        median(rounds.map(({ service: s }) => s.requests.average)).toFixed(0),
        median(rounds.map(({ hello: h }) => h.requests.average)).toFixed(0),
        ratio.toFixed(2),
        median(rounds.map(({ service: s }) => s.latency.p50)).toFixed(1),
        p99.toFixed(1),
        median(rounds.map(({ cpuMicros }) => cpuMicros)).toFixed(0),
        `ratio >= ${target} ${ratio >= target ? 'met' : 'MISSED'}, p99 <= ${TARGET_P99_MS} ${p99 <= TARGET_P99_MS ? 'met' : 'MISSED'}`,
      ],
    );
  }
  summary.push([
    `status reports (${REPORT_DEVICES} devices x ${REPORT_CYCLE.length})`,
    reportsPerSecond.toFixed(0),
    '',
    '',
    reports.latency.p50.toFixed(1),
    reports.latency.p99.toFixed(1),
    '',
    `>= ${TARGET_REPORTS_PER_SECOND}/s ${reportsPerSecond >= TARGET_REPORTS_PER_SECOND ? 'met' : 'MISSED'}`,
  ]);
  console.log('');
  printTable(['medians of rounds', 'req/s', 'hello req/s', 'ratio', 'p50 ms', 'p99 ms', 'CPU µs/req', 'targets'], summary, { firstColumn: 'left' });
  console.log(
    `\nreports persisted: ${verified} of ${REPORT_DEVICES} updates completed with all ${REPORT_CYCLE.length} reports in their timeline (GET /api/v1/updates/{id}); ` +
      `GET /api/v1/stats: ${stats.completed_updates} completed, ${stats.pending_updates} pending`,
  );
});
