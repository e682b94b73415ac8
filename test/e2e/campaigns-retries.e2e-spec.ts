import { createTestApp, type TestApp } from '../utils/test-app';
import { bearer, hs256Token } from '../utils/tokens';
import { expectData, typedClient } from '../utils/typed-client';
import {
  act,
  advanceClock,
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
import { createFirmware, deviceCommandTypes, sql, updateTimeouts, updateUrl } from '../utils/update-factory';

const ORG = 'org-retries';
const MINUTE = 60_000;
/** `UPDATE_RETRY_BASE_DELAY_MS`: the delay before a first automatic retry. */
const RETRY_DELAY_MS = 60_000;

/**
 * "Retries and timeouts respect the campaign: nothing of a paused, cancelled or failed campaign is
 * re-released." The scheduler is off in tests; `schedulerTick` does what its two timers do for
 * one campaign (time out, release retries outside campaigns, tick the rollout), so a retry going
 * out by any of these paths shows.
 */
describe('campaign automatic retries and timeouts follow the campaign status', () => {
  let t: TestApp;
  let operator: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp({ env: { UPDATE_RETRY_BASE_DELAY_MS: String(RETRY_DELAY_MS) } });
    operator = bearer(await hs256Token({ sub: 'op-1', organization_id: ORG, role: 'operator' }));
  });
  afterAll(() => t.close());

  /** Every `SCHEDULER_TICK_MS` on a replica with the scheduler on, for this campaign. */
  async function schedulerTick(campaignId: string): Promise<void> {
    await updateTimeouts(t).failTimedOut();
    await updateTimeouts(t).releaseDueRetries();
    await tick(t, campaignId, ORG);
  }

  /**
   * The retry delay passes. `next_retry_at` is stamped and compared with the database's `now()`,
   * while the rollout decides by the Clock: both move past it, so the retry is due whichever the
   * service reads. Returns how many retries were waiting (a dropped one has no `next_retry_at`).
   */
  async function retryDelayPasses(updateIds: string[]): Promise<number> {
    advanceClock(t, RETRY_DELAY_MS + MINUTE);
    const rows = await sql(
      t,
      `UPDATE ota.device_updates SET next_retry_at = now() - interval '1 second'
        WHERE update_id = ANY($1::text[]) AND next_retry_at IS NOT NULL RETURNING update_id`,
      [updateIds],
    );
    return rows.length;
  }

  /** `timeout_minutes` pass since the release, on both clocks (see {@link retryDelayPasses}). */
  async function timeoutPasses(updateId: string, timeoutMinutes: number): Promise<void> {
    advanceClock(t, (timeoutMinutes + 1) * MINUTE);
    await sql(t, `UPDATE ota.device_updates SET timeout_at = now() - interval '1 second' WHERE update_id = $1`, [updateId]);
  }

  function getUpdate(updateId: string) {
    return expectData('reading the update', typedClient(t, operator).GET('/api/v1/updates/{update_id}', { params: { path: { update_id: updateId } } }));
  }

  /** A started campaign (immediate, one automatic retry) over `count` new devices, its first batch released. */
  async function runningCampaign(count: number, overrides: Record<string, unknown> = {}) {
    const { group, model, fleet, firmware } = await fleetWithFirmware(t, operator, count);
    const campaign = await createCampaign(t, operator, campaignBody(firmware.firmware_id, { target_groups: [group], max_retries: 1, ...overrides }));
    expect(campaign.max_retries).toBe(1);
    await act(t, operator, campaign.campaign_id, 'start');
    await tick(t, campaign.campaign_id, ORG);
    const rows = await campaignRows(t, campaign.campaign_id);
    expect(rows.map((row) => row.status)).toEqual(Array(count).fill('scheduled'));
    const updateOf = (device: TestDevice) => rows.find((row) => row.device_id === device.deviceId)?.update_id as string;
    return { campaignId: campaign.campaign_id, model, fleet, devices: fleet.devices, updateOf };
  }

  /** `failing` report `failed` (after `downloading`), the others complete; `idle` devices do nothing. */
  function outcomes(failing: TestDevice[], idle: TestDevice[] = []) {
    return (device: TestDevice) => (idle.includes(device) ? 'ignore' : failing.includes(device) ? 'failed' : 'completed');
  }

  /** Nothing of the campaign goes out again: the row stays failed for good and the device hears of nothing new. */
  async function expectNeverReleasedAgain(campaignId: string, fleet: DeviceClient, device: TestDevice, updateId: string): Promise<void> {
    for (let round = 0; round < 3; round++) {
      await retryDelayPasses([updateId]);
      await schedulerTick(campaignId);
      expect(await fleet.checkIn(device)).toBeNull();
    }
    expect(await getUpdate(updateId)).toMatchObject({ status: 'failed', retry_count: 0, next_retry_at: null, error_code: 'install_failed' });
    expect(await deviceCommandTypes(t, device.deviceId)).toEqual(['update_available']);
    const active = await sql(t, `SELECT update_id FROM ota.device_updates WHERE device_id = $1 AND status NOT IN ('completed', 'failed', 'cancelled', 'rolled_back')`, [device.deviceId]);
    expect(active).toEqual([]);
  }

  it('in progress: a failed device update is released again (same row, retry_count 1) once its delay passed, then completes with the campaign', async () => {
    const { campaignId, fleet, devices, updateOf } = await runningCampaign(2);
    const [failing, healthy] = devices;
    const before = Date.now();
    expect(await fleet.work(outcomes([failing]))).toEqual([failing.deviceId, healthy.deviceId]);
    const after = Date.now();

    const failed = await getUpdate(updateOf(failing));
    expect(failed).toMatchObject({ status: 'failed', error_code: 'install_failed', retry_count: 0, max_retries: 1 });
    // Retry 1 waits UPDATE_RETRY_BASE_DELAY_MS after the failure.
    const due = Date.parse(failed.next_retry_at as string);
    expect(due).toBeGreaterThanOrEqual(before + RETRY_DELAY_MS);
    expect(due).toBeLessThanOrEqual(after + RETRY_DELAY_MS);

    // Not due yet: not released, and the campaign does not complete (a retry due is not finished).
    await schedulerTick(campaignId);
    expect(await getUpdate(updateOf(failing))).toMatchObject({ status: 'failed', retry_count: 0 });
    expect(await fleet.checkIn(failing)).toBeNull();
    expect(await getCampaign(t, operator, campaignId)).toMatchObject({ status: 'in_progress', completed_devices: 1, in_progress_devices: 1, failed_devices: 0 });
    expect((await campaignStats(t, operator, campaignId)).counts.retrying).toBe(1);

    expect(await retryDelayPasses([updateOf(failing)])).toBe(1);
    await schedulerTick(campaignId);
    const retried = await getUpdate(updateOf(failing));
    expect(retried).toMatchObject({ status: 'scheduled', retry_count: 1, next_retry_at: null, error_code: null, started_at: null, completed_at: null });
    expect(retried.timeline.at(-1)).toMatchObject({ status: 'scheduled', source: 'scheduler', detail: 'Automatic retry 1 of 1' });
    expect(await deviceCommandTypes(t, failing.deviceId)).toEqual(['update_available', 'update_available']);
    expect((await fleet.checkIn(failing))?.update_id).toBe(updateOf(failing));

    expect(await drive(t, operator, ORG, campaignId, ['in_progress'], fleet)).toBe('completed');
    expect(await getUpdate(updateOf(failing))).toMatchObject({ status: 'completed', retry_count: 1 });
    // The retry is the campaign's row itself: no new row for the device.
    expect((await campaignRows(t, campaignId)).map((row) => row.status)).toEqual(['completed', 'completed']);
    expect(await getCampaign(t, operator, campaignId)).toMatchObject({ completed_devices: 2, failed_devices: 0, in_progress_devices: 0 });
  });

  it('paused: a retry that falls due is held (not released by ticks, nor by hand) and goes out after resume', async () => {
    const { campaignId, fleet, devices, updateOf } = await runningCampaign(1);
    const [device] = devices;
    const updateId = updateOf(device);
    expect((await act(t, operator, campaignId, 'pause')).status).toBe('paused');
    await fleet.work(outcomes([device]));
    expect((await getUpdate(updateId)).next_retry_at).not.toBeNull();

    // A campaign's update is retried by its campaign, never by hand.
    const byHand = await t.request({ method: 'POST', url: updateUrl(updateId, '/retry'), headers: operator });
    expect(byHand.statusCode).toBe(409);
    expect(byHand.json().code).toBe('update/campaign_managed');

    for (let round = 0; round < 3; round++) {
      expect(await retryDelayPasses([updateId])).toBe(1);
      await schedulerTick(campaignId);
      expect(await fleet.checkIn(device)).toBeNull();
    }
    const held = await getUpdate(updateId);
    // Held, not dropped: the retry still waits for the resume.
    expect(held).toMatchObject({ status: 'failed', retry_count: 0, error_code: 'install_failed' });
    expect(held.next_retry_at).not.toBeNull();
    expect(await deviceCommandTypes(t, device.deviceId)).toEqual(['update_available']);
    expect(await getCampaign(t, operator, campaignId)).toMatchObject({ status: 'paused', in_progress_devices: 1, failed_devices: 0 });
    expect((await campaignStats(t, operator, campaignId)).counts.retrying).toBe(1);

    expect((await act(t, operator, campaignId, 'resume')).status).toBe('in_progress');
    await schedulerTick(campaignId);
    expect(await getUpdate(updateId)).toMatchObject({ status: 'scheduled', retry_count: 1, next_retry_at: null });
    expect(await deviceCommandTypes(t, device.deviceId)).toEqual(['update_available', 'update_available']);
    expect((await fleet.checkIn(device))?.update_id).toBe(updateId);
    expect(await drive(t, operator, ORG, campaignId, ['in_progress'], fleet)).toBe('completed');
    expect(await getUpdate(updateId)).toMatchObject({ status: 'completed', retry_count: 1 });
  });

  it('cancelled: a due retry fails for good and never goes out afterwards', async () => {
    const { campaignId, fleet, devices, updateOf } = await runningCampaign(2);
    const [failing, holding] = devices;
    await fleet.work(outcomes([failing], [holding]));
    // Due when the cancel comes: only the cancel stands between it and its release.
    expect(await retryDelayPasses([updateOf(failing)])).toBe(1);

    const cancelled = await act(t, operator, campaignId, 'cancel', { reason: 'bad build' });
    expect(cancelled).toMatchObject({ status: 'cancelled', in_progress_devices: 0, failed_devices: 1, cancelled_devices: 1 });
    // The failed row stays failed (a final status), its retry dropped; the released one is cancelled.
    expect(await getUpdate(updateOf(failing))).toMatchObject({ status: 'failed', retry_count: 0, next_retry_at: null });
    expect(await getUpdate(updateOf(holding))).toMatchObject({ status: 'cancelled' });

    await expectNeverReleasedAgain(campaignId, fleet, failing, updateOf(failing));
    expect(await fleet.checkIn(holding)).toBeNull();
    expect((await getCampaign(t, operator, campaignId)).status).toBe('cancelled');
  });

  it('failed on its threshold: a retry due at the tripping tick is dropped, not released, and never goes out afterwards', async () => {
    // Three devices: one fails twice (retries exhausted: a counted failure), one fails once and
    // waits for its retry, one completes. 1 failure of 2 finished trips 50 %.
    const { campaignId, fleet, devices, updateOf } = await runningCampaign(3, { failure_threshold_percent: 50, min_failure_sample: 2, auto_rollback: false });
    const [exhausted, waiting, healthy] = devices;
    await fleet.work(outcomes([exhausted, waiting]));
    await schedulerTick(campaignId);
    // Failures waiting for a retry are not finished: 1 finished (completed) is under the sample.
    expect((await getCampaign(t, operator, campaignId)).status).toBe('in_progress');

    // Only the first device's retry falls due; the second's still waits (database time).
    expect(await retryDelayPasses([updateOf(exhausted)])).toBe(1);
    await schedulerTick(campaignId);
    expect(await getUpdate(updateOf(exhausted))).toMatchObject({ status: 'scheduled', retry_count: 1 });
    expect(await getUpdate(updateOf(waiting))).toMatchObject({ status: 'failed', retry_count: 0 });
    await fleet.work(outcomes([exhausted], [waiting, healthy]));
    expect(await getUpdate(updateOf(exhausted))).toMatchObject({ status: 'failed', retry_count: 1, next_retry_at: null });

    // The second device's retry is due at the very tick that judges the threshold.
    expect(await retryDelayPasses([updateOf(waiting)])).toBe(1);
    await schedulerTick(campaignId);
    const failed = await getCampaign(t, operator, campaignId);
    expect(failed).toMatchObject({ status: 'failed', completed_devices: 1, failed_devices: 2, in_progress_devices: 0 });
    expect(failed.timeline.at(-1)).toMatchObject({ event: 'failed', actor: 'scheduler', data: { failures: 1, finished: 2, failure_rate: 50 } });
    expect(await getUpdate(updateOf(waiting))).toMatchObject({ status: 'failed', retry_count: 0, next_retry_at: null });

    await expectNeverReleasedAgain(campaignId, fleet, waiting, updateOf(waiting));
    expect((await getCampaign(t, operator, campaignId)).status).toBe('failed');
    expect(await campaignRows(t, campaignId, 'rollback')).toEqual([]);
  });

  it('rolled back: a waiting retry fails for good; only the rollback of the completed device goes out', async () => {
    const { campaignId, model, fleet, devices, updateOf } = await runningCampaign(2);
    const [failing, healthy] = devices;
    // The image the devices ran before, for the completed one to go back to.
    await createFirmware(t, operator, { version: healthy.version, device_model: model });
    await fleet.work(outcomes([failing]));
    expect(await retryDelayPasses([updateOf(failing)])).toBe(1);

    expect((await act(t, operator, campaignId, 'rollback', { reason: 'regression' })).status).toBe('rolling_back');
    expect(await getUpdate(updateOf(failing))).toMatchObject({ status: 'failed', retry_count: 0, next_retry_at: null });
    expect(await drive(t, operator, ORG, campaignId, ['rolling_back'], fleet)).toBe('rolled_back');
    expect((await campaignRows(t, campaignId, 'rollback')).map((row) => [row.device_id, row.status])).toEqual([[healthy.deviceId, 'completed']]);

    await expectNeverReleasedAgain(campaignId, fleet, failing, updateOf(failing));
  });

  describe('timeouts', () => {
    const TIMEOUT_MINUTES = 5;

    it('paused: a released update times out (counted, its retry waiting) but is not released again until the resume', async () => {
      const { campaignId, fleet, devices, updateOf } = await runningCampaign(1, { timeout_minutes: TIMEOUT_MINUTES });
      const [device] = devices;
      const updateId = updateOf(device);
      const update = await fleet.checkIn(device);
      expect(update?.update_id).toBe(updateId);
      expect((await fleet.report(device, updateId, { status: 'downloading' })).statusCode).toBe(200);
      expect((await act(t, operator, campaignId, 'pause')).status).toBe('paused');

      // Updates already with devices time out whatever their campaign's status.
      await timeoutPasses(updateId, TIMEOUT_MINUTES);
      await schedulerTick(campaignId);
      const timedOut = await getUpdate(updateId);
      expect(timedOut).toMatchObject({ status: 'failed', error_code: 'TIMEOUT', retry_count: 0 });
      expect(timedOut.next_retry_at).not.toBeNull();
      expect(timedOut.timeline.at(-1)).toMatchObject({ status: 'failed', source: 'scheduler' });
      // Counted as a failure waiting for its retry (not a final timeout), and not against the threshold.
      expect((await campaignStats(t, operator, campaignId)).counts).toMatchObject({ retrying: 1, timed_out: 0 });
      expect(await getCampaign(t, operator, campaignId)).toMatchObject({ status: 'paused', in_progress_devices: 1 });

      for (let round = 0; round < 3; round++) {
        expect(await retryDelayPasses([updateId])).toBe(1);
        await schedulerTick(campaignId);
        expect(await fleet.checkIn(device)).toBeNull();
      }
      expect(await getUpdate(updateId)).toMatchObject({ status: 'failed', error_code: 'TIMEOUT', retry_count: 0 });
      expect(await deviceCommandTypes(t, device.deviceId)).toEqual(['update_available']);
      expect((await getCampaign(t, operator, campaignId)).status).toBe('paused');

      expect((await act(t, operator, campaignId, 'resume')).status).toBe('in_progress');
      const released = Date.now();
      await schedulerTick(campaignId);
      const retried = await getUpdate(updateId);
      expect(retried).toMatchObject({ status: 'scheduled', retry_count: 1, error_code: null, next_retry_at: null });
      expect(retried.timeline.at(-1)).toMatchObject({ status: 'scheduled', source: 'scheduler', detail: 'Automatic retry 1 of 1' });
      // A new timeout from the release, in database time (which the test did not move).
      expect(Date.parse(retried.timeout_at as string)).toBeGreaterThan(released + (TIMEOUT_MINUTES - 1) * MINUTE);
      expect(await deviceCommandTypes(t, device.deviceId)).toEqual(['update_available', 'update_available']);
      expect(await drive(t, operator, ORG, campaignId, ['in_progress'], fleet)).toBe('completed');
      expect((await campaignStats(t, operator, campaignId)).counts).toMatchObject({ completed: 1, retrying: 0, timed_out: 0 });
    });
  });
});
