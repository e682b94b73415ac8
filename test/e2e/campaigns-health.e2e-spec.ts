import { LastSeenBuffer } from '../../src/modules/devices/last-seen-buffer';
import { HealthChecksService } from '../../src/modules/updates/health-checks.service';
import { DEVICE_API_URL, deviceAuth } from '../utils/device-factory';
import { createTestApp, type TestApp } from '../utils/test-app';
import { bearer, hs256Token } from '../utils/tokens';
import { act, campaignBody, campaignRows, campaignStats, createCampaign, DeviceClient, drive, fleetWithFirmware, getCampaign, tick, type TestDevice } from '../utils/campaign-factory';
import { createFirmware, createUpdate, outboxEvents, sql, timelineRows, updateTimeouts } from '../utils/update-factory';

const ORG = 'org-health';
const WINDOW_MINUTES = 30;

interface HealthRow {
  device_id: string;
  update_id: string;
  status: string;
  error_code: string | null;
  completed_at: Date | null;
  health_deadline: Date | null;
  health_confirmed_at: Date | null;
}

describe('post-update health confirmation (health_check_window_minutes)', () => {
  let t: TestApp;
  let operator: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp();
    operator = bearer(await hs256Token({ sub: 'op-1', organization_id: ORG, role: 'operator' }));
  });
  afterAll(() => t.close());

  /** A fleet on 1.4.2 (whose image exists, for a rollback) and a running campaign of 2.0.0 with a health window. */
  async function healthCampaign(count: number, overrides: Record<string, unknown> = {}) {
    const { group, model, fleet, firmware } = await fleetWithFirmware(t, operator, count, { firmware_version: '1.4.2' });
    await createFirmware(t, operator, { version: '1.4.2', device_model: model });
    const campaign = await createCampaign(t, operator, campaignBody(firmware.firmware_id, {
      target_groups: [group], health_check_window_minutes: WINDOW_MINUTES, max_concurrent_updates: 100, min_failure_sample: count, ...overrides,
    }));
    expect(campaign.health_check_window_minutes).toBe(WINDOW_MINUTES);
    await act(t, operator, campaign.campaign_id, 'start');
    await tick(t, campaign.campaign_id, ORG);
    return { fleet, model, campaignId: campaign.campaign_id as string };
  }

  const healthRows = (campaignId: string) =>
    sql<HealthRow>(t, `SELECT device_id, update_id, status, error_code, completed_at, health_deadline, health_confirmed_at
                         FROM ota.device_updates WHERE campaign_id = $1 AND kind = 'update' ORDER BY device_id`, [campaignId]);

  /** The devices check in with the version they run, and the last-seen flush confirms what it can. */
  async function checkInAndFlush(fleet: DeviceClient, devices: TestDevice[]): Promise<void> {
    for (const device of devices) await fleet.checkIn(device);
    await t.app.get(LastSeenBuffer).flush();
  }

  function reportHealth(device: TestDevice, updateId: string, payload: Record<string, unknown>) {
    return t.request({ method: 'POST', url: `${DEVICE_API_URL}/${device.deviceId}/updates/${updateId}/health`, headers: deviceAuth(device.token), payload });
  }

  it('fails a device that completes but never comes back, trips the threshold and rolls the fleet back', async () => {
    const { fleet, campaignId } = await healthCampaign(4);
    await fleet.work();
    const completed = await healthRows(campaignId);
    for (const row of completed) {
      expect(row.status).toBe('completed');
      expect(row.health_deadline?.getTime()).toBe((row.completed_at as Date).getTime() + WINDOW_MINUTES * 60_000);
    }
    await tick(t, campaignId, ORG);
    // Completed but not confirmed: not successful yet, and the campaign is not done.
    expect(await campaignStats(t, operator, campaignId)).toMatchObject({ health_pending: 4, successful_updates: 0, counts: { health_pending: 4, completed: 0 } });
    expect((await getCampaign(t, operator, campaignId)).status).toBe('in_progress');

    // Three come back on the new version; the fourth bricked on reboot and stays silent.
    const [silent, ...back] = fleet.devices;
    await checkInAndFlush(fleet, back);
    const confirmed = await healthRows(campaignId);
    for (const row of confirmed) {
      if (row.device_id === silent.deviceId) expect(row.health_deadline).not.toBeNull();
      else expect(row).toMatchObject({ status: 'completed', health_deadline: null, health_confirmed_at: expect.any(Date) });
    }
    const silentRow = confirmed.find((row) => row.device_id === silent.deviceId) as HealthRow;
    const backRow = confirmed.find((row) => row.device_id === back[0].deviceId) as HealthRow;
    expect((await timelineRows(t, backRow.update_id)).at(-1)).toMatchObject({ status: 'completed', source: 'device', detail: 'Confirmed healthy: the device checked in with version 2.0.0' });
    await tick(t, campaignId, ORG);
    expect(await campaignStats(t, operator, campaignId)).toMatchObject({ health_pending: 1, successful_updates: 3 });
    expect((await getCampaign(t, operator, campaignId)).status).toBe('in_progress');

    // Nothing is due before the deadline; past it, the sweep fails the silent device.
    const health = t.app.get(HealthChecksService);
    expect(await health.failOverdue()).toBe(0);
    await sql(t, `UPDATE ota.device_updates SET health_deadline = now() - interval '1 second' WHERE update_id = $1`, [silentRow.update_id]);
    expect(await health.failOverdue()).toBe(1);
    expect(await health.failOverdue()).toBe(0);
    const failed = (await healthRows(campaignId)).find((row) => row.device_id === silent.deviceId);
    expect(failed).toMatchObject({ status: 'failed', error_code: 'health_check', health_deadline: null });
    expect((await timelineRows(t, silentRow.update_id)).at(-1)).toMatchObject({ status: 'failed', source: 'scheduler', detail: `health_check: Not confirmed healthy within ${WINDOW_MINUTES} minutes of completing` });
    expect((await outboxEvents(t, 'update_id', silentRow.update_id)).map((event) => event.type)).toContain('update.failed');

    // One in four failed its health check: 25 % reaches the 20 % threshold, and the fleet goes back.
    await tick(t, campaignId, ORG);
    const rollingBack = await getCampaign(t, operator, campaignId);
    expect(rollingBack.status).toBe('rolling_back');
    expect(rollingBack.timeline.find((entry) => entry.event === 'failed')?.data).toMatchObject({ failure_rate: 25, failures: 1, finished: 4 });
    expect(await drive(t, operator, ORG, campaignId, ['rolling_back'], new DeviceClient(t, back), undefined, 3)).toBe('rolling_back');
    const rollbacks = await campaignRows(t, campaignId, 'rollback');
    expect(rollbacks).toHaveLength(4);
    // The devices that came back are on their old version again; the silent one's rollback waits for it, then times out.
    for (const row of rollbacks) expect(row.status).toBe(row.device_id === silent.deviceId ? 'scheduled' : 'completed');
    expect(back.every((device) => device.version === '1.4.2')).toBe(true);
    await sql(t, `UPDATE ota.device_updates SET timeout_at = now() - interval '1 second' WHERE campaign_id = $1 AND kind = 'rollback' AND device_id = $2`, [campaignId, silent.deviceId]);
    await updateTimeouts(t).failTimedOut();
    await tick(t, campaignId, ORG);
    expect((await getCampaign(t, operator, campaignId)).status).toBe('rolled_back');
  });

  it('keeps the next stage closed until the completed devices confirm, by report or check-in', async () => {
    const { fleet, campaignId } = await healthCampaign(4, { deployment_strategy: 'staged', stages: [50, 100] });
    await fleet.work();
    await tick(t, campaignId, ORG);
    const stage0 = (await healthRows(campaignId)).filter((row) => row.status === 'completed');
    expect(stage0).toHaveLength(2);
    expect((await campaignRows(t, campaignId)).filter((row) => row.campaign_stage === 1).map((row) => row.status)).toEqual(['created', 'created']);
    expect((await getCampaign(t, operator, campaignId)).current_stage).toBe(0);

    const [one, two] = stage0.map((row) => fleet.devices.find((device) => device.deviceId === row.device_id) as TestDevice);
    const reported = await reportHealth(one, stage0[0].update_id, { healthy: true });
    expect(reported.statusCode).toBe(200);
    expect(reported.json()).toMatchObject({ status: 'completed', health_deadline: null, health_confirmed_at: expect.any(String) });
    // Once confirmed there is nothing to confirm; another device's update is not found; `healthy` is required.
    expect((await reportHealth(one, stage0[0].update_id, { healthy: true })).json().code).toBe('update/no_health_check');
    expect((await reportHealth(two, stage0[0].update_id, { healthy: true })).statusCode).toBe(404);
    expect((await reportHealth(two, stage0[1].update_id, { details: 'fine' })).statusCode).toBe(422);
    await tick(t, campaignId, ORG);
    expect((await getCampaign(t, operator, campaignId)).current_stage).toBe(0);

    await checkInAndFlush(fleet, [two]);
    await tick(t, campaignId, ORG);
    expect((await getCampaign(t, operator, campaignId)).current_stage).toBe(1);
    expect((await campaignRows(t, campaignId)).filter((row) => row.campaign_stage === 1).map((row) => row.status)).toEqual(['scheduled', 'scheduled']);
  });

  it('fails at once on healthy: false, and leaves updates outside campaigns without a window', async () => {
    const { fleet, model, campaignId } = await healthCampaign(2, { min_failure_sample: 10, auto_rollback: false });
    await fleet.work();
    const [row] = await healthRows(campaignId);
    const device = fleet.devices.find((candidate) => candidate.deviceId === row.device_id) as TestDevice;
    const unhealthy = await reportHealth(device, row.update_id, { healthy: false, details: 'display stays black' });
    expect(unhealthy.statusCode).toBe(200);
    expect(unhealthy.json()).toMatchObject({ status: 'failed', error_code: 'health_check', error_message: 'The device reports it is unhealthy: display stays black', health_deadline: null });
    expect((await timelineRows(t, row.update_id)).at(-1)).toMatchObject({ status: 'failed', source: 'device' });
    expect(await campaignStats(t, operator, campaignId)).toMatchObject({ failed_updates: 1, health_pending: 1, counts: { health_check: 1, health_pending: 1 } });
    // A check-in on the old version confirms nothing.
    await checkInAndFlush(fleet, [{ ...fleet.devices.find((candidate) => candidate.deviceId !== row.device_id) as TestDevice, version: '1.4.2' }]);
    expect((await healthRows(campaignId)).filter((candidate) => candidate.health_deadline !== null)).toHaveLength(1);

    // An operator's single-device update has no health window.
    const single = (await DeviceClient.register(t, operator, 1, { device_model: model, groups: ['single'] })).devices[0];
    const firmware = await createFirmware(t, operator, { version: '3.0.0', device_model: model });
    const update = await createUpdate(t, operator, single.deviceId, { firmware_id: firmware.firmware_id });
    const client = new DeviceClient(t, [single]);
    await client.work();
    const [stored] = await sql<HealthRow>(t, 'SELECT status, health_deadline FROM ota.device_updates WHERE update_id = $1', [update.update_id]);
    expect(stored).toMatchObject({ status: 'completed', health_deadline: null });
    expect((await reportHealth(single, update.update_id, { healthy: true })).json().code).toBe('update/no_health_check');
  });
});
