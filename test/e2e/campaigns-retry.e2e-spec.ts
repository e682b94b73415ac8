import { createTestApp, type TestApp } from '../utils/test-app';
import { bearer, hs256Token } from '../utils/tokens';
import { act, campaignAction, campaignBody, campaignRows, createCampaign, drive, fleetWithFirmware, getCampaign, tick } from '../utils/campaign-factory';
import { sql, updateTimeouts } from '../utils/update-factory';

const ORG = 'org-retry';

describe('retry of a finished campaign (POST /campaigns/{id}/retry)', () => {
  let t: TestApp;
  let operator: Record<string, string>;
  let viewer: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp();
    operator = bearer(await hs256Token({ sub: 'op-1', organization_id: ORG, role: 'operator' }));
    viewer = bearer(await hs256Token({ sub: 'viewer-1', organization_id: ORG, role: 'viewer' }));
  });
  afterAll(() => t.close());

  const fleetOf = (count: number) => fleetWithFirmware(t, operator, count);

  /** A campaign over 5 devices where 2 fail, 1 times out and 2 complete; the ids of the 3 that did not. */
  async function finishedWithFailures(overrides: Record<string, unknown> = {}) {
    const { group, fleet, firmware } = await fleetOf(5);
    const campaign = await createCampaign(
      t,
      operator,
      campaignBody(firmware.firmware_id, { target_groups: [group], failure_threshold_percent: 100, auto_rollback: false, batch_size: 5, max_concurrent_updates: 5, priority: 'high', timeout_minutes: 30, max_retries: 0, ...overrides }),
    );
    await act(t, operator, campaign.campaign_id, 'start');
    await tick(t, campaign.campaign_id, ORG);
    const ids = fleet.devices.map((device) => device.deviceId).sort();
    const [failA, failB, late] = ids;
    await fleet.work((device) => (device.deviceId === late ? 'ignore' : device.deviceId === failA || device.deviceId === failB ? 'failed' : 'completed'));
    const lateRow = (await campaignRows(t, campaign.campaign_id)).find((row) => row.device_id === late)!;
    await sql(t, `UPDATE ota.device_updates SET timeout_at = now() - interval '1 minute' WHERE update_id = $1`, [lateRow.update_id]);
    expect(await updateTimeouts(t).failTimedOut()).toBeGreaterThanOrEqual(1);
    expect(await drive(t, operator, ORG, campaign.campaign_id, ['in_progress'], fleet)).toBe('completed');
    return { campaign, fleet, failed: [failA, failB, late].sort(), firmware };
  }

  it('creates a campaign over the failed and timed-out devices only, with the same settings, linked to the original', async () => {
    const { campaign, failed, fleet } = await finishedWithFailures();
    const res = await campaignAction(t, operator, campaign.campaign_id, 'retry');
    expect(res.statusCode).toBe(201);
    const retry = res.json();
    expect(retry).toMatchObject({
      status: 'created',
      retry_of: campaign.campaign_id,
      name: `${campaign.name} (retry)`,
      firmware_id: campaign.firmware_id,
      target_devices: failed,
      target_groups: [],
      target_filters: null,
      target_device_count: 3,
      batch_size: 5,
      priority: 'high',
      timeout_minutes: 30,
      failure_threshold_percent: 100,
      auto_rollback: false,
      deployment_strategy: 'immediate',
      created_by: 'op-1',
    });
    expect(retry.campaign_id).not.toBe(campaign.campaign_id);
    expect(retry.timeline[0]).toMatchObject({ event: 'created', data: { retry_of: campaign.campaign_id, failed_devices: 3 } });
    const [audit] = await sql<{ action: string; summary: Record<string, unknown> }>(t, 'SELECT action, summary FROM ota.audit_events WHERE resource_id = $1', [retry.campaign_id]);
    expect(audit).toMatchObject({ action: 'campaign.created', summary: { retry_of: campaign.campaign_id } });

    // Started, it holds exactly those devices, and they can now succeed.
    const started = await act(t, operator, retry.campaign_id, 'start');
    expect(started.total_devices).toBe(3);
    expect((await campaignRows(t, retry.campaign_id)).map((row) => row.device_id)).toEqual(failed);
    expect(await drive(t, operator, ORG, retry.campaign_id, ['in_progress'], fleet)).toBe('completed');
    expect((await getCampaign(t, operator, retry.campaign_id)).completed_devices).toBe(3);
  });

  it('a retry of a campaign that required approval waits for approval; a long name is cut to fit', async () => {
    const { campaign } = await finishedWithFailures({ name: 'n'.repeat(200) });
    const retry = await campaignAction(t, operator, campaign.campaign_id, 'retry');
    expect(retry.statusCode).toBe(201);
    expect(retry.json().name).toBe(`${'n'.repeat(192)} (retry)`);

    await sql(t, 'UPDATE ota.campaigns SET requires_approval = true WHERE campaign_id = $1', [campaign.campaign_id]);
    const approval = await campaignAction(t, operator, campaign.campaign_id, 'retry');
    expect(approval.json()).toMatchObject({ status: 'pending_approval', requires_approval: true });
  });

  it('refuses an unfinished campaign (409), one where nothing failed (409), a viewer (403) and an unknown id (404), writing nothing', async () => {
    const { group, fleet, firmware } = await fleetOf(2);
    const campaign = await createCampaign(t, operator, campaignBody(firmware.firmware_id, { target_groups: [group] }));
    const before = await sql<{ count: number }>(t, 'SELECT count(*)::int AS count FROM ota.campaigns');

    const created = await campaignAction(t, operator, campaign.campaign_id, 'retry');
    expect(created.statusCode).toBe(409);
    expect(created.json()).toMatchObject({ code: 'campaign/invalid_transition' });
    await act(t, operator, campaign.campaign_id, 'start');
    expect((await campaignAction(t, operator, campaign.campaign_id, 'retry')).statusCode).toBe(409);

    expect(await drive(t, operator, ORG, campaign.campaign_id, ['in_progress'], fleet)).toBe('completed');
    const nothing = await campaignAction(t, operator, campaign.campaign_id, 'retry');
    expect(nothing.statusCode).toBe(409);
    expect(nothing.json()).toMatchObject({ code: 'campaign/nothing_to_retry' });

    expect((await campaignAction(t, viewer, campaign.campaign_id, 'retry')).statusCode).toBe(403);
    const unknown = await campaignAction(t, operator, 'f'.repeat(32), 'retry');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'campaign/not_found' });
    expect(await sql<{ count: number }>(t, 'SELECT count(*)::int AS count FROM ota.campaigns')).toEqual(before);
  });

  it('retries a cancelled campaign over the devices that had failed before the cancel', async () => {
    const { group, fleet, firmware } = await fleetOf(3);
    const campaign = await createCampaign(t, operator, campaignBody(firmware.firmware_id, { target_groups: [group], failure_threshold_percent: 100, batch_size: 1, max_concurrent_updates: 1 }));
    await act(t, operator, campaign.campaign_id, 'start');
    await tick(t, campaign.campaign_id, ORG);
    const [first] = await fleet.work(() => 'failed');
    await act(t, operator, campaign.campaign_id, 'cancel');
    const retry = await campaignAction(t, operator, campaign.campaign_id, 'retry');
    expect(retry.statusCode).toBe(201);
    expect(retry.json().target_devices).toEqual([first]);
  });
});
