import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AppModule } from '../../src/app.module';
import { loadConfig } from '../../src/config';
import { type ContributedFleetFigures, type FleetStatsContributor, StatsContributor } from '../../src/modules/stats/fleet-stats.contributor';
import { FleetStatsService } from '../../src/modules/stats/fleet-stats.service';
import { deviceRow, insertDeviceRows } from '../utils/device-rows';
import { firmwareMetadata, uploadFirmware } from '../utils/firmware-factory';
import { createTestApp, TEST_JWT_SECRET, type TestApp } from '../utils/test-app';
import { createTestDatabase, type TestDatabase, withClient } from '../utils/test-database';
import { bearer, hs256Token } from '../utils/tokens';

const STATS_URL = '/api/v1/stats';
const STATS_KEYS = [
  'total_campaigns',
  'active_campaigns',
  'completed_campaigns',
  'failed_campaigns',
  'total_updates',
  'pending_updates',
  'in_progress_updates',
  'completed_updates',
  'failed_updates',
  'success_rate',
  'avg_update_time',
  'total_data_transferred',
  'last_24h_updates',
  'last_24h_failures',
  'last_24h_data_transferred',
  'updates_by_device_type',
  'updates_by_firmware_version',
];
const EMPTY_STATS = Object.fromEntries(
  STATS_KEYS.map((key) => [key, key.startsWith('updates_by_') ? {} : 0]),
);

/** A device update as a test states it; times are minutes before the database's `now()`. */
interface UpdateFixture {
  device_id: string;
  status: string;
  to_version: string;
  created_min_ago: number;
  started_min_ago: number | null;
  /** Seconds from start to finish; with `started_min_ago` null, minutes ago of the finish. */
  duration_s: number | null;
  completed_min_ago: number | null;
  updated_min_ago: number;
}

interface DownloadFixture {
  file_size: number;
  created_min_ago: number;
}

let sequence = 0;
function uniqueOrganization(): string {
  sequence += 1;
  return `org-stats-${process.pid}-${sequence}`;
}

/** Test factory: an update row; `overrides` set any field. */
function update(overrides: Partial<UpdateFixture> & Pick<UpdateFixture, 'device_id' | 'status'>): UpdateFixture {
  return { to_version: '2.0.0', created_min_ago: 60, started_min_ago: null, duration_s: null, completed_min_ago: null, updated_min_ago: 5, ...overrides };
}

/** Inserts the rows with one statement each, times relative to the database clock (as the service reads them). */
async function insertUpdates(t: TestApp, organizationId: string, firmwareId: string, rows: readonly UpdateFixture[]): Promise<void> {
  const payload = rows.map((row) => ({ ...row, update_id: randomBytes(16).toString('hex') }));
  await withClient(t.database.url, (client) =>
    client.query(
      `INSERT INTO ota.device_updates (organization_id, update_id, device_id, firmware_id, to_version, status, created_by,
                                       created_at, started_at, completed_at, updated_at)
       SELECT $1, r.update_id, r.device_id, $2, r.to_version, r.status, 'test',
              now() - make_interval(mins => r.created_min_ago),
              now() - make_interval(mins => r.started_min_ago),
              CASE WHEN r.started_min_ago IS NOT NULL AND r.duration_s IS NOT NULL
                   THEN now() - make_interval(mins => r.started_min_ago) + make_interval(secs => r.duration_s)
                   ELSE now() - make_interval(mins => r.completed_min_ago) END,
              now() - make_interval(mins => r.updated_min_ago)
         FROM jsonb_to_recordset($3::jsonb) AS r(update_id text, device_id text, to_version text, status text,
              created_min_ago int, started_min_ago int, duration_s int, completed_min_ago int, updated_min_ago int)`,
      [organizationId, firmwareId, JSON.stringify(payload)],
    ),
  );
}

async function insertDownloads(t: TestApp, organizationId: string, firmwareId: string, rows: readonly DownloadFixture[]): Promise<void> {
  const payload = rows.map((row) => ({ ...row, id: randomUUID() }));
  await withClient(t.database.url, (client) =>
    client.query(
      `INSERT INTO ota.firmware_downloads (id, organization_id, firmware_id, requested_by, requested_by_kind, file_size, created_at, expires_at)
       SELECT r.id::uuid, $1, $2, 'test', 'user', r.file_size, now() - make_interval(mins => r.created_min_ago), now() + interval '1 hour'
         FROM jsonb_to_recordset($3::jsonb) AS r(id text, file_size bigint, created_min_ago int)`,
      [organizationId, firmwareId, JSON.stringify(payload)],
    ),
  );
}

const DAY_MIN = 24 * 60;
const round2 = (value: number): number => Math.round(value * 100) / 100;

/** The figures the endpoint should report, worked out here from the fixtures alone. */
function expectedStats(updates: readonly UpdateFixture[], downloads: readonly DownloadFixture[], deviceTypes: Record<string, string | null>) {
  const count = (predicate: (row: UpdateFixture) => boolean) => updates.filter(predicate).length;
  const completed = count((row) => row.status === 'completed');
  const failed = count((row) => row.status === 'failed');
  const timed = updates.filter((row) => row.status === 'completed' && row.started_min_ago !== null && row.duration_s !== null);
  const tally = (key: (row: UpdateFixture) => string) =>
    updates.reduce<Record<string, number>>((acc, row) => ({ ...acc, [key(row)]: (acc[key(row)] ?? 0) + 1 }), {});
  const failedAt = (row: UpdateFixture) =>
    row.started_min_ago !== null && row.duration_s !== null ? row.started_min_ago - row.duration_s / 60 : (row.completed_min_ago ?? row.updated_min_ago);
  return {
    total_campaigns: 0,
    active_campaigns: 0,
    completed_campaigns: 0,
    failed_campaigns: 0,
    total_updates: updates.length,
    pending_updates: count((row) => ['created', 'scheduled'].includes(row.status)),
    in_progress_updates: count((row) =>
      ['in_progress', 'downloading', 'verifying', 'installing', 'awaiting_activation', 'rebooting'].includes(row.status),
    ),
    completed_updates: completed,
    failed_updates: failed,
    success_rate: completed + failed === 0 ? 0 : round2((100 * completed) / (completed + failed)),
    avg_update_time: timed.length === 0 ? 0 : round2(timed.reduce((sum, row) => sum + (row.duration_s as number), 0) / timed.length / 60),
    total_data_transferred: downloads.reduce((sum, row) => sum + row.file_size, 0),
    last_24h_updates: count((row) => row.created_min_ago < DAY_MIN),
    last_24h_failures: count((row) => row.status === 'failed' && failedAt(row) < DAY_MIN),
    last_24h_data_transferred: downloads.filter((row) => row.created_min_ago < DAY_MIN).reduce((sum, row) => sum + row.file_size, 0),
    updates_by_device_type: tally((row) => deviceTypes[row.device_id] ?? 'unknown'),
    updates_by_firmware_version: tally((row) => row.to_version),
  };
}

describe('fleet statistics (GET /api/v1/stats)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  function viewerOf(organizationId: string): Promise<Record<string, string>> {
    return hs256Token({ sub: 'viewer-1', organization_id: organizationId, role: 'viewer' }).then(bearer);
  }

  /** Registers a fleet, one firmware and the given updates and downloads in a new organization. */
  async function seedOrganization(
    updates: (devices: string[]) => UpdateFixture[],
    downloads: DownloadFixture[],
  ): Promise<{ organizationId: string; expected: ReturnType<typeof expectedStats> }> {
    const organizationId = uniqueOrganization();
    const operator = bearer(await hs256Token({ sub: 'op-1', organization_id: organizationId, role: 'operator' }));
    const uploaded = await uploadFirmware(t, operator, { metadata: firmwareMetadata() });
    expect(uploaded.statusCode).toBe(201);
    const firmwareId = uploaded.json().firmware_id as string;

    const types = ['smart_frame', 'smart_frame', 'hub', null, 'smart_frame', 'hub', 'camera', 'camera', 'hub', 'smart_frame'];
    const devices = types.map((deviceType) => deviceRow({ organization_id: organizationId, device_type: deviceType }));
    await insertDeviceRows(t.database.url, devices);
    const rows = updates(devices.map((device) => device.device_id));
    await insertUpdates(t, organizationId, firmwareId, rows);
    await insertDownloads(t, organizationId, firmwareId, downloads);
    const deviceTypes = Object.fromEntries(devices.map((device) => [device.device_id, device.device_type]));
    return { organizationId, expected: expectedStats(rows, downloads, deviceTypes) };
  }

  /** Every status, with start/finish times inside and outside the last 24 hours, and a device no longer registered. */
  const fleetUpdates = (d: string[]): UpdateFixture[] => [
    update({ device_id: d[0], status: 'created', created_min_ago: 10 }),
    update({ device_id: d[1], status: 'scheduled', created_min_ago: 30 * 60 }),
    update({ device_id: d[2], status: 'in_progress', started_min_ago: 20 }),
    update({ device_id: d[3], status: 'downloading', started_min_ago: 20, to_version: '2.1.0' }),
    update({ device_id: d[4], status: 'verifying', started_min_ago: 20 }),
    update({ device_id: d[5], status: 'installing', started_min_ago: 20 }),
    update({ device_id: d[6], status: 'awaiting_activation', started_min_ago: 20, to_version: '2.1.0' }),
    update({ device_id: d[7], status: 'rebooting', started_min_ago: 20 }),
    update({ device_id: d[8], status: 'completed', created_min_ago: 200, started_min_ago: 100, duration_s: 600 }),
    update({ device_id: d[9], status: 'completed', created_min_ago: 40 * 60, started_min_ago: 39 * 60, duration_s: 1530, to_version: '1.9.0' }),
    update({ device_id: d[0], status: 'completed', created_min_ago: 3 * 60, started_min_ago: 2 * 60, duration_s: 440, to_version: '2.1.0' }),
    // Already on the target version: completed without a start, so it has no update time.
    update({ device_id: d[1], status: 'completed', created_min_ago: 50, completed_min_ago: 50 }),
    update({ device_id: d[2], status: 'failed', created_min_ago: 300, started_min_ago: 120, duration_s: 90 }),
    update({ device_id: d[3], status: 'failed', created_min_ago: 50 * 60, started_min_ago: 30 * 60, duration_s: 60, updated_min_ago: 1 }),
    update({ device_id: d[4], status: 'failed', created_min_ago: 60 * 60, updated_min_ago: 40 * 60 }),
    update({ device_id: d[5], status: 'cancelled', created_min_ago: 70 }),
    update({ device_id: d[6], status: 'rolled_back', created_min_ago: 26 * 60, to_version: '1.9.0' }),
    update({ device_id: `gone-${process.pid}`, status: 'completed', created_min_ago: 15, started_min_ago: 14, duration_s: 300 }),
  ];
  const fleetDownloads: DownloadFixture[] = [
    { file_size: 1_000, created_min_ago: 60 },
    { file_size: 2_500, created_min_ago: 23 * 60 },
    { file_size: 7_000, created_min_ago: 25 * 60 },
    // Beyond 32 bits, as a fleet's total soon is.
    { file_size: 123_456_789_012, created_min_ago: 48 * 60 },
  ];

  it('reports the 17 keys, each computed from the rows', async () => {
    const { organizationId, expected } = await seedOrganization(fleetUpdates, fleetDownloads);
    const res = await t.request({ method: 'GET', url: STATS_URL, headers: await viewerOf(organizationId) });

    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual([...STATS_KEYS].sort());
    expect(body).toEqual(expected);
    // The fixture's figures, so a bug shared by the service and expectedStats cannot pass unseen.
    expect(body).toMatchObject({
      total_updates: 18,
      pending_updates: 2,
      in_progress_updates: 6,
      completed_updates: 5,
      failed_updates: 3,
      success_rate: 62.5,
      avg_update_time: round2((600 + 1530 + 440 + 300) / 4 / 60),
      total_data_transferred: 123_456_799_512,
      last_24h_updates: 13,
      last_24h_failures: 1,
      last_24h_data_transferred: 3_500,
    });
    expect(body.updates_by_device_type).toEqual({ smart_frame: 7, hub: 5, camera: 3, unknown: 3 });
    expect(body.updates_by_firmware_version).toEqual({ '2.0.0': 13, '2.1.0': 3, '1.9.0': 2 });
  });

  it('reports zeros and empty breakdowns for an organization without updates or downloads', async () => {
    const res = await t.request({ method: 'GET', url: STATS_URL, headers: await viewerOf(uniqueOrganization()) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(EMPTY_STATS);
  });

  it('counts only the caller\'s organization', async () => {
    const first = await seedOrganization(fleetUpdates, fleetDownloads);
    const second = await seedOrganization(
      (d) => [
        update({ device_id: d[0], status: 'failed', started_min_ago: 30, duration_s: 45, to_version: '3.0.0' }),
        update({ device_id: d[2], status: 'completed', started_min_ago: 30, duration_s: 120, to_version: '3.0.0' }),
      ],
      [{ file_size: 42, created_min_ago: 5 }],
    );

    const [a, b] = await Promise.all([
      t.request({ method: 'GET', url: STATS_URL, headers: await viewerOf(first.organizationId) }),
      t.request({ method: 'GET', url: STATS_URL, headers: await viewerOf(second.organizationId) }),
    ]);
    expect(a.json()).toEqual(first.expected);
    expect(b.json()).toEqual(second.expected);
    expect(b.json()).toMatchObject({ total_updates: 2, success_rate: 50, avg_update_time: 2, total_data_transferred: 42 });
    expect(b.json().updates_by_device_type).toEqual({ smart_frame: 1, hub: 1 });
  });

  it('is open to viewers and closed without credentials', async () => {
    const anonymous = await t.request({ method: 'GET', url: STATS_URL });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toMatchObject({ code: expect.any(String), request_id: expect.any(String) });

    const noOrganization = await t.request({
      method: 'GET',
      url: STATS_URL,
      headers: bearer(await hs256Token({ sub: 'viewer-1', organization_id: undefined, role: 'viewer' })),
    });
    expect(noOrganization.statusCode).toBe(403);
  });
});

/** Stands in for the campaigns module: contributes its counts through the port. */
@Injectable()
@StatsContributor()
class CampaignCounts implements FleetStatsContributor {
  async contribute(organizationId: string): Promise<Partial<ContributedFleetFigures>> {
    return organizationId === 'org-campaigns' ? { totalCampaigns: 5, activeCampaigns: 2, completedCampaigns: 2, failedCampaigns: 1 } : {};
  }
}

/** A second contributor with partial figures: they add to the first, missing ones count as 0. */
@Injectable()
@StatsContributor()
class ArchivedCampaignCounts implements FleetStatsContributor {
  async contribute(): Promise<Partial<ContributedFleetFigures>> {
    return { totalCampaigns: 3, completedCampaigns: 3 };
  }
}

describe('fleet statistics contributed by other modules', () => {
  let database: TestDatabase;
  let dataDir: string;
  let stats: FleetStatsService;
  let close: () => Promise<void>;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), 'ota-test-data-'));
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: database.url,
      MIGRATE_ON_START: 'false',
      JWT_SECRET: TEST_JWT_SECRET,
      DATA_DIR: dataDir,
      SCHEDULER_ENABLED: 'false',
    });
    const moduleRef = await Test.createTestingModule({
      imports: [AppModule.forRoot(config)],
      providers: [CampaignCounts, ArchivedCampaignCounts],
    }).compile();
    const app = await moduleRef.init();
    stats = app.get(FleetStatsService);
    close = () => app.close();
  });
  afterAll(async () => {
    await close?.();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('adds up the campaign figures of every contributor', async () => {
    await expect(stats.get('org-campaigns')).resolves.toEqual({
      ...EMPTY_STATS,
      total_campaigns: 8,
      active_campaigns: 2,
      completed_campaigns: 5,
      failed_campaigns: 1,
    });
    await expect(stats.get('org-other')).resolves.toEqual({ ...EMPTY_STATS, total_campaigns: 3, completed_campaigns: 3 });
  });
});
