import { createTestApp, type TestApp } from '../utils/test-app';
import { bearer, hs256Token } from '../utils/tokens';
import { act, CAMPAIGNS_URL, campaignBody, campaignStats, createCampaign, DeviceClient, drive, fleetWithFirmware, tick } from '../utils/campaign-factory';
import { createFirmware, createUpdate, sql } from '../utils/update-factory';

const ORG = 'org-plan';
const PLAN_URL = `${CAMPAIGNS_URL}/plan`;

describe('campaign dry run (POST /campaigns/plan)', () => {
  let t: TestApp;
  let operator: Record<string, string>;
  let viewer: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp();
    operator = bearer(await hs256Token({ sub: 'op-1', organization_id: ORG, role: 'operator' }));
    viewer = bearer(await hs256Token({ sub: 'viewer-1', organization_id: ORG, role: 'viewer' }));
  });
  afterAll(() => t.close());

  const plan = (body: Record<string, unknown>, headers = viewer) => t.request({ method: 'POST', url: PLAN_URL, headers, payload: body });
  const written = async () =>
    (await sql<{ campaigns: number; audit: number; outbox: number }>(
      t,
      `SELECT (SELECT count(*)::int FROM ota.campaigns) AS campaigns, (SELECT count(*)::int FROM ota.audit_events) AS audit,
              (SELECT count(*)::int FROM ota.outbox_events) AS outbox`,
    ))[0];

  const fleetOf = (count: number, devices: Record<string, unknown> = {}) => fleetWithFirmware(t, operator, count, devices);

  it('answers the stages a start then fills, the exclusions by reason and an estimate, writing nothing', async () => {
    const { group, model, fleet, firmware } = await fleetOf(23);
    // Excluded: 2 already on the version, 3 of another model; 1 device busy with an operator's update.
    await DeviceClient.register(t, operator, 2, { groups: [group], device_model: model, firmware_version: '2.0.0' });
    await DeviceClient.register(t, operator, 3, { groups: [group], device_model: 'other-model' });
    await createUpdate(t, operator, fleet.devices[0].deviceId, { firmware_id: firmware.firmware_id });
    const body = campaignBody(firmware.firmware_id, { target_groups: [group], deployment_strategy: 'staged', stages: [10, 50, 100], stage_soak_minutes: 10, batch_size: 5 });
    const before = await written();

    const res = await plan(body);
    expect(res.statusCode).toBe(200);
    const answer = res.json();
    expect(answer).toMatchObject({
      matched: 28,
      target_device_count: 23,
      stages: [
        { stage: 0, percentage: 10, devices: 3 },
        { stage: 1, percentage: 50, devices: 9 },
        { stage: 2, percentage: 100, devices: 11 },
      ],
      excluded: { incompatible: 3, already_on_version: 2, busy: 1, outside_sample: 0 },
      next_window_openings: [],
      median_update_seconds: null,
    });
    // No history: each update is taken to last its timeout (60 min); two soaks of 10 min.
    expect(answer.estimated_duration_seconds).toBeGreaterThanOrEqual(3 * 3600 + 2 * 600);
    expect(await written()).toEqual(before);

    // A start of the same body puts exactly that many devices in each stage.
    const campaign = await createCampaign(t, operator, body);
    await act(t, operator, campaign.campaign_id, 'start');
    const stats = await campaignStats(t, operator, campaign.campaign_id);
    expect(stats.stages.map((stage: { planned: number }) => stage.planned)).toEqual(answer.stages.map((stage: { devices: number }) => stage.devices));
  });

  it('counts the devices outside the sample, and after completed updates gives their median time', async () => {
    const { group, fleet, firmware } = await fleetOf(40);
    const sampled = (await plan(campaignBody(firmware.firmware_id, { target_groups: [group], rollout_percentage: 50 }))).json();
    expect(sampled.target_device_count + sampled.excluded.outside_sample).toBe(40);
    expect(sampled.excluded.outside_sample).toBeGreaterThan(0);

    const campaign = await createCampaign(t, operator, campaignBody(firmware.firmware_id, { target_groups: [group], batch_size: 100, max_concurrent_updates: 100 }));
    await act(t, operator, campaign.campaign_id, 'start');
    await tick(t, campaign.campaign_id, ORG);
    expect(await drive(t, operator, ORG, campaign.campaign_id, ['in_progress'], fleet)).toBe('completed');
    const other = await fleetOf(4);
    const after = (await plan(campaignBody(other.firmware.firmware_id, { target_groups: [other.group], deployment_strategy: 'immediate', batch_size: 4, max_concurrent_updates: 4 }))).json();
    expect(after.median_update_seconds).not.toBeNull();
    expect(after.median_update_seconds).toBeLessThan(600);
    // 4 devices in one tick, then one median update time.
    expect(after.estimated_duration_seconds).toBeLessThan(600);
  });

  it('lists the next window openings and follows the ramp in its estimate', async () => {
    const { group, firmware } = await fleetOf(3);
    const body = campaignBody(firmware.firmware_id, {
      target_groups: [group],
      maintenance_windows: [{ cron: '0 2 * * *', duration_minutes: 60, time_zone: 'Europe/Berlin' }],
      batch_size: 100,
      max_concurrent_updates: 100,
    });
    const answer = (await plan(body)).json();
    expect(answer.next_window_openings).toHaveLength(5);
    const openings = answer.next_window_openings.map((at: string) => Date.parse(at));
    expect(openings[0]).toBeGreaterThan(Date.now());
    for (let i = 1; i < openings.length; i++) expect(openings[i] - openings[i - 1]).toBeGreaterThanOrEqual(23 * 3600_000);
    for (const at of answer.next_window_openings) {
      expect(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit' }).format(new Date(at))).toBe('02:00');
    }

    const plain = (await plan(campaignBody(firmware.firmware_id, { target_groups: [group], batch_size: 100, max_concurrent_updates: 100 }))).json();
    expect(plain.next_window_openings).toEqual([]);
    // One device a minute: 3 devices take at least 3 minutes more than without the ramp.
    const ramped = (await plan(campaignBody(firmware.firmware_id, {
      target_groups: [group], batch_size: 100, max_concurrent_updates: 100,
      rollout_rate: { base_per_minute: 1, increment_factor: 2, increase_after_succeeded: 100, max_per_minute: 10 },
    }))).json();
    expect(ramped.estimated_duration_seconds - plain.estimated_duration_seconds).toBeGreaterThanOrEqual(170);
  });

  it('opens windows in each device\'s zone at the times of the zones its devices are in', async () => {
    const group = 'plan-zones';
    const model = 'P-ZONES';
    for (const zone of ['Asia/Tokyo', 'America/New_York', 'not/a-zone']) {
      await DeviceClient.register(t, operator, 1, { groups: [group], device_model: model, attributes: { timezone: zone } });
    }
    const firmware = await createFirmware(t, operator, { version: '2.0.0', device_model: model });
    const body = campaignBody(firmware.firmware_id, {
      target_groups: [group],
      default_time_zone: 'Europe/Berlin',
      maintenance_windows: [{ cron: '0 2 * * *', duration_minutes: 60, time_zone: 'device' }],
    });
    const openings: string[] = (await plan(body)).json().next_window_openings;
    expect(openings).toHaveLength(5);
    const localTimes = (zone: string) => openings.filter((at) => new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit' }).format(new Date(at)) === '02:00');
    // Three zones a day (the device without a valid zone counts in the default one), soonest first.
    expect(localTimes('Asia/Tokyo').length + localTimes('America/New_York').length + localTimes('Europe/Berlin').length).toBe(5);
    expect(localTimes('Asia/Tokyo').length).toBeGreaterThanOrEqual(1);
    expect(localTimes('America/New_York').length).toBeGreaterThanOrEqual(1);
    expect(localTimes('Europe/Berlin').length).toBeGreaterThanOrEqual(1);
    expect([...openings].sort()).toEqual(openings);
  });

  it('validates as create does (422, 404), needs a token, and takes an operator too', async () => {
    const { group, firmware } = await fleetOf(1);
    const before = await written();
    const noTargets = await plan({ name: 'x', firmware_id: firmware.firmware_id });
    expect(noTargets.statusCode).toBe(422);
    expect(noTargets.json().code).toBe('target/no_targets');
    const badFilter = await plan({ name: 'x', firmware_id: firmware.firmware_id, target_filters: { nope: 1 } });
    expect(badFilter.json().code).toBe('target/invalid_filter');
    const badStages = await plan(campaignBody(firmware.firmware_id, { target_groups: [group], deployment_strategy: 'staged', stages: [50, 20] }));
    expect(badStages.statusCode).toBe(422);
    const noName = await plan({ firmware_id: firmware.firmware_id, target_groups: [group] });
    expect(noName.statusCode).toBe(422);
    const unknown = await plan(campaignBody('0'.repeat(32), { target_groups: [group] }));
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('firmware/not_found');
    expect((await t.request({ method: 'POST', url: PLAN_URL, payload: campaignBody(firmware.firmware_id) })).statusCode).toBe(401);
    expect((await plan(campaignBody(firmware.firmware_id, { target_groups: [group] }), operator)).statusCode).toBe(200);
    expect(await written()).toEqual(before);
  });
});
