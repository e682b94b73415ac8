import { RolloutService } from '../../src/modules/rollout/rollout.service';
import { createTestApp, type TestApp } from '../utils/test-app';
import { bearer, hs256Token } from '../utils/tokens';
import {
  act,
  drive,
  advanceClock,
  campaignAction,
  clockNow,
  campaignBody,
  campaignRows,
  campaignStats,
  createCampaign,
  DeviceClient,
  fleetWithFirmware,
  getCampaign,
  tick,
} from '../utils/campaign-factory';
import { createFirmware, createUpdate, deviceCommands, outboxEvents, sql } from '../utils/update-factory';

const ORG = 'org-rollout';
const MINUTE = 60_000;

describe('campaign rollout (strategies end to end over the device API)', () => {
  let t: TestApp;
  let operator: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp();
    operator = bearer(await hs256Token({ sub: 'op-1', organization_id: ORG, role: 'operator' }));
  });
  afterAll(() => t.close());

  const fleetOf = (count: number, devices: Record<string, unknown> = {}) => fleetWithFirmware(t, operator, count, devices);

  const driveWhile = (campaignId: string, statuses: string[], fleet: DeviceClient, decide?: Parameters<DeviceClient['work']>[0]) =>
    drive(t, operator, ORG, campaignId, statuses, fleet, decide);


  const released = async (campaignId: string) => (await campaignRows(t, campaignId)).filter((row) => row.status !== 'created');

  it('immediate: releases in batches under the concurrency cap and completes when every device finished', async () => {
    const { group, fleet, firmware } = await fleetOf(5);
    const campaign = await createCampaign(t, operator, campaignBody(firmware.firmware_id, { target_groups: [group], batch_size: 2, max_concurrent_updates: 3 }));
    expect(campaign).toMatchObject({ status: 'created', target_device_count: 5 });

    const started = await act(t, operator, campaign.campaign_id, 'start');
    expect(started).toMatchObject({ status: 'in_progress', total_devices: 5, pending_devices: 5, current_stage: 0 });
    await tick(t, campaign.campaign_id, ORG);
    expect(await released(campaign.campaign_id)).toHaveLength(2);
    await tick(t, campaign.campaign_id, ORG);
    expect(await released(campaign.campaign_id)).toHaveLength(3);
    await tick(t, campaign.campaign_id, ORG);
    expect(await released(campaign.campaign_id)).toHaveLength(3);

    expect(await driveWhile(campaign.campaign_id, ['in_progress'], fleet)).toBe('completed');
    const done = await getCampaign(t, operator, campaign.campaign_id);
    expect(done).toMatchObject({ completed_devices: 5, pending_devices: 0, in_progress_devices: 0 });
    expect(done.actual_end).not.toBeNull();
    const stats = await campaignStats(t, operator, campaign.campaign_id);
    expect(stats).toMatchObject({ progress_percentage: 100, successful_updates: 5, failed_updates: 0, success_rate: 100, failure_rate: 0, eta_seconds: 0 });
    expect((done.timeline as { event: string }[]).map((entry) => entry.event)).toEqual(['created', 'started', 'completed']);
    const events = (await outboxEvents(t, 'campaign_id', campaign.campaign_id)).map((event) => event.type);
    expect(events).toContain('campaign.completed');
    // Every device got its command, each update its campaign.
    for (const device of fleet.devices) expect((await deviceCommands(t, device.deviceId)).map((command) => command.payload.type)).toEqual(['update_available']);
    const metrics = (await t.request({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/ota_campaigns\{[^}]*status="completed"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/ota_rollout_releases_total\{[^}]*kind="update"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/ota_rollout_tick_duration_seconds_count/);
  });

  it('serves the higher priority first when two campaigns compete for a device', async () => {
    const { group, model, fleet, firmware } = await fleetOf(1);
    const other = await createFirmware(t, operator, { version: '3.0.0', device_model: model });
    const low = await createCampaign(t, operator, campaignBody(firmware.firmware_id, { target_groups: [group], priority: 'low' }));
    const high = await createCampaign(t, operator, campaignBody(other.firmware_id, { target_groups: [group], priority: 'emergency' }));
    await act(t, operator, low.campaign_id, 'start');
    await act(t, operator, high.campaign_id, 'start');
    await t.app.get(RolloutService).tick();
    expect((await campaignRows(t, high.campaign_id))[0].status).toBe('scheduled');
    expect((await campaignRows(t, low.campaign_id))[0]).toMatchObject({ status: 'created', current_phase: 'waiting_busy' });
    expect((await fleet.checkIn(fleet.devices[0]))?.version).toBe('3.0.0');
  });

  it('staged: a later stage gets nothing before its gate opens (stage finished, soak passed), then opens', async () => {
    const { group, fleet, firmware } = await fleetOf(10);
    const campaign = await createCampaign(t, operator, campaignBody(firmware.firmware_id, { target_groups: [group], deployment_strategy: 'staged', stages: [20, 60, 100], stage_soak_minutes: 30, batch_size: 100, max_concurrent_updates: 100 }));
    await act(t, operator, campaign.campaign_id, 'start');
    await tick(t, campaign.campaign_id, ORG);
    const stage0 = await released(campaign.campaign_id);
    expect(stage0).toHaveLength(2);
    expect(stage0.every((row) => row.campaign_stage === 0)).toBe(true);

    await fleet.work();
    await tick(t, campaign.campaign_id, ORG);
    // Stage 0 finished: its soak runs; stage 1 waits.
    let stats = await campaignStats(t, operator, campaign.campaign_id);
    expect(stats.stages[0].gate_opens_at).not.toBeNull();
    expect(Date.parse(stats.stages[0].gate_opens_at!) - Date.now()).toBeGreaterThan(29 * MINUTE);
    for (let i = 0; i < 3; i++) await tick(t, campaign.campaign_id, ORG);
    expect(await released(campaign.campaign_id)).toHaveLength(2);

    advanceClock(t, 31 * MINUTE);
    await tick(t, campaign.campaign_id, ORG);
    const afterGate = await released(campaign.campaign_id);
    expect(afterGate).toHaveLength(6);
    expect(afterGate.filter((row) => row.campaign_stage === 1)).toHaveLength(4);
    expect((await getCampaign(t, operator, campaign.campaign_id)).current_stage).toBe(1);

    // An operator's advance opens the next stage without waiting for the gate.
    const advanced = await act(t, operator, campaign.campaign_id, 'advance');
    expect(advanced.current_stage).toBe(2);
    expect(advanced.timeline.at(-1)).toMatchObject({ event: 'stage_opened', actor: 'op-1', data: { stage: 2, devices: 4 } });
    await tick(t, campaign.campaign_id, ORG);
    expect(await released(campaign.campaign_id)).toHaveLength(10);
    expect(await driveWhile(campaign.campaign_id, ['in_progress'], fleet)).toBe('completed');
    stats = await campaignStats(t, operator, campaign.campaign_id);
    expect(stats.stages.map((stage: { planned: number; completed: number }) => [stage.planned, stage.completed])).toEqual([[2, 2], [4, 4], [4, 4]]);
  });

  it('canary: at least one device first, then the rest after the canary duration', async () => {
    const { group, fleet, firmware } = await fleetOf(6);
    const campaign = await createCampaign(t, operator, campaignBody(firmware.firmware_id, { target_groups: [group], deployment_strategy: 'canary', canary_percentage: 1, canary_duration_minutes: 10 }));
    expect(campaign.stage_plan).toEqual([expect.objectContaining({ devices: 1 }), expect.objectContaining({ devices: 5 })]);
    await act(t, operator, campaign.campaign_id, 'start');
    await tick(t, campaign.campaign_id, ORG);
    expect(await released(campaign.campaign_id)).toHaveLength(1);
    await fleet.work();
    await tick(t, campaign.campaign_id, ORG);
    await tick(t, campaign.campaign_id, ORG);
    expect(await released(campaign.campaign_id)).toHaveLength(1);
    advanceClock(t, 11 * MINUTE);
    expect(await driveWhile(campaign.campaign_id, ['in_progress'], fleet)).toBe('completed');
  });

  it('scheduled: waits until scheduled_start, then resolves its targets', async () => {
    const { group, model, fleet, firmware } = await fleetOf(2);
    const start = new Date(clockNow(t).getTime() + 60 * MINUTE);
    const campaign = await createCampaign(t, operator, campaignBody(firmware.firmware_id, { target_groups: [group], deployment_strategy: 'scheduled', scheduled_start: start.toISOString() }));
    const scheduled = await act(t, operator, campaign.campaign_id, 'start');
    expect(scheduled).toMatchObject({ status: 'scheduled', total_devices: null });
    await tick(t, campaign.campaign_id, ORG);
    expect((await getCampaign(t, operator, campaign.campaign_id)).status).toBe('scheduled');
    // A device registered meanwhile is part of it: targets resolve at the start.
    const late = await DeviceClient.register(t, operator, 1, { groups: [group], device_model: model });
    fleet.devices.push(...late.devices);
    advanceClock(t, 61 * MINUTE);
    await tick(t, campaign.campaign_id, ORG);
    const running = await getCampaign(t, operator, campaign.campaign_id);
    expect(running).toMatchObject({ status: 'in_progress', total_devices: 3 });
    expect(running.timeline.map((entry: { event: string; actor: string }) => [entry.event, entry.actor])).toEqual([
      ['created', 'op-1'],
      ['scheduled', 'op-1'],
      ['started', 'scheduler'],
    ]);
    expect(await driveWhile(campaign.campaign_id, ['in_progress'], fleet)).toBe('completed');
  });

  it('completes at once when no device matches, saying why', async () => {
    const { group, firmware } = await fleetOf(2, { firmware_version: '2.0.0' });
    const campaign = await createCampaign(t, operator, campaignBody(firmware.firmware_id, { target_groups: [group] }));
    const done = await act(t, operator, campaign.campaign_id, 'start');
    expect(done).toMatchObject({ status: 'completed', total_devices: 0, already_on_target_version: 2 });
    expect(done.timeline.at(-1)?.reason).toMatch(/2 matched.*2 of them compatible, 2 already on 2\.0\.0/);
  });

  it('samples rollout_percentage deterministically: a restart-proof subset', async () => {
    const { group, firmware } = await fleetOf(20);
    const campaign = await createCampaign(t, operator, campaignBody(firmware.firmware_id, { target_groups: [group], rollout_percentage: 50 }));
    const started = await act(t, operator, campaign.campaign_id, 'start');
    expect(started.total_devices).toBe(campaign.target_device_count);
    expect(started.total_devices).toBeLessThan(20);
    expect(started.total_devices).toBeGreaterThan(0);
  });

  describe('pause, resume, cancel', () => {
    it('pause releases nothing new while devices with updates finish and are counted; resume goes on', async () => {
      const { group, fleet, firmware } = await fleetOf(6);
      const campaign = await createCampaign(t, operator, campaignBody(firmware.firmware_id, { target_groups: [group], batch_size: 2, max_concurrent_updates: 2 }));
      await act(t, operator, campaign.campaign_id, 'start');
      await tick(t, campaign.campaign_id, ORG);
      const paused = await act(t, operator, campaign.campaign_id, 'pause', { reason: 'night' });
      expect(paused).toMatchObject({ status: 'paused' });
      expect(paused.timeline.at(-1)).toMatchObject({ event: 'paused', reason: 'night', actor: 'op-1' });
      expect(await fleet.work()).toHaveLength(2);
      for (let i = 0; i < 3; i++) await tick(t, campaign.campaign_id, ORG);
      expect(await released(campaign.campaign_id)).toHaveLength(2);
      expect((await getCampaign(t, operator, campaign.campaign_id)).completed_devices).toBe(2);
      // Pause again is a no-op; start (or resume) continues.
      expect((await act(t, operator, campaign.campaign_id, 'pause')).status).toBe('paused');
      expect((await act(t, operator, campaign.campaign_id, 'resume')).status).toBe('in_progress');
      expect(await driveWhile(campaign.campaign_id, ['in_progress'], fleet)).toBe('completed');
    });

    it('cancel cancels every unfinished row and tells devices holding one; their next check-in has none', async () => {
      const { group, fleet, firmware } = await fleetOf(4);
      const campaign = await createCampaign(t, operator, campaignBody(firmware.firmware_id, { target_groups: [group], batch_size: 2 }));
      await act(t, operator, campaign.campaign_id, 'start');
      await tick(t, campaign.campaign_id, ORG);
      const cancelled = await act(t, operator, campaign.campaign_id, 'cancel', { reason: 'bad build' });
      expect(cancelled).toMatchObject({ status: 'cancelled', cancelled_devices: 4, pending_devices: 0, in_progress_devices: 0 });
      const rows = await campaignRows(t, campaign.campaign_id);
      expect(rows.every((row) => row.status === 'cancelled')).toBe(true);
      const told = [];
      for (const device of fleet.devices) {
        expect(await fleet.checkIn(device)).toBeNull();
        const commands = (await deviceCommands(t, device.deviceId)).map((command) => command.payload.type);
        if (commands.includes('update_cancelled')) told.push(device.deviceId);
      }
      expect(told).toHaveLength(2);
      expect((await campaignAction(t, operator, campaign.campaign_id, 'resume')).statusCode).toBe(409);
    });

    it('cancel of a paused campaign and of a created one', async () => {
      const { group, firmware } = await fleetOf(2);
      const created = await createCampaign(t, operator, campaignBody(firmware.firmware_id, { target_groups: [group] }));
      expect((await act(t, operator, created.campaign_id, 'cancel')).status).toBe('cancelled');
      const paused = await createCampaign(t, operator, campaignBody(firmware.firmware_id, { target_groups: [group] }));
      await act(t, operator, paused.campaign_id, 'start');
      await act(t, operator, paused.campaign_id, 'pause');
      expect((await act(t, operator, paused.campaign_id, 'cancel')).status).toBe('cancelled');
    });
  });

  it('a busy device keeps its row until its running update ends (waiting_busy), then gets it', async () => {
    const { group, model, fleet, firmware } = await fleetOf(2);
    const other = await createFirmware(t, operator, { version: '1.9.0', device_model: model });
    const [busy, free] = fleet.devices;
    const single = await createUpdate(t, operator, busy.deviceId, { firmware_id: other.firmware_id });
    const campaign = await createCampaign(t, operator, campaignBody(firmware.firmware_id, { target_groups: [group] }));
    await act(t, operator, campaign.campaign_id, 'start');
    await tick(t, campaign.campaign_id, ORG);
    const rows = await campaignRows(t, campaign.campaign_id);
    expect(rows.find((row) => row.device_id === busy.deviceId)).toMatchObject({ status: 'created', current_phase: 'waiting_busy' });
    expect(rows.find((row) => row.device_id === free.deviceId)).toMatchObject({ status: 'scheduled' });
    expect((await campaignStats(t, operator, campaign.campaign_id)).waiting_busy).toBe(1);
    // The busy device finishes its own update; the campaign's row goes out after the recheck.
    const update = await fleet.checkIn(busy);
    expect(update?.update_id).toBe(single.update_id);
    await fleet.work();
    // The busy device's row is looked at again after its recheck delay (5 ticks); bring that forward.
    await sql(t, `UPDATE ota.device_updates SET not_before = now() WHERE campaign_id = $1 AND status = 'created'`, [campaign.campaign_id]);
    expect(await driveWhile(campaign.campaign_id, ['in_progress'], fleet)).toBe('completed');
    expect((await campaignRows(t, campaign.campaign_id)).every((row) => row.status === 'completed')).toBe(true);
  });

  it('a deleted device\'s row is cancelled', async () => {
    const { group, firmware, fleet } = await fleetOf(2);
    const campaign = await createCampaign(t, operator, campaignBody(firmware.firmware_id, { target_groups: [group], batch_size: 1 }));
    await act(t, operator, campaign.campaign_id, 'start');
    const first = fleet.devices.shift() as (typeof fleet.devices)[number];
    const res = await t.request({ method: 'DELETE', url: `/api/v1/devices/${first.deviceId}`, headers: operator });
    expect(res.statusCode).toBe(200);
    expect((await campaignRows(t, campaign.campaign_id)).find((row) => row.device_id === first.deviceId)?.status).toBe('cancelled');
    expect(await driveWhile(campaign.campaign_id, ['in_progress'], fleet)).toBe('completed');
    expect(await getCampaign(t, operator, campaign.campaign_id)).toMatchObject({ completed_devices: 1, cancelled_devices: 1 });
  });

  it('after scheduled_end releases nothing new and ends when the updates with devices finish', async () => {
    const { group, fleet, firmware } = await fleetOf(4);
    const campaign = await createCampaign(t, operator, campaignBody(firmware.firmware_id, { target_groups: [group], batch_size: 1, scheduled_end: new Date(clockNow(t).getTime() + 5 * MINUTE).toISOString() }));
    await act(t, operator, campaign.campaign_id, 'start');
    await tick(t, campaign.campaign_id, ORG);
    advanceClock(t, 6 * MINUTE);
    await tick(t, campaign.campaign_id, ORG);
    const rows = await campaignRows(t, campaign.campaign_id);
    expect(rows.filter((row) => row.status === 'scheduled')).toHaveLength(1);
    expect(rows.filter((row) => row.status === 'cancelled')).toHaveLength(3);
    expect((await getCampaign(t, operator, campaign.campaign_id)).status).toBe('in_progress');
    expect(await driveWhile(campaign.campaign_id, ['in_progress'], fleet)).toBe('completed');
    expect((await getCampaign(t, operator, campaign.campaign_id)).timeline.at(-1)?.reason).toBe('scheduled_end passed');
  });
});
