import { act, campaignBody, campaignStats, createCampaign, getCampaign } from '../utils/campaign-factory';
import { deviceRow, insertDeviceRows } from '../utils/device-rows';
import { ensureBuilt, type Replica, startReplica } from '../utils/replica-process';
import { createTestApp, type TestApp } from '../utils/test-app';
import { createTestDatabase, type TestDatabase } from '../utils/test-database';
import { apiKeyHeader, apiKeyRequest, bearer, hs256Token } from '../utils/tokens';
import { createFirmware, sql } from '../utils/update-factory';

const ORG = 'org-replicas';
const DEVICES = 300;
const MODEL = 'REPLICA-1';

/**
 * Three instances of the service, each a process of its own with its scheduler on, drive one
 * campaign on one database while devices check in and report through all of them; one is killed
 * with SIGKILL half-way. The campaign must finish with each device released exactly once and
 * every count and transition recorded once.
 */
describe('the rollout on several replicas', () => {
  let database: TestDatabase;
  let harness: TestApp;
  let replicas: Replica[] = [];
  let operator: Record<string, string>;
  let gateway: Record<string, string>;

  beforeAll(async () => {
    ensureBuilt();
    database = await createTestDatabase();
    // The test's own client of the API (its scheduler off): creates the fleet, the firmware, the campaign.
    harness = await createTestApp({ database });
    operator = bearer(await hs256Token({ sub: 'op-1', organization_id: ORG, role: 'operator' }));
    const admin = bearer(await hs256Token({ sub: 'admin-1', organization_id: ORG, role: 'admin' }));
    const key = await harness.request({ method: 'POST', url: '/api/v1/api-keys', headers: admin, payload: apiKeyRequest({ name: 'gateway', role: 'device_gateway' }) });
    gateway = apiKeyHeader(key.json().key);
    await insertDeviceRows(
      database.url,
      Array.from({ length: DEVICES }, (_, index) =>
        deviceRow({ organization_id: ORG, device_id: `replica-dev-${String(index).padStart(4, '0')}`, device_model: MODEL, firmware_version: '1.0.0', groups: ['fleet'] }),
      ),
    );
    await createFirmware(harness, operator, { version: '2.0.0', device_model: MODEL });
    replicas = await Promise.all([0, 1, 2].map(() => startReplica(database.url, { SCHEDULER_TICK_MS: '100', LAST_SEEN_FLUSH_MS: '500' })));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => (replica.process.exitCode === null ? replica.stop() : undefined)));
    await harness.close();
    await database.drop();
  });

  it('release each device exactly once and lose nothing when one is killed mid-campaign', async () => {
    const firmware = (await sql<{ firmware_id: string }>(harness, `SELECT firmware_id FROM ota.firmware WHERE organization_id = $1`, [ORG]))[0];
    const campaign = await createCampaign(harness, operator, campaignBody(firmware.firmware_id, { batch_size: 20, max_concurrent_updates: 60, timeout_minutes: 30 }));
    await act(harness, operator, campaign.campaign_id, 'start');

    const pending = new Set(Array.from({ length: DEVICES }, (_, index) => `replica-dev-${String(index).padStart(4, '0')}`));
    let alive = [...replicas];
    let turn = 0;
    let killed = false;
    const deadline = Date.now() + 90_000;
    while (pending.size > 0 && Date.now() < deadline) {
      for (const deviceId of [...pending]) {
        const replica = alive[turn++ % alive.length];
        const done = await workOnce(replica, deviceId).catch(() => false);
        if (done) pending.delete(deviceId);
        if (!killed && pending.size <= DEVICES / 2) {
          // Half-way, while ticks and report batches run on it.
          killed = true;
          await replicas[0].kill();
          alive = replicas.slice(1);
        }
      }
    }
    expect(pending.size).toBe(0);
    expect(killed).toBe(true);

    // The surviving replicas finish the campaign.
    let status = '';
    while (Date.now() < deadline && (status = (await getCampaign(harness, operator, campaign.campaign_id)).status) === 'in_progress') {
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    expect(status).toBe('completed');

    const perDevice = await sql<{ device_id: string; rows: number; released: number; commands: number }>(
      harness,
      `SELECT u.device_id, count(DISTINCT u.update_id)::int AS rows,
              (SELECT count(*) FROM ota.device_update_events e WHERE e.update_id = min(u.update_id) AND e.status = 'scheduled')::int AS released,
              (SELECT count(*) FROM ota.device_commands c WHERE c.device_id = u.device_id AND c.payload->>'type' = 'update_available')::int AS commands
         FROM ota.device_updates u WHERE u.campaign_id = $1 GROUP BY u.device_id`,
      [campaign.campaign_id],
    );
    expect(perDevice).toHaveLength(DEVICES);
    for (const row of perDevice) expect(row).toMatchObject({ rows: 1, released: 1, commands: 1 });
    const byStatus = await sql<{ status: string; count: number }>(harness, `SELECT status, count(*)::int AS count FROM ota.device_updates WHERE campaign_id = $1 GROUP BY 1`, [campaign.campaign_id]);
    expect(byStatus).toEqual([{ status: 'completed', count: DEVICES }]);

    const stats = await campaignStats(harness, operator, campaign.campaign_id);
    expect(stats).toMatchObject({ successful_updates: DEVICES, failed_updates: 0, pending_updates: 0, progress_percentage: 100 });
    expect(stats.counts.completed).toBe(DEVICES);
    expect(stats.stages[0]).toMatchObject({ planned: DEVICES, released: DEVICES, completed: DEVICES, in_flight: 0 });
    const events = await sql<{ event: string; count: number }>(harness, `SELECT event, count(*)::int AS count FROM ota.campaign_events WHERE campaign_id = $1 GROUP BY 1 ORDER BY 1`, [campaign.campaign_id]);
    expect(events).toEqual([
      { event: 'completed', count: 1 },
      { event: 'created', count: 1 },
      { event: 'started', count: 1 },
    ]);
  }, 120_000);

  /** Devices that were given their update (a later check-in without one means it completed). */
  const offered = new Set<string>();

  /**
   * One device's turn through `replica`: check in, and complete the update it is given. True once
   * it completed: its last report answered, or (when the replica died before answering) its
   * update no longer offered.
   */
  async function workOnce(replica: Replica, deviceId: string): Promise<boolean> {
    const base = `${replica.url}/api/v1/device-api/devices/${deviceId}`;
    const headers = { ...gateway, 'content-type': 'application/json' };
    const checkIn = await fetch(`${base}/check-in`, { method: 'POST', headers, body: JSON.stringify({ firmware_version: '1.0.0' }) });
    if (!checkIn.ok) return false;
    const { update } = (await checkIn.json()) as { update: { update_id: string; version: string } | null };
    if (update === null) return offered.has(deviceId);
    offered.add(deviceId);
    for (const status of ['downloading', 'installing', 'completed']) {
      const body = status === 'completed' ? { status, firmware_version: update.version } : { status };
      const res = await fetch(`${base}/updates/${update.update_id}/status`, { method: 'POST', headers, body: JSON.stringify(body) });
      if (!res.ok) return false;
    }
    return true;
  }
});
