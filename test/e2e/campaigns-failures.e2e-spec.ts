import { createTestApp, type TestApp } from '../utils/test-app';
import { bearer, hs256Token } from '../utils/tokens';
import { act, drive, campaignBody, campaignRows, campaignStats, createCampaign, DeviceClient, type DeviceOutcome, getCampaign, tick, type TestDevice } from '../utils/campaign-factory';
import { createFirmware, deviceCommands, outboxEvents, sql, updateTimeouts } from '../utils/update-factory';

const ORG = 'org-failures';

describe('failure threshold, automatic rollback and blue-green', () => {
  let t: TestApp;
  let operator: Record<string, string>;
  let run = 0;

  beforeAll(async () => {
    t = await createTestApp();
    operator = bearer(await hs256Token({ sub: 'op-1', organization_id: ORG, role: 'operator' }));
  });
  afterAll(() => t.close());

  /**
   * A group of devices of a model of their own, half on 1.4.2 and half on 1.3.0 (both images
   * exist, so each can go back to its own), and the firmware 2.0.0 a campaign ships.
   */
  async function mixedFleet(count: number) {
    run += 1;
    const group = `f${run}`;
    const model = `FM-${run}`;
    const newer = await DeviceClient.register(t, operator, Math.ceil(count / 2), { groups: [group], device_model: model, firmware_version: '1.4.2' });
    const older = await DeviceClient.register(t, operator, Math.floor(count / 2), { groups: [group], device_model: model, firmware_version: '1.3.0' });
    await createFirmware(t, operator, { version: '1.4.2', device_model: model });
    await createFirmware(t, operator, { version: '1.3.0', device_model: model });
    const firmware = await createFirmware(t, operator, { version: '2.0.0', device_model: model });
    return { group, model, fleet: new DeviceClient(t, [...newer.devices, ...older.devices]), firmware };
  }

  /** Fails the devices listed, completes the rest. */
  function failing(ids: Set<string>) {
    return (device: TestDevice, update: Record<string, any>): DeviceOutcome => (update.kind === 'update' && ids.has(device.deviceId) ? 'failed' : 'completed');
  }

  const driveWhile = (campaignId: string, statuses: string[], fleet: DeviceClient, decide?: Parameters<DeviceClient['work']>[0]) =>
    drive(t, operator, ORG, campaignId, statuses, fleet, decide);


  it('trips the threshold, fails the campaign and rolls every completed device back to its own previous version', async () => {
    const { group, fleet, firmware } = await mixedFleet(10);
    const campaign = await createCampaign(t, operator, campaignBody(firmware.firmware_id, {
      target_groups: [group], deployment_strategy: 'staged', stages: [60, 100], min_failure_sample: 5, max_concurrent_updates: 100,
    }));
    await act(t, operator, campaign.campaign_id, 'start');
    await tick(t, campaign.campaign_id, ORG);
    const stage0 = (await campaignRows(t, campaign.campaign_id)).filter((row) => row.status === 'scheduled');
    expect(stage0).toHaveLength(6);
    // Two failures from the version most of stage 0 runs, so devices of both versions complete.
    const byVersion = Map.groupBy(stage0, (row) => row.from_version);
    const largest = [...byVersion.values()].sort((a, b) => b.length - a.length)[0];
    const failed = new Set(largest.slice(0, 2).map((row) => row.device_id));
    await fleet.work(failing(failed));
    await tick(t, campaign.campaign_id, ORG);

    const rollingBack = await getCampaign(t, operator, campaign.campaign_id);
    expect(rollingBack.status).toBe('rolling_back');
    const failure = rollingBack.timeline.find((entry) => entry.event === 'failed');
    expect(failure).toMatchObject({ actor: 'scheduler', data: { failure_rate: 33.33, threshold_percent: 20, finished: 6, failures: 2 } });
    expect(failure?.reason).toContain('33.33%');
    expect(rollingBack.timeline.map((entry) => entry.event)).toEqual(['created', 'started', 'stage_opened', 'failed', 'rolling_back']);
    // Stage 1 never went out.
    expect((await campaignRows(t, campaign.campaign_id)).filter((row) => row.campaign_stage === 1).every((row) => row.status === 'cancelled')).toBe(true);

    expect(await driveWhile(campaign.campaign_id, ['rolling_back'], fleet)).toBe('rolled_back');
    const rollbacks = await campaignRows(t, campaign.campaign_id, 'rollback');
    expect(rollbacks).toHaveLength(4);
    const updates = new Map((await campaignRows(t, campaign.campaign_id)).map((row) => [row.device_id, row]));
    for (const row of rollbacks) {
      const original = updates.get(row.device_id);
      expect(row).toMatchObject({ status: 'completed', from_version: '2.0.0', to_version: original?.from_version });
      expect(original?.status).toBe('rolled_back');
      const device = fleet.devices.find((candidate) => candidate.deviceId === row.device_id);
      expect(device?.version).toBe(original?.from_version);
    }
    expect(new Set(rollbacks.map((row) => row.to_version))).toEqual(new Set(['1.4.2', '1.3.0']));
    const stats = await campaignStats(t, operator, campaign.campaign_id);
    expect(stats.rollback).toEqual({ planned: 4, pending: 0, in_flight: 0, completed: 4, failed: 0 });
    const events = (await outboxEvents(t, 'campaign_id', campaign.campaign_id)).map((event) => event.type);
    expect(events).toEqual(expect.arrayContaining(['campaign.failed', 'campaign.rolling_back', 'campaign.rolled_back']));
  });

  it('does not trip just under the threshold', async () => {
    const { group, fleet, firmware } = await mixedFleet(10);
    const campaign = await createCampaign(t, operator, campaignBody(firmware.firmware_id, { target_groups: [group], failure_threshold_percent: 50, max_concurrent_updates: 100 }));
    await act(t, operator, campaign.campaign_id, 'start');
    await tick(t, campaign.campaign_id, ORG);
    const rows = await campaignRows(t, campaign.campaign_id);
    const failed = new Set(rows.slice(0, 4).map((row) => row.device_id));
    expect(await driveWhile(campaign.campaign_id, ['in_progress'], fleet, failing(failed))).toBe('completed');
    expect(await campaignStats(t, operator, campaign.campaign_id)).toMatchObject({ failure_rate: 40, failed_updates: 4, successful_updates: 6 });
  });

  it('waits for the minimum sample before judging', async () => {
    const { group, fleet, firmware } = await mixedFleet(10);
    const campaign = await createCampaign(t, operator, campaignBody(firmware.firmware_id, { target_groups: [group], batch_size: 3, max_concurrent_updates: 3, min_failure_sample: 6 }));
    await act(t, operator, campaign.campaign_id, 'start');
    await tick(t, campaign.campaign_id, ORG);
    const first = (await campaignRows(t, campaign.campaign_id)).filter((row) => row.status === 'scheduled');
    // One failure in three finished: 33 % but under the sample of 6.
    await fleet.work(failing(new Set([first[0].device_id])));
    await tick(t, campaign.campaign_id, ORG);
    expect((await getCampaign(t, operator, campaign.campaign_id)).status).toBe('in_progress');
    // Three more complete: 1 of 6 is 16.7 %, under 20.
    await fleet.work();
    await tick(t, campaign.campaign_id, ORG);
    expect((await getCampaign(t, operator, campaign.campaign_id)).status).toBe('in_progress');
    expect((await campaignStats(t, operator, campaign.campaign_id)).failure_rate).toBe(16.67);
  });

  it('counts timeouts as failures only with the timeout trigger', async () => {
    for (const [triggers, expected] of [[['failure_rate', 'timeout'], 'failed'], [['failure_rate'], 'completed']] as const) {
      const { group, fleet, firmware } = await mixedFleet(4);
      const campaign = await createCampaign(t, operator, campaignBody(firmware.firmware_id, { target_groups: [group], rollback_triggers: triggers, auto_rollback: false, min_failure_sample: 4 }));
      await act(t, operator, campaign.campaign_id, 'start');
      await tick(t, campaign.campaign_id, ORG);
      const [late] = await campaignRows(t, campaign.campaign_id);
      await fleet.work((device) => (device.deviceId === late.device_id ? 'ignore' : 'completed'));
      await sql(t, `UPDATE ota.device_updates SET timeout_at = now() - interval '1 minute' WHERE update_id = $1`, [late.update_id]);
      expect(await updateTimeouts(t).failTimedOut()).toBeGreaterThanOrEqual(1);
      await tick(t, campaign.campaign_id, ORG);
      const after = await getCampaign(t, operator, campaign.campaign_id);
      expect(after.status).toBe(expected);
      expect((await campaignStats(t, operator, campaign.campaign_id)).counts.timed_out).toBe(1);
    }
  });

  it('without auto_rollback stays failed; a manual rollback later brings completed devices back', async () => {
    const { group, fleet, firmware } = await mixedFleet(4);
    const campaign = await createCampaign(t, operator, campaignBody(firmware.firmware_id, { target_groups: [group], auto_rollback: false, min_failure_sample: 4 }));
    await act(t, operator, campaign.campaign_id, 'start');
    await tick(t, campaign.campaign_id, ORG);
    const [bad] = await campaignRows(t, campaign.campaign_id);
    await fleet.work(failing(new Set([bad.device_id])));
    await tick(t, campaign.campaign_id, ORG);
    expect((await getCampaign(t, operator, campaign.campaign_id)).status).toBe('failed');
    expect(await campaignRows(t, campaign.campaign_id, 'rollback')).toHaveLength(0);
    const rolling = await act(t, operator, campaign.campaign_id, 'rollback', { reason: 'customer complaints' });
    expect(rolling).toMatchObject({ status: 'rolling_back' });
    expect(rolling.timeline.at(-1)).toMatchObject({ event: 'rolling_back', actor: 'op-1', reason: 'customer complaints', data: { devices: 3, firmware_missing: 0 } });
    expect(await driveWhile(campaign.campaign_id, ['rolling_back'], fleet)).toBe('rolled_back');
  });

  it('a completed campaign rolls back on request; a device whose old image is gone gets a failed rollback', async () => {
    run += 1;
    const group = `gone${run}`;
    const model = `GM-${run}`;
    const fleet = await DeviceClient.register(t, operator, 2, { groups: [group], device_model: model, firmware_version: '0.9.0' });
    const firmware = await createFirmware(t, operator, { version: '2.0.0', device_model: model });
    const campaign = await createCampaign(t, operator, campaignBody(firmware.firmware_id, { target_groups: [group] }));
    await act(t, operator, campaign.campaign_id, 'start');
    expect(await driveWhile(campaign.campaign_id, ['in_progress'], fleet)).toBe('completed');
    const rolled = await act(t, operator, campaign.campaign_id, 'rollback');
    expect(rolled.status).toBe('rolled_back');
    expect(rolled.timeline.at(-1)?.reason).toContain('2 completed device(s) have no older image');
    const rows = await campaignRows(t, campaign.campaign_id, 'rollback');
    expect(rows.map((row) => [row.status, row.error_code])).toEqual([['failed', 'rollback/firmware_missing'], ['failed', 'rollback/firmware_missing']]);
    expect((await campaignStats(t, operator, campaign.campaign_id)).rollback).toMatchObject({ planned: 2, failed: 2 });
  });

  it('a rollback lets devices already installing finish, then rolls back those that completed', async () => {
    const { group, fleet, firmware } = await mixedFleet(4);
    const campaign = await createCampaign(t, operator, campaignBody(firmware.firmware_id, { target_groups: [group], batch_size: 3, max_concurrent_updates: 3 }));
    await act(t, operator, campaign.campaign_id, 'start');
    await tick(t, campaign.campaign_id, ORG);
    const [done, installing, dying] = (await campaignRows(t, campaign.campaign_id)).filter((row) => row.status === 'scheduled');
    const device = (id: string) => fleet.devices.find((candidate) => candidate.deviceId === id) as TestDevice;
    await fleet.work((member) => (member.deviceId === done.device_id ? 'completed' : 'ignore'));
    for (const row of [installing, dying]) {
      for (const status of ['downloading', 'installing']) expect((await fleet.report(device(row.device_id), row.update_id, { status })).statusCode).toBe(200);
    }
    const rolling = await act(t, operator, campaign.campaign_id, 'rollback');
    expect(rolling.status).toBe('rolling_back');
    const rows = new Map((await campaignRows(t, campaign.campaign_id)).map((row) => [row.device_id, row.status]));
    expect([rows.get(installing.device_id), rows.get(dying.device_id)]).toEqual(['installing', 'installing']);
    expect([...rows.values()].filter((status) => status === 'cancelled')).toHaveLength(1);
    // The installing devices finish their update (one completes, one fails) before going back.
    await tick(t, campaign.campaign_id, ORG);
    expect((await campaignRows(t, campaign.campaign_id, 'rollback')).filter((row) => row.status === 'scheduled').map((row) => row.device_id)).toEqual([done.device_id]);
    await fleet.report(device(installing.device_id), installing.update_id, { status: 'completed', firmware_version: '2.0.0' });
    await fleet.report(device(dying.device_id), dying.update_id, { status: 'failed', error_code: 'flash_error' });
    await sql(t, `UPDATE ota.device_updates SET not_before = now() WHERE campaign_id = $1 AND status = 'created'`, [campaign.campaign_id]);
    expect(await driveWhile(campaign.campaign_id, ['rolling_back'], fleet)).toBe('rolled_back');
    const rollbacks = new Map((await campaignRows(t, campaign.campaign_id, 'rollback')).map((row) => [row.device_id, row]));
    expect(rollbacks.get(done.device_id)?.status).toBe('completed');
    expect(rollbacks.get(installing.device_id)?.status).toBe('completed');
    expect(rollbacks.get(dying.device_id)?.status).toBe('cancelled');
  });

  it('counts a breach while paused', async () => {
    const { group, fleet, firmware } = await mixedFleet(4);
    const campaign = await createCampaign(t, operator, campaignBody(firmware.firmware_id, { target_groups: [group], min_failure_sample: 4, auto_rollback: false }));
    await act(t, operator, campaign.campaign_id, 'start');
    await tick(t, campaign.campaign_id, ORG);
    await act(t, operator, campaign.campaign_id, 'pause');
    const [first, second] = await campaignRows(t, campaign.campaign_id);
    await fleet.work(failing(new Set([first.device_id, second.device_id])));
    await tick(t, campaign.campaign_id, ORG);
    expect((await getCampaign(t, operator, campaign.campaign_id)).status).toBe('failed');
  });

  describe('blue-green', () => {
    it('stages every device, switches them together, and completes', async () => {
      const { group, fleet, firmware } = await mixedFleet(5);
      // Threshold 10 %: the switch waits for 90 % of the five, that is all of them.
      const campaign = await createCampaign(t, operator, campaignBody(firmware.firmware_id, {
        target_groups: [group], deployment_strategy: 'blue_green', max_concurrent_updates: 2, batch_size: 5, failure_threshold_percent: 10,
      }));
      await act(t, operator, campaign.campaign_id, 'start');
      // Staged devices wait without counting against the cap of 2: all five stage in turn.
      for (let round = 0; round < 3; round++) {
        await tick(t, campaign.campaign_id, ORG);
        await fleet.work((_device, update) => {
          expect(update.activation).toBe('deferred');
          return 'stage';
        });
      }
      const staged = await campaignRows(t, campaign.campaign_id);
      expect(staged.every((row) => row.status === 'awaiting_activation' && row.activation === 'deferred')).toBe(true);
      // A staged update cannot complete before the switch.
      const [device] = fleet.devices;
      const early = await fleet.report(device, staged.find((row) => row.device_id === device.deviceId)?.update_id as string, { status: 'rebooting' });
      expect(early.statusCode).toBe(409);

      await tick(t, campaign.campaign_id, ORG);
      const switched = await getCampaign(t, operator, campaign.campaign_id);
      expect(switched.activated_at).not.toBeNull();
      expect(switched.timeline.map((entry) => entry.event)).toContain('activated');
      for (const member of fleet.devices) {
        const update = await fleet.checkIn(member);
        expect(update).toMatchObject({ activation: 'now' });
        expect((await deviceCommands(t, member.deviceId)).map((command) => command.payload.type)).toEqual(['update_available', 'activate']);
      }
      expect(await driveWhile(campaign.campaign_id, ['in_progress'], fleet)).toBe('completed');
      expect((await getCampaign(t, operator, campaign.campaign_id)).completed_devices).toBe(5);
    });

    it('fails before the switch without activating anything when too many fail staging; staged updates are cancelled', async () => {
      const { group, fleet, firmware } = await mixedFleet(6);
      const campaign = await createCampaign(t, operator, campaignBody(firmware.firmware_id, { target_groups: [group], deployment_strategy: 'blue_green', max_concurrent_updates: 10, min_failure_sample: 6 }));
      await act(t, operator, campaign.campaign_id, 'start');
      await tick(t, campaign.campaign_id, ORG);
      const rows = await campaignRows(t, campaign.campaign_id);
      const failed = new Set(rows.slice(0, 2).map((row) => row.device_id));
      await fleet.work((device) => (failed.has(device.deviceId) ? 'failed' : 'stage'));
      await tick(t, campaign.campaign_id, ORG);
      const result = await getCampaign(t, operator, campaign.campaign_id);
      expect(result).toMatchObject({ status: 'failed', activated_at: null });
      const after = await campaignRows(t, campaign.campaign_id);
      expect(after.filter((row) => row.status === 'cancelled')).toHaveLength(4);
      expect(after.some((row) => row.activation === 'now')).toBe(false);
      expect(await campaignRows(t, campaign.campaign_id, 'rollback')).toHaveLength(0);
      for (const device of fleet.devices) expect(await fleet.checkIn(device)).toBeNull();
    });

    it('advance switches at once; awaiting_activation is refused for an update that is not blue-green', async () => {
      const { group, fleet, firmware } = await mixedFleet(2);
      const campaign = await createCampaign(t, operator, campaignBody(firmware.firmware_id, { target_groups: [group], deployment_strategy: 'blue_green' }));
      await act(t, operator, campaign.campaign_id, 'start');
      await tick(t, campaign.campaign_id, ORG);
      const [first] = fleet.devices;
      await fleet.work((device) => (device === first ? 'stage' : 'ignore'));
      const advanced = await act(t, operator, campaign.campaign_id, 'advance');
      expect(advanced.activated_at).not.toBeNull();
      await tick(t, campaign.campaign_id, ORG);
      expect(await fleet.checkIn(first)).toMatchObject({ activation: 'now' });
      // A device that stages after the switch is switched at the next tick.
      const second = fleet.devices[1];
      await fleet.work((device) => (device === second ? 'stage' : 'ignore'));
      await tick(t, campaign.campaign_id, ORG);
      expect(await fleet.checkIn(second)).toMatchObject({ activation: 'now' });
      expect(await driveWhile(campaign.campaign_id, ['in_progress'], fleet)).toBe('completed');

      const immediate = await mixedFleet(1);
      const plain = await createCampaign(t, operator, campaignBody(immediate.firmware.firmware_id, { target_groups: [immediate.group] }));
      await act(t, operator, plain.campaign_id, 'start');
      await tick(t, plain.campaign_id, ORG);
      const [device] = immediate.fleet.devices;
      const update = await immediate.fleet.checkIn(device);
      expect(update?.activation).toBe('immediate');
      const refused = await immediate.fleet.report(device, update?.update_id, { status: 'awaiting_activation' });
      expect(refused.statusCode).toBe(409);
      expect(refused.json().code).toBe('update/invalid_transition');
    });
  });
});
