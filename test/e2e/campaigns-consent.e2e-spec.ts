import { DEVICE_API_URL, deviceAuth } from '../utils/device-factory';
import { createTestApp, type TestApp } from '../utils/test-app';
import { bearer, hs256Token } from '../utils/tokens';
import { act, campaignBody, campaignRows, campaignStats, createCampaign, fleetWithFirmware, getCampaign, tick, type TestDevice } from '../utils/campaign-factory';
import { deviceCommands, sql, timelineRows } from '../utils/update-factory';

const ORG = 'org-consent';

describe('device consent (requires_device_confirmation)', () => {
  let t: TestApp;
  let operator: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp();
    operator = bearer(await hs256Token({ sub: 'op-1', organization_id: ORG, role: 'operator' }));
  });
  afterAll(() => t.close());

  async function consentCampaign(count: number, overrides: Record<string, unknown> = {}) {
    const { group, fleet, firmware } = await fleetWithFirmware(t, operator, count);
    const campaign = await createCampaign(t, operator, campaignBody(firmware.firmware_id, {
      target_groups: [group], requires_device_confirmation: true, timeout_minutes: 30, max_concurrent_updates: 100, ...overrides,
    }));
    expect(campaign.requires_device_confirmation).toBe(true);
    await act(t, operator, campaign.campaign_id, 'start');
    await tick(t, campaign.campaign_id, ORG);
    return { fleet, campaignId: campaign.campaign_id as string };
  }

  function answer(device: TestDevice, updateId: string, payload: Record<string, unknown>, deviceId = device.deviceId) {
    return t.request({ method: 'POST', url: `${DEVICE_API_URL}/${deviceId}/updates/${updateId}/confirmation`, headers: deviceAuth(device.token), payload });
  }

  it('holds a released update until the device consents: refused, then given', async () => {
    const { fleet, campaignId } = await consentCampaign(2);
    const [first, second] = fleet.devices;
    const rows = await sql<{ device_id: string; update_id: string; status: string; timeout_at: Date | null }>(
      t, 'SELECT device_id, update_id, status, timeout_at FROM ota.device_updates WHERE campaign_id = $1 ORDER BY device_id', [campaignId]);
    expect(rows.map((row) => [row.status, row.timeout_at])).toEqual([['awaiting_confirmation', null], ['awaiting_confirmation', null]]);
    const updateId = rows.find((row) => row.device_id === first.deviceId)?.update_id as string;
    expect(await campaignStats(t, operator, campaignId)).toMatchObject({ awaiting_confirmation: 2, counts: { awaiting_confirmation: 2, scheduled: 0 }, pending_updates: 0 });
    expect((await deviceCommands(t, first.deviceId)).at(-1)?.payload).toMatchObject({ type: 'update_available', update_id: updateId, confirmation_required: true });

    // The check-in says so; the device may not start before it consents.
    expect(await fleet.checkIn(first)).toMatchObject({ update_id: updateId, confirmation_required: true, timeout_at: null });
    const early = await fleet.report(first, updateId, { status: 'downloading' });
    expect(early.statusCode).toBe(409);
    expect(early.json().code).toBe('update/awaiting_confirmation');

    // A refusal keeps it waiting, with the reason in the timeline, and counts as the device being seen.
    const refused = await answer(first, updateId, { confirmed: false, reason: 'user postponed' });
    expect(refused.statusCode).toBe(200);
    expect(refused.json()).toMatchObject({ status: 'awaiting_confirmation', timeout_at: null });
    expect((await timelineRows(t, updateId)).at(-1)).toMatchObject({ status: 'awaiting_confirmation', source: 'device', detail: 'Refused by the device: user postponed' });

    // Another device's update, through its own path: not found; a body without `confirmed`: 422.
    expect((await answer(second, updateId, { confirmed: true })).statusCode).toBe(404);
    expect((await answer(first, updateId, { reason: 'x' })).statusCode).toBe(422);
    expect((await answer(first, updateId, { confirmed: 'yes' })).statusCode).toBe(422);

    const before = Date.now();
    const given = await answer(first, updateId, { confirmed: true });
    expect(given.statusCode).toBe(200);
    expect(given.json().status).toBe('scheduled');
    const timeoutAt = Date.parse(given.json().timeout_at);
    expect(timeoutAt).toBeGreaterThanOrEqual(before + 30 * 60_000 - 1000);
    expect(timeoutAt).toBeLessThanOrEqual(Date.now() + 30 * 60_000 + 1000);
    expect((await timelineRows(t, updateId)).at(-1)).toMatchObject({ status: 'scheduled', source: 'device', detail: 'Confirmed by the device' });
    // Once given, consent is not asked again.
    const again = await answer(first, updateId, { confirmed: true });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('update/not_awaiting_confirmation');
    expect(await fleet.checkIn(first)).toMatchObject({ update_id: updateId, confirmation_required: false });
    await tick(t, campaignId, ORG);
    expect(await campaignStats(t, operator, campaignId)).toMatchObject({ awaiting_confirmation: 1, counts: { awaiting_confirmation: 1, scheduled: 1 } });

    // The consenting device updates; the campaign waits for the other one, then completes.
    await fleet.work((device) => (device.deviceId === first.deviceId ? 'completed' : 'ignore'));
    await tick(t, campaignId, ORG);
    expect((await getCampaign(t, operator, campaignId)).status).toBe('in_progress');
    const other = (await campaignRows(t, campaignId)).find((row) => row.device_id === second.deviceId);
    expect((await answer(second, other?.update_id as string, { confirmed: true })).statusCode).toBe(200);
    await fleet.work();
    await tick(t, campaignId, ORG);
    expect((await getCampaign(t, operator, campaignId)).status).toBe('completed');
    expect((await campaignRows(t, campaignId)).map((row) => row.status)).toEqual(['completed', 'completed']);
  });

  it('has no timeout while waiting, and cancels waiting updates with the campaign', async () => {
    const { fleet, campaignId } = await consentCampaign(2);
    // The timeout sweep finds nothing to fail: waiting rows have no timeout_at.
    expect(await sql(t, `SELECT 1 FROM ota.device_updates WHERE campaign_id = $1 AND timeout_at IS NOT NULL`, [campaignId])).toEqual([]);
    await act(t, operator, campaignId, 'cancel', { reason: 'not now' });
    expect((await campaignRows(t, campaignId)).map((row) => row.status)).toEqual(['cancelled', 'cancelled']);
    const stats = await campaignStats(t, operator, campaignId);
    expect(stats).toMatchObject({ awaiting_confirmation: 0, counts: { awaiting_confirmation: 0, cancelled: 2 } });
    const [device] = fleet.devices;
    expect(await fleet.checkIn(device)).toBeNull();
  });

  it('does not hold the concurrency cap for devices that have not consented', async () => {
    const { fleet, campaignId } = await consentCampaign(3, { max_concurrent_updates: 1, batch_size: 1 });
    await tick(t, campaignId, ORG);
    await tick(t, campaignId, ORG);
    const rows = await campaignRows(t, campaignId);
    expect(rows.map((row) => row.status)).toEqual(['awaiting_confirmation', 'awaiting_confirmation', 'awaiting_confirmation']);
    // The first to consent takes the one slot.
    const [first] = fleet.devices;
    expect((await answer(first, rows.find((row) => row.device_id === first.deviceId)?.update_id as string, { confirmed: true })).statusCode).toBe(200);
    expect((await campaignStats(t, operator, campaignId)).stages[0]).toMatchObject({ in_flight: 3 });
  });
});
