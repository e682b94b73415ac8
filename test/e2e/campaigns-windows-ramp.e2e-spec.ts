import { Clock } from '../../src/common/time/clock';
import { act, campaignBody, campaignRows, campaignStats, CAMPAIGNS_URL, createCampaign, DeviceClient, getCampaign, tick } from '../utils/campaign-factory';
import { createTestApp, type TestApp } from '../utils/test-app';
import { bearer, hs256Token } from '../utils/tokens';
import { UpdateTimeoutsService } from '../../src/modules/updates/update-timeouts.service';
import { createFirmware, createUpdate, requestUpdate, sql, updateRow } from '../utils/update-factory';

const ORG = 'org-windows';

describe('campaign maintenance windows and exponential ramp', () => {
  let t: TestApp;
  let operator: Record<string, string>;
  let run = 0;

  beforeAll(async () => {
    t = await createTestApp();
    operator = bearer(await hs256Token({ sub: 'op-1', organization_id: ORG, role: 'operator' }));
  });
  afterAll(() => t.close());
  afterEach(() => jest.restoreAllMocks());

  /** The service's clock (the rollout's, the stats', the updates') stands at `iso`. */
  function setClock(iso: string): void {
    const now = new Date(iso);
    jest.spyOn(t.app.get(Clock), 'now').mockImplementation(() => new Date(now));
  }

  /** A group of its own and a firmware 2.0.0 for its model. */
  async function fleetSetup() {
    run += 1;
    const group = `w${run}`;
    const model = `W-${run}`;
    const firmware = await createFirmware(t, operator, { version: '2.0.0', device_model: model });
    const register = (count: number, attributes: Record<string, unknown>) => DeviceClient.register(t, operator, count, { groups: [group], device_model: model, attributes });
    return { group, firmware, register };
  }

  const rowsByStatus = async (campaignId: string) => {
    const rows = await sql<{ device_id: string; status: string; time_zone: string | null; window_ends_at: Date | null }>(
      t,
      'SELECT device_id, status, time_zone, window_ends_at FROM ota.device_updates WHERE campaign_id = $1 ORDER BY device_id',
      [campaignId],
    );
    return new Map(rows.map((row) => [row.device_id, row]));
  };

  it('releases only in the device zones whose window is open now, each row and check-in carrying its window end', async () => {
    const { group, firmware, register } = await fleetSetup();
    const paris = await register(2, { timezone: 'Europe/Paris' });
    const newYork = await register(1, { timezone: 'America/New_York' });
    // No zone, and a name that is no zone: both count as the campaign's default zone, Tokyo.
    const tokyo = new DeviceClient(t, [...(await register(1, { color: 'red' })).devices, ...(await register(1, { timezone: 'Mars/Olympus' })).devices]);
    const campaign = await createCampaign(
      t,
      operator,
      campaignBody(firmware.firmware_id, {
        target_groups: [group],
        maintenance_windows: [{ cron: '0 2 * * *', duration_minutes: 120, time_zone: 'device' }],
        default_time_zone: 'Asia/Tokyo',
      }),
    );
    expect(campaign).toMatchObject({
      maintenance_windows: [{ cron: '0 2 * * *', duration_minutes: 120, time_zone: 'device' }],
      default_time_zone: 'Asia/Tokyo',
      rollout_rate: null,
    });

    // 01:30 UTC: 02:30 in Paris (open), 20:30 in New York, 10:30 in Tokyo.
    setClock('2026-01-15T01:30:00Z');
    const started = await act(t, operator, campaign.campaign_id, 'start');
    expect([...started.timeline.map((entry) => entry.event)]).toContain('started');
    const stored = await sql<{ device_time_zones: string[] }>(t, 'SELECT device_time_zones FROM ota.campaigns WHERE campaign_id = $1', [campaign.campaign_id]);
    expect([...stored[0].device_time_zones].sort()).toEqual(['America/New_York', 'Asia/Tokyo', 'Europe/Paris', 'Mars/Olympus']);

    await tick(t, campaign.campaign_id, ORG);
    let rows = await rowsByStatus(campaign.campaign_id);
    for (const device of paris.devices) {
      expect(rows.get(device.deviceId)).toMatchObject({ status: 'scheduled', time_zone: 'Europe/Paris', window_ends_at: new Date('2026-01-15T03:00:00Z') });
    }
    for (const device of [...newYork.devices, ...tokyo.devices]) expect(rows.get(device.deviceId)).toMatchObject({ status: 'created', window_ends_at: null });
    expect(await paris.checkIn(paris.devices[0])).toMatchObject({ window_ends_at: '2026-01-15T03:00:00.000Z' });
    expect(await newYork.checkIn(newYork.devices[0])).toBeNull();
    // Next opening: 02:00 in New York (07:00 UTC) comes before Tokyo's (17:00 UTC) and Paris' next (01:00 UTC tomorrow).
    expect(await campaignStats(t, operator, campaign.campaign_id)).toMatchObject({ next_window_at: '2026-01-15T07:00:00.000Z' });
    expect(await getCampaign(t, operator, campaign.campaign_id)).toMatchObject({ next_window_at: '2026-01-15T07:00:00.000Z' });

    // 07:30 UTC: 02:30 in New York; Paris and Tokyo closed.
    setClock('2026-01-15T07:30:00Z');
    await tick(t, campaign.campaign_id, ORG);
    rows = await rowsByStatus(campaign.campaign_id);
    expect(rows.get(newYork.devices[0].deviceId)).toMatchObject({ status: 'scheduled', window_ends_at: new Date('2026-01-15T09:00:00Z') });
    for (const device of tokyo.devices) expect(rows.get(device.deviceId)?.status).toBe('created');

    // 17:30 UTC: 02:30 in Tokyo, for both devices judged there.
    setClock('2026-01-15T17:30:00Z');
    await tick(t, campaign.campaign_id, ORG);
    rows = await rowsByStatus(campaign.campaign_id);
    expect(rows.get(tokyo.devices[0].deviceId)).toMatchObject({ status: 'scheduled', time_zone: 'Asia/Tokyo', window_ends_at: new Date('2026-01-15T19:00:00Z') });
    expect(rows.get(tokyo.devices[1].deviceId)).toMatchObject({ status: 'scheduled', time_zone: 'Mars/Olympus', window_ends_at: new Date('2026-01-15T19:00:00Z') });
    expect(await tokyo.checkIn(tokyo.devices[1])).toMatchObject({ window_ends_at: '2026-01-15T19:00:00.000Z' });
  });

  it('releases nothing while a fixed-zone window is closed, and everything with its end once it opens', async () => {
    const { group, firmware, register } = await fleetSetup();
    const fleet = await register(3, { timezone: 'Europe/Paris' });
    const campaign = await createCampaign(
      t,
      operator,
      campaignBody(firmware.firmware_id, { target_groups: [group], maintenance_windows: [{ cron: '30 22 * * 1-5', duration_minutes: 60, time_zone: 'America/Chicago' }] }),
    );
    // Thursday 12:00 UTC: 06:00 in Chicago, closed.
    setClock('2026-01-15T12:00:00Z');
    await act(t, operator, campaign.campaign_id, 'start');
    await tick(t, campaign.campaign_id, ORG);
    expect((await campaignRows(t, campaign.campaign_id)).map((row) => row.status)).toEqual(['created', 'created', 'created']);
    expect(await fleet.checkIn(fleet.devices[0])).toBeNull();
    // Thursday 22:30 in Chicago is Friday 04:30 UTC.
    expect(await campaignStats(t, operator, campaign.campaign_id)).toMatchObject({ next_window_at: '2026-01-16T04:30:00.000Z', pending_updates: 3 });

    setClock('2026-01-16T05:00:00Z');
    await tick(t, campaign.campaign_id, ORG);
    const rows = await rowsByStatus(campaign.campaign_id);
    expect([...rows.values()].map((row) => [row.status, row.window_ends_at])).toEqual(Array(3).fill(['scheduled', new Date('2026-01-16T05:30:00Z')]));
  });

  it('ramps the release rate up as devices complete, never past its maximum, the fraction carried between ticks', async () => {
    const { group, firmware, register } = await fleetSetup();
    const fleet = await register(30, {});
    const campaign = await createCampaign(
      t,
      operator,
      campaignBody(firmware.firmware_id, {
        target_groups: [group],
        batch_size: 100,
        max_concurrent_updates: 100,
        rollout_rate: { base_per_minute: 6, increment_factor: 2, increase_after_succeeded: 3, max_per_minute: 20 },
      }),
    );
    expect(campaign.rollout_rate).toEqual({ base_per_minute: 6, increment_factor: 2, increase_after_succeeded: 3, max_per_minute: 20 });
    await act(t, operator, campaign.campaign_id, 'start');

    /** Half a minute since the last tick, then a tick; how many rows are released now. */
    const tickAfterHalfAMinute = async () => {
      await sql(t, "UPDATE ota.campaigns SET last_tick_at = now() - interval '30 seconds' WHERE campaign_id = $1", [campaign.campaign_id]);
      await tick(t, campaign.campaign_id, ORG);
      return (await campaignRows(t, campaign.campaign_id)).filter((row) => row.status !== 'created').length;
    };

    expect((await campaignStats(t, operator, campaign.campaign_id)).ramp_rate_per_minute).toBe(6);
    expect(await tickAfterHalfAMinute()).toBe(3);
    const [{ release_credit: credit }] = await sql<{ release_credit: number }>(t, 'SELECT release_credit FROM ota.campaigns WHERE campaign_id = $1', [campaign.campaign_id]);
    expect(credit).toBeGreaterThanOrEqual(0);
    expect(credit).toBeLessThan(1);

    // Three completed: 6 × 2 = 12 a minute.
    await fleet.work();
    expect((await campaignStats(t, operator, campaign.campaign_id)).ramp_rate_per_minute).toBe(12);
    expect(await tickAfterHalfAMinute()).toBe(3 + 6);

    // Nine completed: 6 × 2³ = 48, held to the maximum of 20.
    await fleet.work();
    expect((await campaignStats(t, operator, campaign.campaign_id)).ramp_rate_per_minute).toBe(20);
    expect(await tickAfterHalfAMinute()).toBe(9 + 10);

    // A long pause banks nothing beyond the batch: the remaining 11 go, as the batch allows.
    await sql(t, "UPDATE ota.campaigns SET last_tick_at = now() - interval '1 hour' WHERE campaign_id = $1", [campaign.campaign_id]);
    await tick(t, campaign.campaign_id, ORG);
    expect((await campaignRows(t, campaign.campaign_id)).filter((row) => row.status === 'created')).toHaveLength(0);
  });

  it('combines with the concurrency cap: the strictest wins', async () => {
    const { group, firmware, register } = await fleetSetup();
    await register(10, {});
    const campaign = await createCampaign(
      t,
      operator,
      campaignBody(firmware.firmware_id, {
        target_groups: [group],
        batch_size: 100,
        max_concurrent_updates: 2,
        rollout_rate: { base_per_minute: 1000, increment_factor: 1.5, increase_after_succeeded: 1, max_per_minute: 1000 },
      }),
    );
    await act(t, operator, campaign.campaign_id, 'start');
    await tick(t, campaign.campaign_id, ORG);
    expect((await campaignRows(t, campaign.campaign_id)).filter((row) => row.status !== 'created')).toHaveLength(2);
  });

  it.each([
    [{ maintenance_windows: [{ cron: '0 2 * *', duration_minutes: 60, time_zone: 'UTC' }] }, 'body.maintenance_windows.0.cron'],
    [{ maintenance_windows: [{ cron: '0 2 * * *', duration_minutes: 60, time_zone: 'UTC' }, { cron: '0 99 * * *', duration_minutes: 60, time_zone: 'UTC' }] }, 'body.maintenance_windows.1.cron'],
    [{ maintenance_windows: [{ cron: '0 2 * * *', duration_minutes: 60, time_zone: 'Europe/Atlantis' }] }, 'body.maintenance_windows.0.time_zone'],
    [{ maintenance_windows: [{ cron: '0 2 * * *', duration_minutes: 0, time_zone: 'UTC' }] }, 'body.maintenance_windows.0.duration_minutes'],
    [{ maintenance_windows: [{ cron: '0 2 * * *', duration_minutes: 10_081, time_zone: 'UTC' }] }, 'body.maintenance_windows.0.duration_minutes'],
    [{ maintenance_windows: Array(21).fill({ cron: '0 2 * * *', duration_minutes: 60, time_zone: 'UTC' }) }, 'body.maintenance_windows'],
    [{ maintenance_windows: ['nightly'] }, 'body.maintenance_windows.0'],
    [{ default_time_zone: 'Moon/Base' }, 'body.default_time_zone'],
    [{ rollout_rate: { base_per_minute: 10, increment_factor: 6, increase_after_succeeded: 5, max_per_minute: 100 } }, 'body.rollout_rate.increment_factor'],
    [{ rollout_rate: { base_per_minute: 10, increment_factor: 1.05, increase_after_succeeded: 5, max_per_minute: 100 } }, 'body.rollout_rate.increment_factor'],
    [{ rollout_rate: { base_per_minute: 0, increment_factor: 2, increase_after_succeeded: 5, max_per_minute: 100 } }, 'body.rollout_rate.base_per_minute'],
    [{ rollout_rate: { base_per_minute: 10, increment_factor: 2, increase_after_succeeded: 0, max_per_minute: 100 } }, 'body.rollout_rate.increase_after_succeeded'],
    [{ rollout_rate: { base_per_minute: 10, increment_factor: 2, increase_after_succeeded: 5, max_per_minute: 5 } }, 'body.rollout_rate.max_per_minute'],
    [{ rollout_rate: { base_per_minute: 10, increment_factor: 2, increase_after_succeeded: 5 } }, 'body.rollout_rate.max_per_minute'],
  ])('refuses %j with 422 naming the field, writing nothing', async (override, field) => {
    const { group, firmware } = await fleetSetup();
    const body = campaignBody(firmware.firmware_id, { target_groups: [group], ...override });
    const res = await t.request({ method: 'POST', url: CAMPAIGNS_URL, headers: operator, payload: body });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors.map((error: { loc: (string | number)[] }) => error.loc.join('.'))).toContain(field);
    expect(await sql(t, 'SELECT 1 FROM ota.campaigns WHERE organization_id = $1 AND name = $2', [ORG, body.name])).toHaveLength(0);
  });

  it('changes and clears windows and ramp before the start; no window means no restriction', async () => {
    const { group, firmware } = await fleetSetup();
    const campaign = await createCampaign(t, operator, campaignBody(firmware.firmware_id, { target_groups: [group], maintenance_windows: [] }));
    expect(campaign).toMatchObject({ maintenance_windows: null, next_window_at: null, rollout_rate: null });
    const patch = (payload: Record<string, unknown>) => t.request({ method: 'PATCH', url: `${CAMPAIGNS_URL}/${campaign.campaign_id}`, headers: operator, payload });
    setClock('2026-01-15T12:00:00Z');
    const changed = await patch({
      maintenance_windows: [{ cron: '0 3 * * 6', duration_minutes: 240, time_zone: 'device' }],
      default_time_zone: 'Europe/Berlin',
      rollout_rate: { base_per_minute: 5, increment_factor: 1.5, increase_after_succeeded: 10, max_per_minute: 50 },
    });
    expect(changed.statusCode).toBe(200);
    // Before the start the devices' zones are not known: the default zone's next opening (Saturday 03:00 in Berlin).
    expect(changed.json()).toMatchObject({ default_time_zone: 'Europe/Berlin', next_window_at: '2026-01-17T02:00:00.000Z', rollout_rate: { max_per_minute: 50 } });
    expect((await patch({ default_time_zone: 'Nowhere' })).statusCode).toBe(422);
    const cleared = await patch({ maintenance_windows: null, default_time_zone: null, rollout_rate: null });
    expect(cleared.json()).toMatchObject({ maintenance_windows: null, default_time_zone: null, rollout_rate: null, next_window_at: null });
  });

  describe('a single device update with a maintenance_window (daily start/end)', () => {
    it('is released at once inside its window, with the window end on the check-in', async () => {
      const { firmware, register } = await fleetSetup();
      const fleet = await register(1, {});
      // 12:00 UTC is 13:00 in Paris: inside 13:00-14:00 there.
      setClock('2026-01-15T12:00:00Z');
      const update = await createUpdate(t, operator, fleet.devices[0].deviceId, {
        firmware_id: firmware.firmware_id,
        maintenance_window: { start: '13:00', end: '14:00', timezone: 'Europe/Paris' },
      });
      expect(update).toMatchObject({ status: 'scheduled', maintenance_window: { start: '13:00', end: '14:00', timezone: 'Europe/Paris' } });
      expect(await fleet.checkIn(fleet.devices[0])).toMatchObject({ update_id: update.update_id, window_ends_at: '2026-01-15T13:00:00.000Z' });
    });

    it('waits outside its window, keeps the device busy, and is released by the scheduler when the window opens', async () => {
      const { firmware, register } = await fleetSetup();
      const fleet = await register(1, {});
      const device = fleet.devices[0];
      setClock('2026-01-15T12:00:00Z');
      // 23:30-01:30 UTC runs past midnight.
      const update = await createUpdate(t, operator, device.deviceId, { firmware_id: firmware.firmware_id, maintenance_window: { start: '23:30', end: '01:30' } });
      expect(update).toMatchObject({ status: 'created', scheduled_at: null, timeout_at: null });
      expect(update.timeline).toEqual([expect.objectContaining({ status: 'created', detail: 'Waiting for its maintenance window, which opens at 2026-01-15T23:30:00.000Z' })]);
      expect(await fleet.checkIn(device)).toBeNull();
      const second = await requestUpdate(t, operator, device.deviceId, { firmware_id: firmware.firmware_id });
      expect(second.statusCode).toBe(409);

      const sweep = () => t.app.get(UpdateTimeoutsService).releaseDueWindowed();
      await sweep();
      expect((await updateRow(t, update.update_id)).status).toBe('created');
      // 00:15 UTC the next day: inside, until 01:30.
      setClock('2026-01-16T00:15:00Z');
      await sweep();
      expect(await updateRow(t, update.update_id)).toMatchObject({ status: 'scheduled', window_ends_at: new Date('2026-01-16T01:30:00Z') });
      expect(await fleet.checkIn(device)).toMatchObject({ update_id: update.update_id, window_ends_at: '2026-01-16T01:30:00.000Z' });
    });

    it.each([
      [{ start: '25:00', end: '04:00' }, 'body.maintenance_window.start'],
      [{ start: '02:00' }, 'body.maintenance_window.end'],
      [{ start: '02:00', end: '04:00', timezone: 'Europe/Nowhere' }, 'body.maintenance_window.timezone'],
    ])('refuses the window %j with 422 naming the field', async (window, field) => {
      const { firmware, register } = await fleetSetup();
      const fleet = await register(1, {});
      const res = await requestUpdate(t, operator, fleet.devices[0].deviceId, { firmware_id: firmware.firmware_id, maintenance_window: window });
      expect(res.statusCode).toBe(422);
      expect(res.json().errors.map((error: { loc: (string | number)[] }) => error.loc.join('.'))).toContain(field);
    });
  });
});
