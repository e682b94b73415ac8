import { createTestApp, type TestApp } from '../utils/test-app';
import { bearer, hs256Token } from '../utils/tokens';
import { Clock } from '../../src/common/time/clock';
import { act, campaignBody, campaignRows, campaignStats, clockNow, createCampaign, DeviceClient, drive, fleetWithFirmware, getCampaign, tick } from '../utils/campaign-factory';
import { createDevice, deviceUrl, importDevices, uniqueDeviceId } from '../utils/device-factory';
import { Client } from 'pg';
import { PrismaService } from '../../src/database/prisma.service';
import { Prisma } from '../../src/generated/prisma/client';
import { CampaignUpdatesRepository } from '../../src/modules/updates/campaign-updates.repository';
import { createFirmware, sql } from '../utils/update-factory';

const ORG = 'org-continuous';
const MINUTE = 60_000;

describe('continuous campaigns (devices that come to match join while it runs)', () => {
  let t: TestApp;
  let operator: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp();
    operator = bearer(await hs256Token({ sub: 'op-1', organization_id: ORG, role: 'operator' }));
  });
  afterAll(() => t.close());
  afterEach(() => jest.restoreAllMocks());

  const fleetOf = (count: number) => fleetWithFirmware(t, operator, count);

  const rowIds = async (campaignId: string) => (await campaignRows(t, campaignId)).map((row) => row.device_id);

  it('a device registered mid-campaign that matches joins and is updated; one that does not match does not', async () => {
    const { group, model, fleet, firmware } = await fleetOf(2);
    const campaign = await createCampaign(t, operator, campaignBody(firmware.firmware_id, { target_groups: [group], continuous: true }));
    expect(campaign).toMatchObject({ continuous: true, retry_of: null });
    await act(t, operator, campaign.campaign_id, 'start');
    await tick(t, campaign.campaign_id, ORG);
    await fleet.work();
    // Every device done: a continuous campaign stays in progress, waiting for more.
    for (let i = 0; i < 3; i++) await tick(t, campaign.campaign_id, ORG);
    expect(await getCampaign(t, operator, campaign.campaign_id)).toMatchObject({ status: 'in_progress', completed_devices: 2, total_devices: 2 });

    const joiner = await DeviceClient.register(t, operator, 1, { groups: [group], device_model: model });
    await DeviceClient.register(t, operator, 1, { groups: ['elsewhere'], device_model: model }); // not targeted
    await DeviceClient.register(t, operator, 1, { groups: [group], device_model: 'another-model' }); // incompatible
    await DeviceClient.register(t, operator, 1, { groups: [group], device_model: model, firmware_version: '2.0.0' }); // on the version
    await tick(t, campaign.campaign_id, ORG);
    const ids = await rowIds(campaign.campaign_id);
    expect(ids).toHaveLength(3);
    expect(ids).toContain(joiner.devices[0].deviceId);

    const joined = await getCampaign(t, operator, campaign.campaign_id);
    expect(joined).toMatchObject({ status: 'in_progress', total_devices: 3, target_device_count: 3 });
    expect(joined.timeline.at(-1)).toMatchObject({ event: 'devices_joined', actor: 'scheduler', data: { devices: 1, stage: 0 } });
    // Joined in the tick that found it, released the same tick: the device gets the update.
    expect((await joiner.checkIn(joiner.devices[0]))?.version).toBe('2.0.0');
    await joiner.work();
    await tick(t, campaign.campaign_id, ORG);
    expect(await getCampaign(t, operator, campaign.campaign_id)).toMatchObject({ status: 'in_progress', completed_devices: 3 });
    // Looking again adds nothing twice.
    await tick(t, campaign.campaign_id, ORG);
    expect(await rowIds(campaign.campaign_id)).toHaveLength(3);
  });

  it('devices imported or changed to match join, and explicit target_devices registered later join too', async () => {
    const { group, model, firmware } = await fleetOf(1);
    const later = uniqueDeviceId('later');
    const campaign = await createCampaign(t, operator, campaignBody(firmware.firmware_id, { target_groups: [group], target_devices: [later], continuous: true }));
    await act(t, operator, campaign.campaign_id, 'start');
    await tick(t, campaign.campaign_id, ORG);
    expect(await rowIds(campaign.campaign_id)).toHaveLength(1);

    const moved = await createDevice(t, operator, { groups: ['not-yet'], device_model: model });
    await tick(t, campaign.campaign_id, ORG);
    expect(await rowIds(campaign.campaign_id)).not.toContain(moved.device_id);
    const patch = await t.request({ method: 'PATCH', url: deviceUrl(moved.device_id), headers: operator, payload: { groups: [group] } });
    expect(patch.statusCode).toBe(200);

    const imported = [uniqueDeviceId('imp'), uniqueDeviceId('imp')];
    const res = await importDevices(t, operator, [
      ...imported.map((device_id) => ({ device_id, device_model: model, hardware_version: '1.2', firmware_version: '1.0.0', groups: [group] })),
      { device_id: uniqueDeviceId('imp'), device_model: model, hardware_version: '1.2', firmware_version: '1.0.0', groups: ['other'] },
    ]);
    expect(res.statusCode).toBe(200);
    await createDevice(t, operator, { device_id: later, groups: ['unrelated'], device_model: model });
    await tick(t, campaign.campaign_id, ORG);
    const ids = await rowIds(campaign.campaign_id);
    expect(ids).toHaveLength(5);
    expect(ids).toEqual(expect.arrayContaining([moved.device_id, later, ...imported]));
  });

  it('never moves its cursor past the start of a device write still open, so a late commit joins', async () => {
    const { group, model, firmware } = await fleetOf(1);
    const campaign = await createCampaign(t, operator, campaignBody(firmware.firmware_id, { target_groups: [group], continuous: true }));
    await act(t, operator, campaign.campaign_id, 'start');
    const writer = new Client({ connectionString: t.database.url });
    await writer.connect();
    try {
      await writer.query('BEGIN');
      const [{ started }] = (await writer.query<{ started: Date }>('SELECT now() AS started')).rows;
      const late = uniqueDeviceId('late');
      await writer.query(
        `INSERT INTO ota.devices (organization_id, device_id, device_model, hardware_version, firmware_version, groups, updated_at)
         VALUES ($1, $2, $3, '1.2', '1.0.0', ARRAY[$4], now())`,
        [ORG, late, model, group],
      );
      await tick(t, campaign.campaign_id, ORG);
      const [{ join_cursor: held }] = await sql<{ join_cursor: Date }>(t, 'SELECT join_cursor FROM ota.campaigns WHERE campaign_id = $1', [campaign.campaign_id]);
      expect(held.getTime()).toBeLessThanOrEqual(started.getTime());
      await writer.query('COMMIT');
      await tick(t, campaign.campaign_id, ORG);
      expect(await rowIds(campaign.campaign_id)).toContain(late);
      const [{ join_cursor: moved }] = await sql<{ join_cursor: Date }>(t, 'SELECT join_cursor FROM ota.campaigns WHERE campaign_id = $1', [campaign.campaign_id]);
      expect(moved.getTime()).toBeGreaterThan(started.getTime());
    } finally {
      await writer.end();
    }
  });

  it('joins the stage that is open, and its plan grows', async () => {
    const { group, model, fleet, firmware } = await fleetOf(10);
    const campaign = await createCampaign(
      t,
      operator,
      campaignBody(firmware.firmware_id, { target_groups: [group], deployment_strategy: 'staged', stages: [20, 100], stage_soak_minutes: 0, continuous: true, batch_size: 100, max_concurrent_updates: 100 }),
    );
    await act(t, operator, campaign.campaign_id, 'start');
    await tick(t, campaign.campaign_id, ORG);
    const early = await DeviceClient.register(t, operator, 1, { groups: [group], device_model: model });
    await tick(t, campaign.campaign_id, ORG);
    const rows = await campaignRows(t, campaign.campaign_id);
    expect(rows.find((row) => row.device_id === early.devices[0].deviceId)).toMatchObject({ campaign_stage: 0 });
    let stats = await campaignStats(t, operator, campaign.campaign_id);
    expect(stats.stages.map((stage: { planned: number }) => stage.planned)).toEqual([3, 8]);

    const everyone = new DeviceClient(t, [...fleet.devices, ...early.devices]);
    await everyone.work();
    await tick(t, campaign.campaign_id, ORG);
    expect((await getCampaign(t, operator, campaign.campaign_id)).current_stage).toBe(1);
    const late = await DeviceClient.register(t, operator, 1, { groups: [group], device_model: model });
    await tick(t, campaign.campaign_id, ORG);
    expect((await campaignRows(t, campaign.campaign_id)).find((row) => row.device_id === late.devices[0].deviceId)).toMatchObject({ campaign_stage: 1 });
    stats = await campaignStats(t, operator, campaign.campaign_id);
    expect(stats.stages.map((stage: { planned: number }) => stage.planned)).toEqual([3, 9]);
  });

  it('ends at scheduled_end (no device joins after it) or on cancel', async () => {
    const { group, model, fleet, firmware } = await fleetOf(1);
    const end = new Date(clockNow(t).getTime() + 30 * MINUTE);
    const campaign = await createCampaign(t, operator, campaignBody(firmware.firmware_id, { target_groups: [group], continuous: true, scheduled_end: end.toISOString() }));
    await act(t, operator, campaign.campaign_id, 'start');
    await tick(t, campaign.campaign_id, ORG);
    await fleet.work();
    await tick(t, campaign.campaign_id, ORG);
    expect((await getCampaign(t, operator, campaign.campaign_id)).status).toBe('in_progress');
    // Every Clock instance (modules may each provide one) moves past scheduled_end.
    jest.spyOn(Clock.prototype, 'now').mockImplementation(() => new Date(Date.now() + 31 * MINUTE));
    await DeviceClient.register(t, operator, 1, { groups: [group], device_model: model });
    await tick(t, campaign.campaign_id, ORG);
    const ended = await getCampaign(t, operator, campaign.campaign_id);
    expect(ended).toMatchObject({ status: 'completed', total_devices: 1 });
    expect(ended.timeline.at(-1)).toMatchObject({ event: 'completed', reason: 'scheduled_end passed' });

    const other = await fleetOf(1);
    const cancelled = await createCampaign(t, operator, campaignBody(other.firmware.firmware_id, { target_groups: [other.group], continuous: true }));
    await act(t, operator, cancelled.campaign_id, 'start');
    expect((await act(t, operator, cancelled.campaign_id, 'cancel')).status).toBe('cancelled');
    await DeviceClient.register(t, operator, 1, { groups: [other.group], device_model: other.model });
    await tick(t, cancelled.campaign_id, ORG);
    expect(await rowIds(cancelled.campaign_id)).toHaveLength(1);
  });

  it('a campaign that is not continuous takes in nobody, and completes when its devices are done', async () => {
    const { group, model, fleet, firmware } = await fleetOf(1);
    const campaign = await createCampaign(t, operator, campaignBody(firmware.firmware_id, { target_groups: [group] }));
    expect(campaign.continuous).toBe(false);
    await act(t, operator, campaign.campaign_id, 'start');
    await DeviceClient.register(t, operator, 1, { groups: [group], device_model: model });
    expect(await drive(t, operator, ORG, campaign.campaign_id, ['in_progress'], fleet)).toBe('completed');
    expect(await rowIds(campaign.campaign_id)).toHaveLength(1);
  });

  it('a continuous campaign with no device at its start waits in progress for the first', async () => {
    const { group, model, firmware } = await fleetOf(0);
    const campaign = await createCampaign(t, operator, campaignBody(firmware.firmware_id, { target_groups: [group], continuous: true }));
    expect((await act(t, operator, campaign.campaign_id, 'start')).status).toBe('in_progress');
    await tick(t, campaign.campaign_id, ORG);
    expect((await getCampaign(t, operator, campaign.campaign_id)).status).toBe('in_progress');
    await DeviceClient.register(t, operator, 1, { groups: [group], device_model: model });
    await tick(t, campaign.campaign_id, ORG);
    expect(await getCampaign(t, operator, campaign.campaign_id)).toMatchObject({ status: 'in_progress', total_devices: 1, in_progress_devices: 1 });
  });
});

describe('joining a crowd of devices changed in one transaction', () => {
  let t: TestApp;
  let operator: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp();
    operator = bearer(await hs256Token({ sub: 'op-1', organization_id: ORG, role: 'operator' }));
  });
  afterAll(() => t.close());

  it('takes at most the limit per call, pages past the devices it has, and reports where it stopped', async () => {
    const firmware = await createFirmware(t, operator, { version: '2.0.0', device_model: 'CROWD' });
    const campaign = await createCampaign(t, operator, campaignBody(firmware.firmware_id, { target_groups: ['crowd'], continuous: true }));
    // Twelve devices written by one statement share one updated_at: only the device id orders them.
    await sql(
      t,
      `INSERT INTO ota.devices (organization_id, device_id, device_model, firmware_version, groups, updated_at)
       SELECT $1::text, 'crowd-' || lpad(i::text, 2, '0'), 'CROWD', '1.0.0', '{crowd}', now() FROM generate_series(1, 12) i`,
      [ORG],
    );
    const repository = t.app.get(CampaignUpdatesRepository);
    const spec = {
      organizationId: ORG,
      campaignId: campaign.campaign_id,
      kind: 'update' as const,
      firmwareId: firmware.firmware_id as string,
      toVersion: '2.0.0',
      downloadSize: 1n,
      priority: 'normal',
      maxRetries: 0,
      timeoutMinutes: 60,
      createdBy: 'test',
      activation: 'immediate' as const,
      defaultTimeZone: null,
      stage: 0,
      candidates: Prisma.sql`SELECT device_id, firmware_version, NULL::text AS time_zone, updated_at FROM ota.devices WHERE organization_id = ${ORG} AND 'crowd' = ANY(groups)`,
      limit: 5,
    };
    const prisma = t.app.get(PrismaService);
    const calls = [];
    for (let i = 0; i < 4; i++) calls.push(await prisma.$transaction((tx) => repository.insertJoined(spec, tx)));
    expect(calls.map((call) => call.inserted)).toEqual([5, 5, 2, 0]);
    const [changedAt] = await sql<{ updated_at: Date }>(t, `SELECT updated_at FROM ota.devices WHERE organization_id = $1 AND device_id = 'crowd-01'`, [ORG]);
    expect(calls.map((call) => call.stoppedAt)).toEqual([changedAt.updated_at, changedAt.updated_at, null, null]);
    expect(calls[0].timeZones).toEqual(['UTC']);
    const ids = (await campaignRows(t, campaign.campaign_id)).map((row) => row.device_id).sort();
    expect(ids).toEqual(Array.from({ length: 12 }, (_, i) => `crowd-${String(i + 1).padStart(2, '0')}`));
  });
});
