import { createTestApp, type TestApp } from '../utils/test-app';
import { bearer, hs256Token } from '../utils/tokens';
import {
  act,
  advanceClock,
  campaignAction,
  campaignBody,
  campaignRows,
  campaignStats,
  createCampaign,
  drive,
  type DeviceClient,
  fleetWithFirmware,
  getCampaign,
  tick,
  type TestDevice,
} from '../utils/campaign-factory';
import { createFirmware, deviceCommandTypes, outboxEvents } from '../utils/update-factory';

const ORG = 'org-transitions';
const MINUTE = 60_000;

/** The notification settings a campaign is created with, echoed in each of its events. */
interface Notifications {
  notify_on_start: boolean;
  notify_on_complete: boolean;
  notify_on_failure: boolean;
  notification_channels: string[];
}

/**
 * Every campaign transition writes a `campaign.<event>` outbox event carrying the campaign's
 * notification settings, and pause/cancel hold at each point of a rollout: a stage soak, a
 * blue-green campaign's phase 1, a campaign waiting for approval.
 */
describe('campaign transitions: outbox events, pause and cancel at each point', () => {
  let t: TestApp;
  let operator: Record<string, string>;
  let approver: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp();
    operator = bearer(await hs256Token({ sub: 'op-1', organization_id: ORG, role: 'operator' }));
    approver = bearer(await hs256Token({ sub: 'admin-2', organization_id: ORG, role: 'admin' }));
  });
  afterAll(() => t.close());

  const driveWhile = (campaignId: string, statuses: string[], fleet: DeviceClient, decide?: Parameters<DeviceClient['work']>[0]) =>
    drive(t, operator, ORG, campaignId, statuses, fleet, decide);

  /** The campaign's `campaign.*` outbox events, oldest first. */
  async function campaignEvents(campaignId: string) {
    return (await outboxEvents(t, 'campaign_id', campaignId)).filter((event) => event.type.startsWith('campaign.'));
  }

  /** The campaign's outbox events are exactly `transitions` in order, each with its id and `notifications`. */
  async function expectEvents(campaignId: string, transitions: [type: string, status: string][], notifications: Notifications): Promise<void> {
    const events = await campaignEvents(campaignId);
    expect(events.map((event) => [event.type, event.data.status])).toEqual(transitions.map(([type, status]) => [`campaign.${type}`, status]));
    for (const event of events) expect({ type: event.type, data: event.data }).toMatchObject({ type: event.type, data: { campaign_id: campaignId, ...notifications } });
  }

  /** Rows of the campaign a device has been given (anything past `created`). */
  const released = async (campaignId: string) => (await campaignRows(t, campaignId)).filter((row) => row.status !== 'created');

  describe('outbox events for every transition', () => {
    it('create → approve → start → stage_opened → pause → resume → stage_opened → complete', async () => {
      const notifications = { notify_on_start: false, notify_on_complete: true, notify_on_failure: false, notification_channels: ['email:ops@example.com', 'slack:#ota-rollouts'] };
      const { group, fleet, firmware } = await fleetWithFirmware(t, operator, 4);
      const campaign = await createCampaign(t, operator, campaignBody(firmware.firmware_id, {
        target_groups: [group], deployment_strategy: 'staged', stages: [50, 100], stage_soak_minutes: 0, requires_approval: true, max_concurrent_updates: 10, ...notifications,
      }));
      expect(campaign.status).toBe('pending_approval');
      expect((await act(t, approver, campaign.campaign_id, 'approve', { approved: true })).status).toBe('created');
      expect((await act(t, operator, campaign.campaign_id, 'start')).status).toBe('in_progress');
      await tick(t, campaign.campaign_id, ORG);
      expect(await released(campaign.campaign_id)).toHaveLength(2);
      expect((await act(t, operator, campaign.campaign_id, 'pause', { reason: 'night' })).status).toBe('paused');
      await fleet.work();
      expect((await act(t, operator, campaign.campaign_id, 'resume')).status).toBe('in_progress');
      expect(await driveWhile(campaign.campaign_id, ['in_progress'], fleet)).toBe('completed');

      await expectEvents(
        campaign.campaign_id,
        [
          ['created', 'pending_approval'],
          ['approved', 'created'],
          ['started', 'in_progress'],
          ['stage_opened', 'in_progress'],
          ['paused', 'paused'],
          ['resumed', 'in_progress'],
          ['stage_opened', 'in_progress'],
          ['completed', 'completed'],
        ],
        notifications,
      );
      const stages = (await campaignEvents(campaign.campaign_id)).filter((event) => event.type === 'campaign.stage_opened');
      expect(stages.map((event) => event.data.stage)).toEqual([0, 1]);
    });

    it('create → reject', async () => {
      const notifications = { notify_on_start: true, notify_on_complete: false, notify_on_failure: true, notification_channels: ['pager'] };
      const { group, firmware } = await fleetWithFirmware(t, operator, 1);
      const campaign = await createCampaign(t, operator, campaignBody(firmware.firmware_id, { target_groups: [group], requires_approval: true, ...notifications }));
      const rejected = await act(t, approver, campaign.campaign_id, 'approve', { approved: false, approval_comment: 'not this week' });
      expect(rejected.status).toBe('rejected');
      await expectEvents(campaign.campaign_id, [['created', 'pending_approval'], ['rejected', 'rejected']], notifications);
      expect((await campaignEvents(campaign.campaign_id)).at(-1)?.data).toMatchObject({ reason: 'not this week', actor: 'admin-2' });
    });

    it('create → start → cancel', async () => {
      const notifications = { notify_on_start: false, notify_on_complete: false, notify_on_failure: false, notification_channels: ['email:night@example.com'] };
      const { group, firmware } = await fleetWithFirmware(t, operator, 2);
      const campaign = await createCampaign(t, operator, campaignBody(firmware.firmware_id, { target_groups: [group], batch_size: 1, ...notifications }));
      await act(t, operator, campaign.campaign_id, 'start');
      await tick(t, campaign.campaign_id, ORG);
      expect((await act(t, operator, campaign.campaign_id, 'cancel', { reason: 'bad build' })).status).toBe('cancelled');
      await expectEvents(campaign.campaign_id, [['created', 'created'], ['started', 'in_progress'], ['cancelled', 'cancelled']], notifications);
    });

    it('create → start → failed on its threshold → rolling_back → rolled_back', async () => {
      const notifications = { notify_on_start: false, notify_on_complete: true, notify_on_failure: false, notification_channels: ['slack:#ota-alerts', 'pager'] };
      const { group, model, fleet, firmware } = await fleetWithFirmware(t, operator, 4);
      // The devices' own image, for the rollback to go back to.
      await createFirmware(t, operator, { version: '1.4.2', device_model: model });
      const campaign = await createCampaign(t, operator, campaignBody(firmware.firmware_id, {
        target_groups: [group], auto_rollback: true, failure_threshold_percent: 20, min_failure_sample: 4, max_concurrent_updates: 10, ...notifications,
      }));
      await act(t, operator, campaign.campaign_id, 'start');
      await tick(t, campaign.campaign_id, ORG);
      const [failing] = fleet.devices;
      await fleet.work((device, update) => (update.kind === 'update' && device === failing ? 'failed' : 'completed'));
      expect(await driveWhile(campaign.campaign_id, ['in_progress', 'rolling_back'], fleet)).toBe('rolled_back');
      expect(await campaignRows(t, campaign.campaign_id, 'rollback')).toHaveLength(3);

      await expectEvents(
        campaign.campaign_id,
        [
          ['created', 'created'],
          ['started', 'in_progress'],
          ['failed', 'failed'],
          ['rolling_back', 'rolling_back'],
          ['rolled_back', 'rolled_back'],
        ],
        notifications,
      );
      expect((await campaignEvents(campaign.campaign_id)).find((event) => event.type === 'campaign.failed')?.data).toMatchObject({ failure_rate: 25, threshold_percent: 20 });
    });
  });

  describe('pause and cancel during a stage soak', () => {
    /** A started staged campaign (2 of 4 devices in stage 0, 30 min soak) whose stage 0 just finished. */
    async function soaking() {
      const { group, fleet, firmware } = await fleetWithFirmware(t, operator, 4);
      const campaign = await createCampaign(t, operator, campaignBody(firmware.firmware_id, {
        target_groups: [group], deployment_strategy: 'staged', stages: [50, 100], stage_soak_minutes: 30, batch_size: 10, max_concurrent_updates: 10,
      }));
      await act(t, operator, campaign.campaign_id, 'start');
      await tick(t, campaign.campaign_id, ORG);
      expect(await fleet.work()).toHaveLength(2);
      await tick(t, campaign.campaign_id, ORG);
      const stats = await campaignStats(t, operator, campaign.campaign_id);
      expect(stats.stages[0]).toMatchObject({ completed: 2 });
      expect(stats.stages[0].gate_opens_at).not.toBeNull();
      expect(stats.stages[1].opened_at).toBeNull();
      return { campaignId: campaign.campaign_id, fleet };
    }

    it('paused, the next stage stays shut after the soak passed; resumed, it opens', async () => {
      const { campaignId, fleet } = await soaking();
      expect((await act(t, operator, campaignId, 'pause')).status).toBe('paused');
      advanceClock(t, 31 * MINUTE);
      for (let i = 0; i < 3; i++) await tick(t, campaignId, ORG);
      expect(await released(campaignId)).toHaveLength(2);
      const paused = await getCampaign(t, operator, campaignId);
      expect(paused).toMatchObject({ status: 'paused', current_stage: 0 });
      expect((await campaignStats(t, operator, campaignId)).stages[1].opened_at).toBeNull();
      for (const device of fleet.devices) expect(await fleet.checkIn(device)).toBeNull();

      expect((await act(t, operator, campaignId, 'resume')).status).toBe('in_progress');
      await tick(t, campaignId, ORG);
      const opened = await released(campaignId);
      expect(opened).toHaveLength(4);
      expect(opened.filter((row) => row.campaign_stage === 1)).toHaveLength(2);
      expect((await getCampaign(t, operator, campaignId)).current_stage).toBe(1);
      expect(await driveWhile(campaignId, ['in_progress'], fleet)).toBe('completed');
    });

    it('cancelled, every unreleased row is cancelled and nothing goes out after the soak', async () => {
      const { campaignId, fleet } = await soaking();
      const cancelled = await act(t, operator, campaignId, 'cancel', { reason: 'stop during soak' });
      expect(cancelled).toMatchObject({ status: 'cancelled', completed_devices: 2, cancelled_devices: 2 });
      const rows = await campaignRows(t, campaignId);
      expect(rows.map((row) => [row.campaign_stage, row.status]).sort()).toEqual([[0, 'completed'], [0, 'completed'], [1, 'cancelled'], [1, 'cancelled']]);

      advanceClock(t, 31 * MINUTE);
      for (let i = 0; i < 3; i++) await tick(t, campaignId, ORG);
      expect((await getCampaign(t, operator, campaignId)).status).toBe('cancelled');
      expect((await campaignRows(t, campaignId)).map((row) => row.status).sort()).toEqual(['cancelled', 'cancelled', 'completed', 'completed']);
      const stageOne = new Set(rows.filter((row) => row.campaign_stage === 1).map((row) => row.device_id));
      for (const device of fleet.devices) {
        expect(await fleet.checkIn(device)).toBeNull();
        expect(await deviceCommandTypes(t, device.deviceId)).toEqual(stageOne.has(device.deviceId) ? [] : ['update_available']);
      }
    });
  });

  describe('blue-green phase 1', () => {
    /** A started blue-green campaign over 4 devices, every row released; `threshold` sets the switch share. */
    async function staging(threshold: number) {
      const { group, fleet, firmware } = await fleetWithFirmware(t, operator, 4);
      const campaign = await createCampaign(t, operator, campaignBody(firmware.firmware_id, {
        target_groups: [group], deployment_strategy: 'blue_green', failure_threshold_percent: threshold, batch_size: 10, max_concurrent_updates: 10,
      }));
      await act(t, operator, campaign.campaign_id, 'start');
      await tick(t, campaign.campaign_id, ORG);
      expect(await released(campaign.campaign_id)).toHaveLength(4);
      return { campaignId: campaign.campaign_id, fleet };
    }

    /** The listed devices stage the image (report up to `awaiting_activation`); the others do nothing. */
    const stage = (fleet: DeviceClient, devices: TestDevice[]) => fleet.work((device) => (devices.includes(device) ? 'stage' : 'ignore'));

    it('cancel: staged updates are cancelled, their devices told, their next check-in has none', async () => {
      const { campaignId, fleet } = await staging(20);
      const staged = fleet.devices.slice(0, 2);
      await stage(fleet, staged);
      const before = await campaignRows(t, campaignId);
      expect(before.filter((row) => row.status === 'awaiting_activation')).toHaveLength(2);

      const cancelled = await act(t, operator, campaignId, 'cancel');
      expect(cancelled).toMatchObject({ status: 'cancelled', activated_at: null });
      expect((await campaignRows(t, campaignId)).map((row) => row.status)).toEqual(['cancelled', 'cancelled', 'cancelled', 'cancelled']);
      for (const device of staged) {
        expect(await deviceCommandTypes(t, device.deviceId)).toEqual(['update_available', 'update_cancelled']);
        expect(await fleet.checkIn(device)).toBeNull();
      }
    });

    it('pause: no switch while paused even with the share staged; the switch happens after resume', async () => {
      // Threshold 50 %: two staged devices of four are enough to switch.
      const { campaignId, fleet } = await staging(50);
      const [first, second] = fleet.devices;
      await stage(fleet, [first]);
      await tick(t, campaignId, ORG);
      expect((await act(t, operator, campaignId, 'pause')).status).toBe('paused');
      // Updates with devices go on while paused: the second stages, and the share is reached.
      await stage(fleet, [second]);
      expect((await campaignRows(t, campaignId)).filter((row) => row.status === 'awaiting_activation')).toHaveLength(2);
      for (let i = 0; i < 3; i++) await tick(t, campaignId, ORG);
      const paused = await getCampaign(t, operator, campaignId);
      expect(paused).toMatchObject({ status: 'paused', activated_at: null });
      expect(paused.timeline.map((entry) => entry.event)).not.toContain('activated');
      for (const device of [first, second]) {
        expect(await fleet.checkIn(device)).toMatchObject({ activation: 'deferred' });
        expect(await deviceCommandTypes(t, device.deviceId)).toEqual(['update_available']);
      }

      expect((await act(t, operator, campaignId, 'resume')).status).toBe('in_progress');
      await tick(t, campaignId, ORG);
      expect((await getCampaign(t, operator, campaignId)).activated_at).not.toBeNull();
      for (const device of [first, second]) {
        expect(await fleet.checkIn(device)).toMatchObject({ activation: 'now' });
        expect(await deviceCommandTypes(t, device.deviceId)).toEqual(['update_available', 'activate']);
      }
    });
  });

  it('cancel of a campaign pending approval: cancelled, no rows, and it can no longer be approved', async () => {
    const { group, firmware } = await fleetWithFirmware(t, operator, 2);
    const campaign = await createCampaign(t, operator, campaignBody(firmware.firmware_id, { target_groups: [group], requires_approval: true }));
    expect(campaign.status).toBe('pending_approval');
    expect((await act(t, operator, campaign.campaign_id, 'cancel')).status).toBe('cancelled');
    expect(await campaignRows(t, campaign.campaign_id)).toEqual([]);
    const approve = await campaignAction(t, approver, campaign.campaign_id, 'approve', { approved: true });
    expect(approve.statusCode).toBe(409);
    expect(approve.json().code).toBe('campaign/invalid_transition');
    expect(await getCampaign(t, operator, campaign.campaign_id)).toMatchObject({ status: 'cancelled', approved: null });
  });
});
