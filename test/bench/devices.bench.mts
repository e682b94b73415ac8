/**
 * `npm run bench:devices`: device registry import rate and target preview time.
 *
 * Generates 100 000 devices (ids, types, models, manufacturers, hardware revisions, semver firmware
 * versions spread over 0.9.x-2.3.x with some prereleases and invalid ones, groups, tags,
 * attributes), imports them through `POST /api/v1/devices/import` as NDJSON (BENCH_IMPORT_FORMAT=json
 * sends one JSON array instead), then previews a semver range over them with
 * `POST /api/v1/targets/preview`. In the same run, against the same PostgreSQL and the same table,
 * the baseline inserts the same rows for another organization with one raw `INSERT ... SELECT FROM
 * unnest(...)` and runs the equivalent raw `count(*)`. Prints the four figures and their ratios.
 * Targets: API import >= 25% of the raw insert rate; preview <= 3x the raw count time. Exits 1
 * only on errors (a failed request, rows refused, counts that disagree), not on a missed target.
 *
 * The service runs as a child process from `dist/` (the script builds first), configured as in
 * production (NODE_ENV=production, migrations applied before by `dist/cli/migrate.js`), against a
 * fresh database of its own: a new database on the server of `DATABASE_URL` when it is set (used
 * as an admin connection and dropped afterwards), else an embedded PostgreSQL in a temporary folder.
 */
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import pg from 'pg';
import semver from 'semver';
import type * as VersionKeyModule from '../../src/common/versions/version-key.js';
import type * as VersionRangeModule from '../../src/common/versions/version-range-sql.js';
import type * as PrismaClientModule from '../../src/generated/prisma/client.js';
import type * as SupportModule from './support.mts';

const DEVICES = Number(process.env.BENCH_DEVICES ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const FORMAT = (process.env.BENCH_IMPORT_FORMAT ?? 'ndjson') as 'ndjson' | 'json';
const RANGE = '>=1.2.0 <2.0.0';
const TARGET_IMPORT_RATIO = 0.25;
const TARGET_PREVIEW_RATIO = 3;
const API_ORG = 'bench-api';
const RAW_ORG = 'bench-raw';
const WARMUP_ORG = 'bench-warmup';

if (FORMAT !== 'ndjson' && FORMAT !== 'json') throw new Error(`BENCH_IMPORT_FORMAT must be ndjson or json, not ${FORMAT}`);

const { firmwareVersionKey, hardwareVersionKey } = (await import(resolve('dist/common/versions/version-key.js'))) as typeof VersionKeyModule;
const { parseVersionRange, versionRangeCondition } = (await import(resolve('dist/common/versions/version-range-sql.js'))) as typeof VersionRangeModule;
const { Prisma } = (await import(resolve('dist/generated/prisma/client.js'))) as typeof PrismaClientModule;
// Imported at run time: tsc refuses a static import ending in `.mts`, Node needs the extension.
const { freshDatabase, median, userToken, printTable, runBenchmark, seededRandom, startService, timed } = (await import(
  new URL('./support.mts', import.meta.url).href
)) as typeof SupportModule;

// -------------------------------------------------------------------------------------------------
// Generated fleet
// -------------------------------------------------------------------------------------------------

interface DeviceRow {
  device_id: string;
  device_type: string;
  device_model: string;
  manufacturer: string;
  hardware_version: string;
  firmware_version: string | null;
  groups: string[];
  tags: string[];
  attributes: Record<string, string | number | boolean>;
}

const CATALOGUE = [
  { type: 'smart_frame', prefix: 'sf', manufacturer: 'Acme Displays', models: ['SF-100', 'SF-200', 'SF-200X'] },
  { type: 'thermostat', prefix: 'th', manufacturer: 'Globex', models: ['TH-1', 'TH-2'] },
  { type: 'camera', prefix: 'cam', manufacturer: 'Initech', models: ['CAM-4K', 'CAM-HD'] },
  { type: 'gateway', prefix: 'gw', manufacturer: 'Acme Networks', models: ['GW-9'] },
  { type: 'sensor', prefix: 'sn', manufacturer: 'Umbrella IoT', models: ['SN-T', 'SN-H', 'SN-TH'] },
];
const HARDWARE = ['1.0', '1.1', '2', '2.1', 'rev3', '3.0.1'];
const MINORS = ['0.9', '1.0', '1.1', '1.2', '1.3', '1.4', '1.5', '1.9', '1.10', '2.0', '2.1', '2.2', '2.3'];
const INVALID_VERSIONS = ['1.2', 'unknown', '01.4.2', '2.0.0.1', 'latest'];
const GROUPS = ['eu-west', 'eu-central', 'us-east', 'us-west', 'apac', 'beta-testers', 'lab', 'retail'];
const TAGS = ['beta', 'wifi', 'lte', 'outdoor', 'kiosk', 'pilot', 'battery', 'mains'];
const REGIONS = ['eu', 'us', 'apac'];

/** A deterministic fleet: the same count always gives the same devices. */
function generateDevices(count: number, idPrefix = ''): DeviceRow[] {
  const random = seededRandom(count);
  const pick = <T,>(values: readonly T[]): T => values[Math.floor(random() * values.length)];
  const some = (values: readonly string[], max: number): string[] => {
    const chosen = new Set<string>();
    for (let n = Math.floor(random() * (max + 1)); n > 0; n--) chosen.add(pick(values));
    return [...chosen];
  };
  const devices: DeviceRow[] = [];
  for (let i = 0; i < count; i++) {
    const kind = pick(CATALOGUE);
    const roll = random();
    const core = `${pick(MINORS)}.${Math.floor(random() * 13)}`;
    const firmware =
      roll < 0.01 ? null : roll < 0.02 ? pick(INVALID_VERSIONS) : roll < 0.05 ? `${core}-${pick(['beta', 'rc'])}.${1 + Math.floor(random() * 4)}` : core;
    devices.push({
      device_id: `${idPrefix}${kind.prefix}-${(0x100000 + i).toString(16)}-${Math.floor(random() * 0xffff).toString(16).padStart(4, '0')}`,
      device_type: kind.type,
      device_model: pick(kind.models),
      manufacturer: kind.manufacturer,
      hardware_version: pick(HARDWARE),
      firmware_version: firmware,
      groups: some(GROUPS, 2),
      tags: some(TAGS, 3),
      attributes: {
        region: pick(REGIONS),
        site: `site-${Math.floor(random() * 500)}`,
        screen_inches: kind.type === 'smart_frame' ? pick([7, 10.1, 15.6]) : 0,
        on_battery: random() < 0.3,
      },
    });
  }
  return devices;
}

/** The oracle: node-semver itself, on the generated versions. */
function inRange(version: string | null): boolean {
  return version !== null && semver.valid(version) !== null && semver.satisfies(version, RANGE);
}

function encodeBody(devices: DeviceRow[]): Buffer {
  if (FORMAT === 'json') return Buffer.from(JSON.stringify(devices));
  return Buffer.from(devices.map((d) => JSON.stringify(d)).join('\n') + '\n');
}

// -------------------------------------------------------------------------------------------------
// The two paths
// -------------------------------------------------------------------------------------------------

/** The statement's parameters: each column as an array, version keys computed as the service does. */
function rawInsertParameters(devices: DeviceRow[]): unknown[] {
  return [
    devices.map((d) => d.device_id),
    devices.map((d) => d.device_type),
    devices.map((d) => d.device_model),
    devices.map((d) => d.manufacturer),
    devices.map((d) => d.hardware_version),
    devices.map((d) => hardwareVersionKey(d.hardware_version)),
    devices.map((d) => d.firmware_version),
    devices.map((d) => firmwareVersionKey(d.firmware_version)),
    devices.map((d) => d.groups.join(',')),
    devices.map((d) => d.tags.join(',')),
    devices.map((d) => JSON.stringify(d.attributes)),
  ];
}

/** One statement: the column arrays zipped by `unnest`. */
async function rawInsert(db: pg.Client, organizationId: string, parameters: unknown[]): Promise<void> {
  await db.query(
    `INSERT INTO ota.devices (organization_id, device_id, device_type, device_model, manufacturer, hardware_version, hardware_version_key,
                              firmware_version, firmware_version_key, groups, tags, attributes, created_at, updated_at)
     SELECT $1, r.device_id, r.device_type, r.device_model, r.manufacturer, r.hardware_version, r.hardware_version_key,
            r.firmware_version, r.firmware_version_key, string_to_array(r.groups, ','), string_to_array(r.tags, ','), r.attributes::jsonb, now(), now()
     FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bytea[], $8::text[], $9::bytea[], $10::text[], $11::text[], $12::text[])
       AS r(device_id, device_type, device_model, manufacturer, hardware_version, hardware_version_key, firmware_version, firmware_version_key, groups, tags, attributes)`,
    [organizationId, ...parameters],
  );
}

interface ImportAnswer {
  created: number;
  updated: number;
  failed: { index: number; device_id: string; error: string }[];
}

interface PreviewAnswer {
  matched: number;
  compatible: number;
  already_on_target_version: number;
  selected: number;
  sample: string[];
}

class ServiceClient {
  private readonly origin: string;
  private readonly token: string;

  constructor(origin: string, token: string) {
    this.origin = origin;
    this.token = token;
  }

  async importDevices(body: Buffer, expected: number): Promise<ImportAnswer> {
    const answer = await this.post<ImportAnswer>('/api/v1/devices/import', body, FORMAT === 'ndjson' ? 'application/x-ndjson' : 'application/json');
    if (answer.failed.length > 0 || answer.created + answer.updated !== expected) {
      throw new Error(`import of ${expected} devices: ${answer.created} created, ${answer.updated} updated, ${answer.failed.length} failed, e.g. ${JSON.stringify(answer.failed.slice(0, 3))}`);
    }
    return answer;
  }

  preview(body: unknown): Promise<PreviewAnswer> {
    return this.post<PreviewAnswer>('/api/v1/targets/preview', Buffer.from(JSON.stringify(body)), 'application/json');
  }

  private async post<T>(path: string, body: Buffer, contentType: string): Promise<T> {
    const res = await fetch(`${this.origin}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': contentType },
      body,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`POST ${path} answered ${res.status}: ${text.slice(0, 2000)}`);
    return JSON.parse(text) as T;
  }
}

// -------------------------------------------------------------------------------------------------
// The run
// -------------------------------------------------------------------------------------------------

await runBenchmark('ota-bench-devices-', async (workspace) => {
  const databaseUrl = await freshDatabase(workspace, 'ota_bench_devices');
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  workspace.defer(() => db.end());

  const service = await startService(workspace, {
    databaseUrl,
    env: {
      STORAGE_DRIVER: 'filesystem',
      STORAGE_DIR: join(workspace.folder, 'storage'),
      DOWNLOAD_URL_SECRET: randomBytes(32).toString('hex'),
      DEVICE_IMPORT_MAX_BYTES: String(512 * 1024 * 1024),
    },
  });
  const api = new ServiceClient(service.origin, await userToken(API_ORG));

  const devices = generateDevices(DEVICES);
  const body = encodeBody(devices);
  console.log(
    `${DEVICES} devices generated: ${devices.filter((d) => firmwareVersionKey(d.firmware_version) === null).length} without a valid semver firmware version, ` +
      `${devices.filter((d) => d.firmware_version?.includes('-')).length} prereleases; ` +
      `import body ${FORMAT === 'ndjson' ? 'NDJSON (application/x-ndjson)' : 'JSON array (application/json)'}, ${(body.length / 1024 / 1024).toFixed(1)} MiB`,
  );

  // Warm-up of both paths (JIT, connection pools, plan caches), on rows thrown away afterwards.
  const warmupRows = generateDevices(2_000, 'warm');
  await new ServiceClient(service.origin, await userToken(WARMUP_ORG)).importDevices(encodeBody(warmupRows), warmupRows.length);
  await rawInsert(db, `${WARMUP_ORG}-raw`, rawInsertParameters(warmupRows));
  await db.query('DELETE FROM ota.devices WHERE organization_id = ANY($1)', [[WARMUP_ORG, `${WARMUP_ORG}-raw`]]);

  // Only the statement is timed (the service's parsing and version keys are part of its figure).
  // It goes first, into the emptier table, so the comparison leans against the API.
  const parameters = rawInsertParameters(devices);
  const raw = await timed(() => rawInsert(db, RAW_ORG, parameters));
  const imported = await timed(() => api.importDevices(body, devices.length));
  const rawRate = DEVICES / raw.seconds;
  const apiRate = DEVICES / imported.seconds;

  // Both organizations' rows are in; fresh statistics for both queries alike.
  await db.query('ANALYZE ota.devices');
  const check = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM ota.devices WHERE organization_id = ANY($1)', [[API_ORG, RAW_ORG]]);
  if (check.rows[0].n !== 2 * DEVICES) throw new Error(`expected ${2 * DEVICES} rows in ota.devices, found ${check.rows[0].n}`);

  const countQuery = Prisma.sql`SELECT count(*)::int AS n FROM ota.devices d WHERE d.organization_id = ${RAW_ORG} AND ${versionRangeCondition(parseVersionRange(RANGE), Prisma.raw('d.firmware_version_key'))}`;
  const rawCount = async () => (await db.query<{ n: number }>(countQuery.text, countQuery.values as unknown[])).rows[0].n;
  const preview = () => api.preview({ target_filters: { firmware_version: RANGE } });

  const expected = devices.filter((d) => inRange(d.firmware_version)).length;
  const counted = await rawCount(); // warm-up
  const previewed = await preview(); // warm-up
  if (counted !== expected || previewed.matched !== expected) {
    throw new Error(`devices in ${RANGE}: generated ${expected}, raw count ${counted}, preview matched ${previewed.matched}`);
  }
  const countTimes: number[] = [];
  const previewTimes: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    countTimes.push((await timed(rawCount)).seconds * 1000);
    previewTimes.push((await timed(preview)).seconds * 1000);
  }
  const countMs = median(countTimes);
  const previewMs = median(previewTimes);

  const importRatio = apiRate / rawRate;
  const previewRatio = previewMs / countMs;
  console.log(`\nimport of ${DEVICES} devices (API: ${FORMAT}, ${imported.value.created} created, ${imported.value.updated} updated, 0 failed)`);
  printTable(
    ['', 'API', 'raw SQL', 'ratio', 'target'],
    [
      ['import rows/s', apiRate.toFixed(0), rawRate.toFixed(0), importRatio.toFixed(2), `>= ${TARGET_IMPORT_RATIO} ${importRatio >= TARGET_IMPORT_RATIO ? 'met' : 'MISSED'}`],
      ['import seconds', imported.seconds.toFixed(2), raw.seconds.toFixed(2), '', ''],
      [
        `firmware_version "${RANGE}" ms (median of ${RUNS})`,
        previewMs.toFixed(1),
        countMs.toFixed(1),
        previewRatio.toFixed(2),
        `<= ${TARGET_PREVIEW_RATIO} ${previewRatio <= TARGET_PREVIEW_RATIO ? 'met' : 'MISSED'}`,
      ],
    ],
    { firstColumn: 'left' },
  );
  console.log(`\n${expected} of ${DEVICES} devices match "${RANGE}" (preview: matched ${previewed.matched}, selected ${previewed.selected})`);
  console.log(`preview runs ms: ${previewTimes.map((t) => t.toFixed(1)).join(', ')}; raw count runs ms: ${countTimes.map((t) => t.toFixed(1)).join(', ')}`);
});
