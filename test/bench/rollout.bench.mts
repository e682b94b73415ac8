/**
 * `npm run bench:rollout`: how fast campaigns roll out, end to end and per tick, and how long a
 * million-device start takes, each beside a baseline of the same run.
 *
 * Part 1, on the service with its rollout scheduler on (`SCHEDULER_ENABLED=true`, the default
 * `SCHEDULER_TICK_MS` of 2000 unless BENCH_TICK_MS says otherwise). Three fleets of BENCH_DEVICES
 * (100 000) devices each, inserted straight into `ota.devices` with SQL (one firmware version,
 * its key computed once), one firmware uploaded through the API for their model:
 *
 * - Staged end to end: a `staged` campaign, stages [10, 50, 100], no soak, `batch_size` BENCH_BATCH
 *   (10 000), `max_concurrent_updates` 1 000 000, answered by an in-process responder. The
 *   responder learns of released updates as MQTT would tell devices: it reads the new
 *   `update_available` rows of `ota.device_commands` in `sequence` order, a page at a time (at
 *   most two pages held), and answers each with one `completed` report through the device API
 *   (`POST /device-api/devices/{id}/updates/{update_id}/status`, one `device_gateway` API key),
 *   BENCH_RESPONDERS (64) requests at a time over keep-alive connections (fetch). Prints the time
 *   from the start call to the campaign `completed`, and when each stage opened and finished
 *   (`stage_plan` of `GET /campaigns/{id}`). Baseline: the responder's own time, i.e. the time at
 *   least one of its reports was in flight, and its reports/s over it; the rest of the total is
 *   the rollout's (ticks, stage gates).
 * - Bulk baseline: the existing way to give many devices one firmware, `POST
 *   /devices/bulk/update` with 10 000 ids per request, one request after another, over
 *   BENCH_BULK_DEVICES (default BENCH_DEVICES) other devices: its releases per minute.
 * - Release rate: an `immediate` campaign over the third fleet (same batch and cap); from the start
 *   call until no row of the campaign is `created` any more (the database polled every
 *   BENCH_POLL_MS, 250 ms): releases per minute. Target >= 100 000/min; AWS IoT Jobs' rollout cap
 *   of 1 000/min printed as a reference.
 *
 * Part 2, with the scheduler off (the service restarted without it, and the compiled application
 * created in this process, as test/utils/test-app.ts does): BENCH_BIG_DEVICES (1 000 000) and
 * BENCH_SMALL_DEVICES (10 000) devices in another organization.
 *
 * - Target resolution: `POST /campaigns/{id}/start` of an `immediate` campaign over the million
 *   (one INSERT ... SELECT of a row per device). Target <= 30 s. Baseline: the plain copy of the
 *   same group's rows in the same database (`CREATE TEMP TABLE ... AS SELECT device_id,
 *   firmware_version FROM ota.devices WHERE <organization and group>`), i.e. reading and writing
 *   a million rows without the campaign's indexes or hash order.
 * - Tick cost: `RolloutService.tickCampaign` of that million-row campaign and of a 10 000-row one
 *   (the baseline), both `batch_size` BENCH_TICK_BATCH (150) so each tick releases as many rows,
 *   cap never reached: BENCH_WARMUP_TICKS (3) then BENCH_TICKS (50) ticks each, alternating
 *   between the two so machine drift hits both alike. Prints p50 and p99 and the ratios; target:
 *   the million-row tick within 2x of the 10 000-row one. (50 ticks of 1 000 would need more rows
 *   than the small campaign has, hence 150.)
 *
 * Part 3, on the service with its scheduler on: the cost of continuous joining to imports.
 * BENCH_IMPORT_ROUNDS (3) rounds, each importing BENCH_IMPORT_DEVICES (10 000) new devices through
 * `POST /devices/import` (NDJSON) into an organization without any campaign (the baseline), then
 * as many into another organization whose `continuous` immediate campaign targets their group, so
 * every one of them joins (and is released) while the next ticks run. Prints the import rates
 * (median of the rounds), the ratio (target >= 80 %) and how long after each import the campaign
 * held all its devices. Each round waits until the campaign has released everything it took in.
 *
 * Part 4, on the service with its scheduler on: the cost of maintenance windows in device zones.
 * Two fleets of BENCH_DEVICES devices in another organization, the second with a `timezone`
 * attribute spread over BENCH_ZONES (400) IANA zones; on each an `immediate` campaign (batch and
 * cap as part 1), the second with `maintenance_windows: [{cron: "0 0 * * *", duration_minutes:
 * 1440, time_zone: "device"}]` (a day-long window every day in each device's zone: open in every
 * zone, so both campaigns release every row and the difference is the windows' cost: the zones
 * evaluated each tick, the zone condition in the release). Release rate as in part 1 (start call
 * to every row released). First an untimed campaign over a tenth as many devices, and `ANALYZE
 * ota.device_updates` before each timed start, so every timed campaign meets the planner with
 * the same statistics (the first campaign of a fresh database otherwise runs on none, and its
 * batches took ten times as long). Then BENCH_WINDOW_ROUNDS (2) rounds of a fresh pair of fleets,
 * the baseline (no windows) first in odd rounds and second in even ones, so load that drifts over
 * the run (the machine is shared) hits both alike; prints each round, the medians, and their
 * ratio (target >= 80 %).
 *
 * BENCH_PARTS (`rollout,resolution,continuous,windows`) runs any of the parts alone. The database is a fresh one on the
 * server of DATABASE_URL when set, else an embedded PostgreSQL (see support.mts). Exits 1 only on
 * errors (a failed request, a campaign that does not complete, counts that disagree), not on a
 * missed target.
 */
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import pg from 'pg';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type * as AppSetupModule from '../../src/app.setup.js';
import type * as VersionKeyModule from '../../src/common/versions/version-key.js';
import type * as ConfigModule from '../../src/config/index.js';
import type * as RolloutModule from '../../src/modules/rollout/rollout.service.js';
import type * as SupportModule from './support.mts';

const DEVICES = Number(process.env.BENCH_DEVICES ?? 100_000);
const BULK_DEVICES = Number(process.env.BENCH_BULK_DEVICES ?? DEVICES);
const BIG_DEVICES = Number(process.env.BENCH_BIG_DEVICES ?? 1_000_000);
const SMALL_DEVICES = Number(process.env.BENCH_SMALL_DEVICES ?? 10_000);
/** `batch_size` of the campaigns of part 1 (the API's maximum is 10 000). */
const BATCH = Number(process.env.BENCH_BATCH ?? 10_000);
const MAX_CONCURRENT = 1_000_000;
/** The scheduler's tick; unset keeps the service's default (2000 ms). */
const TICK_MS = process.env.BENCH_TICK_MS;
const BULK_BATCH = 10_000;
const RESPONDERS = Number(process.env.BENCH_RESPONDERS ?? 64);
/** Commands the responder reads per query; it holds at most two pages. */
const COMMAND_PAGE = Number(process.env.BENCH_COMMAND_PAGE ?? 2_000);
const POLL_MS = Number(process.env.BENCH_POLL_MS ?? 250);
/** A campaign not finished after this long is an error. */
const TIMEOUT_SECONDS = Number(process.env.BENCH_TIMEOUT_SECONDS ?? 900);
const TICKS = Number(process.env.BENCH_TICKS ?? 50);
const WARMUP_TICKS = Number(process.env.BENCH_WARMUP_TICKS ?? 3);
const TICK_BATCH = Number(process.env.BENCH_TICK_BATCH ?? 150);
const IMPORT_DEVICES = Number(process.env.BENCH_IMPORT_DEVICES ?? 10_000);
const IMPORT_ROUNDS = Number(process.env.BENCH_IMPORT_ROUNDS ?? 3);
const ZONES = Number(process.env.BENCH_ZONES ?? 400);
const WINDOW_ROUNDS = Number(process.env.BENCH_WINDOW_ROUNDS ?? 2);
const PARTS = new Set((process.env.BENCH_PARTS ?? 'rollout,resolution,continuous,windows').split(',').map((part) => part.trim()));

const TARGET_RELEASES_PER_MINUTE = 100_000;
const AWS_IOT_JOBS_PER_MINUTE = 1_000;
const TARGET_TICK_RATIO = 2;
const TARGET_RESOLUTION_SECONDS = 30;
const TARGET_IMPORT_RATIO = 0.8;
const TARGET_WINDOWS_RATIO = 0.8;
const WINDOWS_ORG = 'bench-windows';
const PLAIN_ORG = 'bench-import-plain';
const CONTINUOUS_ORG = 'bench-import-continuous';
const ORG = 'bench-rollout';
const BIG_ORG = 'bench-rollout-big';
const MODEL = 'BENCH-1';
const DEVICE_VERSION = '1.0.0';
const HARDWARE_VERSION = '1.0';
const TARGET_VERSION = '1.1.0';
const STAGES = [10, 50, 100];

for (const [name, value] of Object.entries({ WINDOW_ROUNDS, DEVICES, BULK_DEVICES, BIG_DEVICES, SMALL_DEVICES, BATCH, RESPONDERS, COMMAND_PAGE, POLL_MS, TICKS, TICK_BATCH, IMPORT_DEVICES, IMPORT_ROUNDS })) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`BENCH_${name} must be a positive whole number`);
}
if (BATCH > 10_000 || TICK_BATCH > 10_000) throw new Error('BENCH_BATCH and BENCH_TICK_BATCH must be at most 10 000 (the API maximum of batch_size)');
if ((TICKS + WARMUP_TICKS) * TICK_BATCH > SMALL_DEVICES) {
  throw new Error('(BENCH_TICKS + BENCH_WARMUP_TICKS) x BENCH_TICK_BATCH must not exceed BENCH_SMALL_DEVICES: every tick must release a full batch');
}
if (!Number.isInteger(ZONES) || ZONES < 1 || ZONES > Intl.supportedValuesOf('timeZone').length) throw new Error('BENCH_ZONES must be a whole number from 1 to the zones Node knows');
for (const part of PARTS) if (part !== 'rollout' && part !== 'resolution' && part !== 'continuous' && part !== 'windows') throw new Error(`BENCH_PARTS: unknown part ${part}`);

// Imported at run time: tsc refuses a static import ending in `.mts`, Node needs the extension.
const { freshDatabase, median, printTable, runBenchmark, startService, stopProcess, timed, userToken } = (await import(
  new URL('./support.mts', import.meta.url).href
)) as typeof SupportModule;
const { firmwareVersionKey, hardwareVersionKey } = (await import(resolve('dist/common/versions/version-key.js'))) as typeof VersionKeyModule;

// -------------------------------------------------------------------------------------------------
// Helpers
// -------------------------------------------------------------------------------------------------

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const seconds = (ms: number) => (ms / 1000).toFixed(1);
const thousands = (value: number) => Math.round(value).toLocaleString('en-US');
const verdict = (met: boolean) => (met ? 'met' : 'MISSED');

async function call<T>(origin: string, method: string, path: string, headers: Record<string, string>, body?: string | FormData): Promise<T> {
  const res = await fetch(`${origin}${path}`, { method, headers, body });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 2000)}`);
  return JSON.parse(text) as T;
}

/** The operator's side of the API: JSON in and out with a bearer token. */
class Api {
  readonly origin: string;
  private readonly headers: Record<string, string>;

  constructor(origin: string, token: string) {
    this.origin = origin;
    this.headers = { authorization: `Bearer ${token}` };
  }

  get<T>(path: string): Promise<T> {
    return call<T>(this.origin, 'GET', path, this.headers);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return body === undefined
      ? call<T>(this.origin, 'POST', path, this.headers)
      : call<T>(this.origin, 'POST', path, { ...this.headers, 'content-type': 'application/json' }, JSON.stringify(body));
  }

  /** One firmware of the fleets' model, as an operator uploads it (multipart). */
  async uploadFirmware(): Promise<{ firmware_id: string; version: string }> {
    const form = new FormData();
    form.append('metadata', JSON.stringify({ name: 'Bench firmware', version: TARGET_VERSION, device_model: MODEL }));
    form.append('file', new Blob([new Uint8Array(randomBytes(64 * 1024))]), 'bench.bin');
    return call(this.origin, 'POST', '/api/v1/firmware', this.headers, form);
  }
}

interface StagePlan {
  stage: number;
  percentage: number;
  devices: number;
  status: string;
  opened_at: string | null;
  finished_at: string | null;
}

interface CampaignAnswer {
  campaign_id: string;
  status: string;
  target_device_count: number;
  total_devices: number | null;
  stage_plan: StagePlan[];
  actual_start: string | null;
  actual_end: string | null;
}

function createCampaign(api: Api, name: string, firmwareId: string, group: string, settings: Record<string, unknown>): Promise<CampaignAnswer> {
  return api.post<CampaignAnswer>('/api/v1/campaigns', {
    name,
    firmware_id: firmwareId,
    target_groups: [group],
    max_concurrent_updates: MAX_CONCURRENT,
    ...settings,
  });
}

/**
 * `count` devices `<prefix>0000001...` of one model, hardware and firmware version in `group`,
 * straight into `ota.devices` in statements of 200 000 rows (the version keys computed once, as
 * the registry computes them).
 */
async function insertFleet(db: pg.Pool, organizationId: string, prefix: string, group: string, count: number): Promise<void> {
  const chunk = 200_000;
  for (let first = 1; first <= count; first += chunk) {
    await db.query(
      `INSERT INTO ota.devices (organization_id, device_id, device_type, device_model, manufacturer, hardware_version, hardware_version_key,
                                firmware_version, firmware_version_key, groups, tags, attributes, created_at, updated_at)
       SELECT $1, $2 || lpad(i::text, 7, '0'), 'sensor', $3, 'Bench', $4, $5::bytea, $6, $7::bytea, ARRAY[$8]::text[], '{}', '{}', now(), now()
         FROM generate_series($9::int, $10::int) AS i`,
      [organizationId, prefix, MODEL, HARDWARE_VERSION, hardwareVersionKey(HARDWARE_VERSION), DEVICE_VERSION, firmwareVersionKey(DEVICE_VERSION), group, first, Math.min(count, first + chunk - 1)],
    );
  }
}

/** Gives device i of the fleet `prefix` the zone i mod `zones.length` of `zones` as its `timezone` attribute. */
async function spreadZones(db: pg.Pool, organizationId: string, prefix: string, zones: string[]): Promise<void> {
  await db.query(
    `UPDATE ota.devices SET attributes = jsonb_build_object('timezone', ($3::text[])[1 + substr(device_id, length($2) + 1)::int % cardinality($3::text[])])
      WHERE organization_id = $1 AND device_id LIKE $2 || '%'`,
    [organizationId, prefix, zones],
  );
}

/** From the start call until every row of the campaign left `created`: milliseconds (the statistics refreshed before). */
async function releaseAll(api: Api, db: pg.Pool, organizationId: string, campaignId: string, devices: number): Promise<number> {
  await db.query('ANALYZE ota.device_updates');
  const started = performance.now();
  await api.post(`/api/v1/campaigns/${campaignId}/start`);
  for (;;) {
    const rows = await releasedRows(db, organizationId, campaignId);
    const elapsed = performance.now() - started;
    if (rows.total === devices && rows.released === devices) return elapsed;
    if (elapsed > TIMEOUT_SECONDS * 1000) throw new Error(`campaign ${campaignId}: ${rows.released} of ${rows.total} rows released after ${TIMEOUT_SECONDS} s`);
    await sleep(POLL_MS);
  }
}

const deviceId = (prefix: string, i: number) => `${prefix}${String(i).padStart(7, '0')}`;

/** The campaign's rows by whether they left `created`. */
async function releasedRows(db: pg.Pool, organizationId: string, campaignId: string): Promise<{ released: number; total: number }> {
  const { rows } = await db.query<{ released: number; total: number }>(
    `SELECT count(*) FILTER (WHERE status <> 'created')::int AS released, count(*)::int AS total
       FROM ota.device_updates WHERE organization_id = $1 AND campaign_id = $2`,
    [organizationId, campaignId],
  );
  return rows[0];
}

async function campaignStatus(db: pg.Pool, organizationId: string, campaignId: string): Promise<string> {
  const { rows } = await db.query<{ status: string }>('SELECT status FROM ota.campaigns WHERE organization_id = $1 AND campaign_id = $2', [organizationId, campaignId]);
  return rows[0].status;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

// -------------------------------------------------------------------------------------------------
// The responder: devices answering their update_available commands
// -------------------------------------------------------------------------------------------------

interface ResponderFigures {
  reports: number;
  /** Milliseconds during which at least one report was in flight. */
  busyMs: number;
  /** Report latencies in ms. */
  latencies: number[];
}

/**
 * Reads the `update_available` commands of `organizationId` written after sequence `after`, in
 * sequence order, a page at a time (never more than two pages waiting), and answers each with a
 * `completed` report, `RESPONDERS` at a time, until `stop()` is true and nothing is left to send.
 * One tick's commands commit together and ticks of one scheduler run one after another, so
 * reading by sequence misses none.
 */
async function respond(
  db: pg.Pool,
  origin: string,
  apiKey: string,
  organizationId: string,
  after: string,
  stop: () => boolean,
): Promise<ResponderFigures> {
  const queue: { deviceId: string; updateId: string }[] = [];
  let head = 0;
  let cursor = after;
  let failure: Error | undefined;
  let readerDone = false;
  let inFlight = 0;
  let busySince = 0;
  const figures: ResponderFigures = { reports: 0, busyMs: 0, latencies: [] };
  const headers = { 'x-api-key': apiKey, 'content-type': 'application/json' };
  const body = JSON.stringify({ status: 'completed', firmware_version: TARGET_VERSION });

  const reader = (async () => {
    while (failure === undefined) {
      if (queue.length - head >= COMMAND_PAGE) {
        await sleep(5);
        continue;
      }
      const finished = stop();
      const { rows } = await db.query<{ seq: string; device_id: string; update_id: string }>(
        `SELECT sequence::text AS seq, device_id, payload->>'update_id' AS update_id FROM ota.device_commands
          WHERE sequence > $1::bigint AND organization_id = $2 AND payload->>'type' = 'update_available'
          ORDER BY sequence LIMIT $3`,
        [cursor, organizationId, COMMAND_PAGE],
      );
      if (head > 0 && head === queue.length) {
        queue.length = 0;
        head = 0;
      }
      for (const row of rows) queue.push({ deviceId: row.device_id, updateId: row.update_id });
      if (rows.length > 0) cursor = rows[rows.length - 1].seq;
      // Stopped before this read, and it found nothing: nothing more will come.
      else if (finished) break;
      else await sleep(20);
    }
    readerDone = true;
  })();

  const worker = async () => {
    while (failure === undefined) {
      if (head >= queue.length) {
        if (readerDone) return;
        await sleep(2);
        continue;
      }
      const job = queue[head++];
      if (inFlight++ === 0) busySince = performance.now();
      const sent = performance.now();
      try {
        const res = await fetch(`${origin}/api/v1/device-api/devices/${job.deviceId}/updates/${job.updateId}/status`, { method: 'POST', headers, body });
        const text = await res.text();
        if (!res.ok) throw new Error(`report of ${job.deviceId} (update ${job.updateId}) answered ${res.status}: ${text.slice(0, 1000)}`);
        figures.reports++;
        figures.latencies.push(performance.now() - sent);
      } catch (error) {
        failure ??= error instanceof Error ? error : new Error(String(error));
      } finally {
        if (--inFlight === 0) figures.busyMs += performance.now() - busySince;
      }
    }
  };
  await Promise.all([reader, ...Array.from({ length: RESPONDERS }, worker)]);
  if (failure !== undefined) throw failure;
  return figures;
}

/** `IMPORT_DEVICES` new devices of the fleets' model in `group`, as an NDJSON import body. */
function importBody(prefix: string, group: string): string {
  const lines: string[] = [];
  for (let i = 1; i <= IMPORT_DEVICES; i++) {
    lines.push(JSON.stringify({ device_id: deviceId(prefix, i), device_type: 'sensor', device_model: MODEL, manufacturer: 'Bench', hardware_version: HARDWARE_VERSION, firmware_version: DEVICE_VERSION, groups: [group] }));
  }
  return lines.join('\n');
}

/** Imports `body` (NDJSON) as `token`'s organization; the seconds it took. Throws unless every device was created. */
async function importDevices(origin: string, token: string, body: string): Promise<number> {
  const started = performance.now();
  const answer = await call<{ created: number; failed: unknown[] }>(origin, 'POST', '/api/v1/devices/import', { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' }, body);
  const elapsed = (performance.now() - started) / 1000;
  if (answer.created !== IMPORT_DEVICES || answer.failed.length > 0) throw new Error(`an import of ${IMPORT_DEVICES} devices created ${answer.created}, failed ${answer.failed.length}`);
  return elapsed;
}

// -------------------------------------------------------------------------------------------------
// The run
// -------------------------------------------------------------------------------------------------

await runBenchmark('ota-bench-rollout-', async (workspace) => {
  const databaseUrl = await freshDatabase(workspace, 'ota_bench_rollout');
  const db = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  workspace.defer(() => db.end());
  const serviceEnv = {
    STORAGE_DRIVER: 'filesystem',
    STORAGE_DIR: join(workspace.folder, 'storage'),
    DOWNLOAD_URL_SECRET: randomBytes(32).toString('hex'),
  };
  const lines: (() => void)[] = [];

  if (PARTS.has('rollout')) {
    // --- part 1: the service with its scheduler ------------------------------------------------------
    const service = await startService(workspace, {
      databaseUrl,
      env: { ...serviceEnv, SCHEDULER_ENABLED: 'true', ...(TICK_MS === undefined ? {} : { SCHEDULER_TICK_MS: TICK_MS }) },
    });
    const api = new Api(service.origin, await userToken(ORG));
    const fleet = await timed(async () => {
      await insertFleet(db, ORG, 'stg-', 'staged', DEVICES);
      await insertFleet(db, ORG, 'blk-', 'bulk', BULK_DEVICES);
      await insertFleet(db, ORG, 'rel-', 'release', DEVICES);
      await db.query('ANALYZE ota.devices');
    });
    const firmware = await api.uploadFirmware();
    const gateway = await call<{ key: string }>(
      service.origin,
      'POST',
      '/api/v1/api-keys',
      { authorization: `Bearer ${await userToken(ORG, 'admin')}`, 'content-type': 'application/json' },
      JSON.stringify({ name: 'bench gateway', role: 'device_gateway' }),
    );
    console.log(
      `part 1: ${DEVICES} + ${BULK_DEVICES} + ${DEVICES} devices inserted with SQL in ${seconds(fleet.seconds * 1000)} s; firmware ${firmware.firmware_id} (${TARGET_VERSION}); ` +
        `scheduler on, tick ${TICK_MS ?? 'default (2000)'} ms`,
    );

    // Staged end to end, answered by the responder.
    const staged = await createCampaign(api, 'bench staged', firmware.firmware_id, 'staged', {
      deployment_strategy: 'staged',
      stages: STAGES,
      stage_soak_minutes: 0,
      batch_size: BATCH,
    });
    if (staged.target_device_count !== DEVICES) throw new Error(`staged campaign targets ${staged.target_device_count} devices, expected ${DEVICES}`);
    const { rows: last } = await db.query<{ sequence: string }>('SELECT coalesce(max(sequence), 0)::text AS sequence FROM ota.device_commands');
    let completed = false;
    const stagedStarted = performance.now();
    const stagedStartedAt = Date.now();
    const responder = respond(db, service.origin, gateway.key, ORG, last[0].sequence, () => completed);
    let responderFailure: unknown;
    responder.catch((error: unknown) => (responderFailure = error)); // awaited below; the poll stops on its failure
    await api.post(`/api/v1/campaigns/${staged.campaign_id}/start`);
    let stagedMs = 0;
    while (!completed) {
      await sleep(POLL_MS);
      if (responderFailure !== undefined) throw responderFailure;
      const status = await campaignStatus(db, ORG, staged.campaign_id);
      if (status === 'completed') {
        stagedMs = performance.now() - stagedStarted;
        completed = true;
      } else if (status !== 'in_progress') {
        throw new Error(`staged campaign ${staged.campaign_id} went ${status}: ${JSON.stringify(await api.get(`/api/v1/stats/campaigns/${staged.campaign_id}`))}`);
      } else if (performance.now() - stagedStarted > TIMEOUT_SECONDS * 1000) {
        throw new Error(`staged campaign not completed after ${TIMEOUT_SECONDS} s: ${JSON.stringify(await api.get(`/api/v1/stats/campaigns/${staged.campaign_id}`))}`);
      }
    }
    const answered = await responder;
    const stagedDone = await api.get<CampaignAnswer>(`/api/v1/campaigns/${staged.campaign_id}`);
    const stagedStats = await api.get<{ successful_updates: number; failed_updates: number }>(`/api/v1/stats/campaigns/${staged.campaign_id}`);
    if (answered.reports !== DEVICES || stagedStats.successful_updates !== DEVICES) {
      throw new Error(`staged campaign: responder sent ${answered.reports} reports, stats count ${stagedStats.successful_updates} successful updates, expected ${DEVICES}`);
    }

    // Bulk update baseline, then the immediate campaign.
    const bulk = await timed(async () => {
      for (let first = 1; first <= BULK_DEVICES; first += BULK_BATCH) {
        const ids = Array.from({ length: Math.min(BULK_BATCH, BULK_DEVICES - first + 1) }, (_, k) => deviceId('blk-', first + k));
        const answer = await api.post<{ succeeded: number; failed: number; results: { success: boolean; error?: string }[] }>('/api/v1/devices/bulk/update', {
          device_ids: ids,
          firmware_id: firmware.firmware_id,
        });
        if (answer.succeeded !== ids.length) throw new Error(`bulk update: ${answer.failed} failed, e.g. ${JSON.stringify(answer.results.find((r) => !r.success))}`);
      }
    });

    const immediate = await createCampaign(api, 'bench immediate', firmware.firmware_id, 'release', { deployment_strategy: 'immediate', batch_size: BATCH });
    if (immediate.target_device_count !== DEVICES) throw new Error(`immediate campaign targets ${immediate.target_device_count} devices, expected ${DEVICES}`);
    const { rows: beforeRelease } = await db.query<{ sequence: string }>('SELECT coalesce(max(sequence), 0)::text AS sequence FROM ota.device_commands');
    const releaseStartedAt = Date.now();
    const releaseStarted = performance.now();
    const startCall = await timed(() => api.post<CampaignAnswer>(`/api/v1/campaigns/${immediate.campaign_id}/start`));
    let releaseMs = 0;
    let firstReleaseMs: number | null = null;
    for (;;) {
      const rows = await releasedRows(db, ORG, immediate.campaign_id);
      const now = performance.now() - releaseStarted;
      if (rows.released > 0 && firstReleaseMs === null) firstReleaseMs = now;
      if (rows.total === DEVICES && rows.released === DEVICES) {
        releaseMs = now;
        break;
      }
      if (now > TIMEOUT_SECONDS * 1000) throw new Error(`immediate campaign: ${rows.released} of ${rows.total} rows released after ${TIMEOUT_SECONDS} s`);
      await sleep(POLL_MS);
    }
    const releaseStats = await api.get<{ releases_per_minute: number; pending_updates: number }>(`/api/v1/stats/campaigns/${immediate.campaign_id}`);
    // Nothing else releases meanwhile: the commands written since the start are this campaign's.
    const { rows: releasedCommands } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ota.device_commands WHERE sequence > $1::bigint AND organization_id = $2 AND payload->>'type' = 'update_available'`,
      [beforeRelease[0].sequence, ORG],
    );
    if (releasedCommands[0].n !== DEVICES) throw new Error(`immediate campaign: ${releasedCommands[0].n} update_available commands for ${DEVICES} released rows`);
    // The engine's log of its batches: a row per tick that released, written once its batch is out.
    const { rows: ticks } = await db.query<{ count: number; at: Date }>(
      'SELECT count, created_at AS at FROM ota.campaign_releases WHERE organization_id = $1 AND campaign_id = $2 ORDER BY id',
      [ORG, immediate.campaign_id],
    );
    await stopProcess(service.process);

    const campaignRate = (DEVICES / releaseMs) * 60_000;
    const bulkRate = (BULK_DEVICES / bulk.seconds) * 60;
    lines.push(() => {
      console.log(`\n1. release rate: immediate campaign over ${DEVICES} devices, batch_size ${BATCH}, max_concurrent_updates ${MAX_CONCURRENT}`);
      printTable(
        ['', 'devices', 'seconds', 'releases/min', 'target'],
        [
          ['campaign (start call to every row released)', String(DEVICES), seconds(releaseMs), thousands(campaignRate), `>= ${thousands(TARGET_RELEASES_PER_MINUTE)}/min ${verdict(campaignRate >= TARGET_RELEASES_PER_MINUTE)}`],
          [`bulk update (${Math.ceil(BULK_DEVICES / BULK_BATCH)} requests of <= ${BULK_BATCH}, sequential)`, String(BULK_DEVICES), seconds(bulk.seconds * 1000), thousands(bulkRate), ''],
          ['ratio campaign / bulk update', '', '', (campaignRate / bulkRate).toFixed(2), ''],
          ['AWS IoT Jobs rollout cap (reference)', '', '', thousands(AWS_IOT_JOBS_PER_MINUTE), ''],
        ],
        { firstColumn: 'left' },
      );
      console.log(
        `   start call (target resolution of ${DEVICES}) ${seconds(startCall.seconds * 1000)} s; first rows released ${firstReleaseMs === null ? '-' : seconds(firstReleaseMs)} s after it began; ` +
          `GET /stats/campaigns/{id}: releases_per_minute ${thousands(releaseStats.releases_per_minute)}, pending ${releaseStats.pending_updates}`,
      );
      console.log(
        `   ${ticks.length} ticks released (${[...new Set(ticks.map((tick) => tick.count))].join('/')} rows each), logged (campaign_releases) at ` +
          `${ticks.map((tick) => seconds(tick.at.getTime() - releaseStartedAt)).join(', ')} s`,
      );

      console.log(`\n2. staged [${STAGES.join(', ')}] campaign over ${DEVICES} devices, no soak, batch_size ${BATCH}, answered by the responder (${RESPONDERS} concurrent reports)`);
      const at = (iso: string | null) => (iso === null ? '-' : seconds(Date.parse(iso) - stagedStartedAt));
      printTable(
        ['stage', 'percentage', 'devices', 'opened at s', 'finished at s', 'open for s'],
        stagedDone.stage_plan.map((stage) => [
          String(stage.stage),
          `${stage.percentage}%`,
          String(stage.devices),
          at(stage.opened_at),
          at(stage.finished_at),
          stage.opened_at === null || stage.finished_at === null ? '-' : seconds(Date.parse(stage.finished_at) - Date.parse(stage.opened_at)),
        ]),
      );
      const responderRate = answered.reports / (answered.busyMs / 1000);
      console.log('');
      printTable(
        ['', 'seconds', 'reports/s', ''],
        [
          ['start call to campaign completed', seconds(stagedMs), (DEVICES / (stagedMs / 1000)).toFixed(0), `(${seconds(Date.parse(stagedDone.actual_end ?? '') - Date.parse(stagedDone.actual_start ?? ''))} s actual_start to actual_end)`],
          [`responder alone (time with a report in flight)`, seconds(answered.busyMs), responderRate.toFixed(0), `p50 ${percentile(answered.latencies, 50).toFixed(1)} ms, p99 ${percentile(answered.latencies, 99).toFixed(1)} ms per report`],
          ['the rollout\'s own share (total - responder)', seconds(stagedMs - answered.busyMs), '', `${((100 * (stagedMs - answered.busyMs)) / stagedMs).toFixed(0)}% of the total`],
        ],
        { firstColumn: 'left' },
      );
    });
  }

  if (PARTS.has('resolution')) {
    // --- part 2: the scheduler off; the million ---------------------------------------------------------
    const service = await startService(workspace, { databaseUrl, env: serviceEnv });
    const api = new Api(service.origin, await userToken(BIG_ORG));
    const fleet = await timed(async () => {
      await insertFleet(db, BIG_ORG, 'big-', 'big', BIG_DEVICES);
      await insertFleet(db, BIG_ORG, 'sml-', 'small', SMALL_DEVICES);
      await db.query('ANALYZE ota.devices');
    });
    const firmware = await api.uploadFirmware();
    console.log(`part 2: ${BIG_DEVICES} + ${SMALL_DEVICES} devices inserted with SQL in ${seconds(fleet.seconds * 1000)} s; scheduler off`);

    const big = await timed(() => createCampaign(api, 'bench big', firmware.firmware_id, 'big', { deployment_strategy: 'immediate', batch_size: TICK_BATCH }));
    if (big.value.target_device_count !== BIG_DEVICES) throw new Error(`big campaign targets ${big.value.target_device_count} devices, expected ${BIG_DEVICES}`);

    // The baseline first: it reads the same rows the start reads, so each finds them as warm.
    const copy = new pg.Client({ connectionString: databaseUrl });
    await copy.connect();
    const plainCopy = await timed(() =>
      copy.query(
        `CREATE TEMP TABLE resolution_copy AS SELECT device_id, firmware_version FROM ota.devices
          WHERE organization_id = ${copy.escapeLiteral(BIG_ORG)} AND groups && ARRAY[${copy.escapeLiteral('big')}]::text[]`,
      ),
    );
    const copied = plainCopy.value.rowCount;
    await copy.end();
    if (copied !== BIG_DEVICES) throw new Error(`the plain copy wrote ${copied} rows, expected ${BIG_DEVICES}`);
    const start = await timed(() => api.post<CampaignAnswer>(`/api/v1/campaigns/${big.value.campaign_id}/start`));
    if (start.value.status !== 'in_progress' || start.value.total_devices !== BIG_DEVICES) {
      throw new Error(`start of the big campaign: status ${start.value.status}, ${start.value.total_devices} devices, expected ${BIG_DEVICES}`);
    }

    // Tick cost, in this process: the compiled application with its scheduler off.
    const small = await createCampaign(api, 'bench small', firmware.firmware_id, 'small', { deployment_strategy: 'immediate', batch_size: TICK_BATCH });
    await api.post(`/api/v1/campaigns/${small.campaign_id}/start`);
    await stopProcess(service.process);
    await import('reflect-metadata');
    const { createApp } = (await import(resolve('dist/app.setup.js'))) as typeof AppSetupModule;
    const { loadConfig } = (await import(resolve('dist/config/index.js'))) as typeof ConfigModule;
    const { RolloutService } = (await import(resolve('dist/modules/rollout/rollout.service.js'))) as typeof RolloutModule;
    const app: NestFastifyApplication = await createApp(
      loadConfig({
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        DATABASE_URL: databaseUrl,
        JWT_SECRET: 'bench-secret-that-is-long-enough-for-hs256-0123456789',
        SCHEDULER_ENABLED: 'false',
        DATA_DIR: join(workspace.folder, 'app-data'),
        ...serviceEnv,
      }),
    );
    await app.init();
    workspace.defer(() => app.close());
    const rollout = app.get(RolloutService);
    const campaigns = [
      { label: `${SMALL_DEVICES} rows (baseline)`, rows: SMALL_DEVICES, key: { organizationId: BIG_ORG, campaignId: small.campaign_id }, times: [] as number[] },
      { label: `${BIG_DEVICES} rows`, rows: BIG_DEVICES, key: { organizationId: BIG_ORG, campaignId: big.value.campaign_id }, times: [] as number[] },
    ];
    for (let tick = 0; tick < WARMUP_TICKS + TICKS; tick++) {
      for (const campaign of campaigns) {
        const ticked = await timed(() => rollout.tickCampaign(campaign.key));
        if (!ticked.value) throw new Error(`tickCampaign of ${campaign.key.campaignId} did nothing`);
        if (tick >= WARMUP_TICKS) campaign.times.push(ticked.seconds * 1000);
      }
    }
    for (const campaign of campaigns) {
      const rows = await releasedRows(db, BIG_ORG, campaign.key.campaignId);
      const expected = (WARMUP_TICKS + TICKS) * TICK_BATCH;
      if (rows.total !== campaign.rows || rows.released !== expected) {
        throw new Error(`campaign ${campaign.key.campaignId}: ${rows.released} of ${rows.total} rows released after the ticks, expected ${expected} of ${campaign.rows}`);
      }
    }

    const [smallTicks, bigTicks] = campaigns.map((campaign) => ({ p50: median(campaign.times), p99: percentile(campaign.times, 99) }));
    lines.push(() => {
      console.log(
        `\n3. tick cost: RolloutService.tickCampaign (in-process, scheduler off), ${WARMUP_TICKS} warm-up then ${TICKS} ticks per campaign, alternating, ` +
          `${TICK_BATCH} rows released per tick`,
      );
      printTable(
        ['campaign', 'p50 ms', 'p99 ms', 'max ms', 'target'],
        [
          ...campaigns.map((campaign, i) => [
            campaign.label,
            [smallTicks, bigTicks][i].p50.toFixed(1),
            [smallTicks, bigTicks][i].p99.toFixed(1),
            Math.max(...campaign.times).toFixed(1),
            '',
          ]),
          [
            'ratio (1M / 10k)',
            (bigTicks.p50 / smallTicks.p50).toFixed(2),
            (bigTicks.p99 / smallTicks.p99).toFixed(2),
            '',
            `<= ${TARGET_TICK_RATIO}: p50 ${verdict(bigTicks.p50 / smallTicks.p50 <= TARGET_TICK_RATIO)}, p99 ${verdict(bigTicks.p99 / smallTicks.p99 <= TARGET_TICK_RATIO)}`,
          ],
        ],
        { firstColumn: 'left' },
      );

      console.log(`\n4. target resolution of ${BIG_DEVICES} devices (same database, same group)`);
      printTable(
        ['', 'seconds', 'rows/s', 'target'],
        [
          ['campaign start (POST /campaigns/{id}/start)', seconds(start.seconds * 1000), thousands(BIG_DEVICES / start.seconds), `<= ${TARGET_RESOLUTION_SECONDS} s ${verdict(start.seconds <= TARGET_RESOLUTION_SECONDS)}`],
          ['plain copy (CREATE TEMP TABLE AS SELECT)', seconds(plainCopy.seconds * 1000), thousands(BIG_DEVICES / plainCopy.seconds), ''],
          ['ratio start / copy', (start.seconds / plainCopy.seconds).toFixed(1), '', ''],
        ],
        { firstColumn: 'left' },
      );
      console.log(`   campaign creation (counts its targets) took ${seconds(big.seconds * 1000)} s`);
    });
  }

  if (PARTS.has('continuous')) {
    // --- part 3: continuous joining during imports ----------------------------------------------------
    const service = await startService(workspace, {
      databaseUrl,
      env: { ...serviceEnv, SCHEDULER_ENABLED: 'true', ...(TICK_MS === undefined ? {} : { SCHEDULER_TICK_MS: TICK_MS }) },
    });
    const plainToken = await userToken(PLAIN_ORG);
    const continuousToken = await userToken(CONTINUOUS_ORG);
    const api = new Api(service.origin, continuousToken);
    const firmware = await api.uploadFirmware();
    const campaign = await createCampaign(api, 'bench continuous', firmware.firmware_id, 'joiners', { deployment_strategy: 'immediate', continuous: true, batch_size: 10_000 });
    await api.post(`/api/v1/campaigns/${campaign.campaign_id}/start`);
    const plainSeconds: number[] = [];
    const continuousSeconds: number[] = [];
    const joinLagSeconds: number[] = [];
    for (let round = 1; round <= IMPORT_ROUNDS; round++) {
      plainSeconds.push(await importDevices(service.origin, plainToken, importBody(`pln${round}-`, 'joiners')));
      continuousSeconds.push(await importDevices(service.origin, continuousToken, importBody(`cnt${round}-`, 'joiners')));
      const imported = performance.now();
      const deadline = Date.now() + TIMEOUT_SECONDS * 1000;
      for (;;) {
        const { released, total } = await releasedRows(db, CONTINUOUS_ORG, campaign.campaign_id);
        if (total === round * IMPORT_DEVICES && joinLagSeconds.length < round) joinLagSeconds.push((performance.now() - imported) / 1000);
        if (total === round * IMPORT_DEVICES && released === total) break;
        if (total > round * IMPORT_DEVICES) throw new Error(`the continuous campaign holds ${total} devices, more than the ${round * IMPORT_DEVICES} imported`);
        if (Date.now() > deadline) throw new Error(`the continuous campaign took in ${total} of ${round * IMPORT_DEVICES} devices (${released} released) in ${TIMEOUT_SECONDS} s`);
        await sleep(POLL_MS);
      }
    }
    if ((await campaignStatus(db, CONTINUOUS_ORG, campaign.campaign_id)) !== 'in_progress') throw new Error('the continuous campaign left in_progress');
    lines.push(() => {
      const plainRate = IMPORT_DEVICES / median(plainSeconds);
      const continuousRate = IMPORT_DEVICES / median(continuousSeconds);
      const ratio = continuousRate / plainRate;
      console.log(`\n5. continuous joining: ${IMPORT_ROUNDS} imports of ${IMPORT_DEVICES} devices each (NDJSON), with and without a continuous campaign targeting them`);
      printTable(
        ['', 'devices/s (median)', 'rounds (s)', 'target'],
        [
          ['import, no campaign (baseline)', thousands(plainRate), plainSeconds.map((value) => value.toFixed(2)).join(' '), ''],
          ['import, a continuous campaign takes every device in', thousands(continuousRate), continuousSeconds.map((value) => value.toFixed(2)).join(' '), ''],
          ['ratio', `${(100 * ratio).toFixed(0)}%`, '', `>= ${100 * TARGET_IMPORT_RATIO}% ${verdict(ratio >= TARGET_IMPORT_RATIO)}`],
        ],
        { firstColumn: 'left' },
      );
      console.log(`   every imported device was in the campaign ${joinLagSeconds.map((value) => value.toFixed(1)).join(', ')} s after its import answered`);
    });
  }

  if (PARTS.has('windows')) {
    // --- part 4: maintenance windows in device zones ------------------------------------------------
    const service = await startService(workspace, {
      databaseUrl,
      env: { ...serviceEnv, SCHEDULER_ENABLED: 'true', ...(TICK_MS === undefined ? {} : { SCHEDULER_TICK_MS: TICK_MS }) },
    });
    const api = new Api(service.origin, await userToken(WINDOWS_ORG));
    const zones = Intl.supportedValuesOf('timeZone').slice(0, ZONES);
    const firmware = await api.uploadFirmware();
    const settings = { deployment_strategy: 'immediate', batch_size: BATCH };
    const windows = [{ cron: '0 0 * * *', duration_minutes: 1440, time_zone: 'device' }];
    const plainRuns: number[] = [];
    const windowedRuns: number[] = [];
    let heldZones = 0;
    const warmDevices = Math.max(1, Math.floor(DEVICES / 10));
    await insertFleet(db, WINDOWS_ORG, 'wrm-', 'warm-up', warmDevices);
    const warmUp = await createCampaign(api, 'bench warm-up', firmware.firmware_id, 'warm-up', settings);
    await releaseAll(api, db, WINDOWS_ORG, warmUp.campaign_id, warmDevices);
    for (let round = 1; round <= WINDOW_ROUNDS; round++) {
      await insertFleet(db, WINDOWS_ORG, `nw${round}-`, `no-windows-${round}`, DEVICES);
      await insertFleet(db, WINDOWS_ORG, `zw${round}-`, `zoned-${round}`, DEVICES);
      await spreadZones(db, WINDOWS_ORG, `zw${round}-`, zones);
      await db.query('ANALYZE ota.devices');
      const plain = await createCampaign(api, `bench no windows ${round}`, firmware.firmware_id, `no-windows-${round}`, settings);
      const windowed = await createCampaign(api, `bench windows ${round}`, firmware.firmware_id, `zoned-${round}`, { ...settings, maintenance_windows: windows });
      const runPlain = async () => plainRuns.push(await releaseAll(api, db, WINDOWS_ORG, plain.campaign_id, DEVICES));
      const runWindowed = async () => windowedRuns.push(await releaseAll(api, db, WINDOWS_ORG, windowed.campaign_id, DEVICES));
      if (round % 2 === 1) {
        await runPlain();
        await runWindowed();
      } else {
        await runWindowed();
        await runPlain();
      }
      const { rows: held } = await db.query<{ zones: number; ended: number }>(
        `SELECT cardinality(c.device_time_zones) AS zones,
                (SELECT count(*)::int FROM ota.device_updates u WHERE u.organization_id = c.organization_id AND u.campaign_id = c.campaign_id AND u.window_ends_at IS NOT NULL) AS ended
           FROM ota.campaigns c WHERE c.organization_id = $1 AND c.campaign_id = $2`,
        [WINDOWS_ORG, windowed.campaign_id],
      );
      if (held[0].ended !== DEVICES) throw new Error(`windowed campaign: ${held[0].ended} of ${DEVICES} released rows carry window_ends_at`);
      heldZones = held[0].zones;
    }
    const plainMs = median(plainRuns);
    const windowedMs = median(windowedRuns);
    await stopProcess(service.process);
    lines.push(() => {
      const plainRate = (DEVICES / plainMs) * 60_000;
      const windowedRate = (DEVICES / windowedMs) * 60_000;
      const ratio = windowedRate / plainRate;
      console.log(
        `\n6. maintenance windows: immediate campaigns over ${DEVICES} devices, batch_size ${BATCH}; windows "0 0 * * *" for 1440 min in each device's zone ` +
          `(${heldZones} zones, all open); ${WINDOW_ROUNDS} rounds, medians`,
      );
      const runs = (values: number[]) => values.map((value) => seconds(value)).join(' ');
      printTable(
        ['', 'seconds (median)', 'rounds (s)', 'releases/min', 'target'],
        [
          ['no windows (baseline)', seconds(plainMs), runs(plainRuns), thousands(plainRate), ''],
          [`windows in device zones (${ZONES} zones)`, seconds(windowedMs), runs(windowedRuns), thousands(windowedRate), ''],
          ['ratio', '', '', `${(100 * ratio).toFixed(0)}%`, `>= ${100 * TARGET_WINDOWS_RATIO}% ${verdict(ratio >= TARGET_WINDOWS_RATIO)}`],
        ],
        { firstColumn: 'left' },
      );
    });
  }

  for (const line of lines) line();
});
