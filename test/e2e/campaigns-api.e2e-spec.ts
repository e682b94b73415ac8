import { createTestApp, type TestApp } from '../utils/test-app';
import { bearer, hs256Token } from '../utils/tokens';
import { act, campaignAction, campaignBody, CAMPAIGNS_URL, campaignStats, campaignUrl, createCampaign, DeviceClient, getCampaign, tick } from '../utils/campaign-factory';
import { createFirmware, outboxEvents } from '../utils/update-factory';

const ORG = 'org-campaign-api';

const CAMPAIGN_FIELDS = [
  'campaign_id', 'name', 'description', 'firmware_id', 'firmware', 'target_devices', 'target_groups', 'target_filters',
  'deployment_strategy', 'priority', 'rollout_percentage', 'max_concurrent_updates', 'batch_size', 'scheduled_start',
  'scheduled_end', 'timeout_minutes', 'auto_rollback', 'failure_threshold_percent', 'rollback_triggers', 'requires_approval',
  'notify_on_start', 'notify_on_complete', 'notify_on_failure', 'notification_channels', 'stages', 'stage_soak_minutes',
  'canary_percentage', 'canary_duration_minutes', 'max_retries', 'min_failure_sample', 'health_check_window_minutes', 'requires_device_confirmation', 'continuous', 'retry_of', 'status', 'target_device_count',
  'targeted_devices', 'targeted_groups', 'total_devices', 'already_on_target_version', 'pending_devices', 'in_progress_devices',
  'completed_devices', 'failed_devices', 'cancelled_devices', 'current_stage', 'stage_plan', 'activated_at', 'actual_start',
  'actual_end', 'approved', 'approved_by', 'approved_at', 'approval_comment', 'approval_conditions', 'created_by', 'created_at',
  'updated_at', 'timeline', 'maintenance_windows', 'default_time_zone', 'rollout_rate', 'next_window_at',
];

describe('campaign API', () => {
  let t: TestApp;
  let operator: Record<string, string>;
  let viewer: Record<string, string>;
  let admin: Record<string, string>;
  let otherOrg: Record<string, string>;
  let firmwareId: string;

  beforeAll(async () => {
    t = await createTestApp();
    operator = bearer(await hs256Token({ sub: 'op-1', organization_id: ORG, role: 'operator' }));
    viewer = bearer(await hs256Token({ sub: 'viewer-1', organization_id: ORG, role: 'viewer' }));
    admin = bearer(await hs256Token({ sub: 'admin-1', organization_id: ORG, role: 'admin' }));
    otherOrg = bearer(await hs256Token({ sub: 'op-2', organization_id: 'org-other', role: 'admin' }));
    await DeviceClient.register(t, operator, 4, { groups: ['fleet'] });
    await DeviceClient.register(t, operator, 1, { groups: ['fleet'], firmware_version: '2.0.0' });
    firmwareId = (await createFirmware(t, operator, { version: '2.0.0' })).firmware_id;
  });
  afterAll(() => t.close());

  it('stores and returns every field, counts what a start would select and plans its stages', async () => {
    const body = {
      name: 'Q4 rollout',
      description: 'frames to 2.0.0',
      firmware_id: firmwareId,
      target_groups: ['fleet'],
      target_filters: { device_type: 'smart_frame', firmware_version: '<2.0.0' },
      target_devices: ['no-such-device'],
      deployment_strategy: 'staged',
      priority: 'high',
      rollout_percentage: 100,
      max_concurrent_updates: 500_000,
      batch_size: 5_000,
      scheduled_start: '2030-01-01T00:00:00.000Z',
      scheduled_end: '2030-01-02T00:00:00.000Z',
      timeout_minutes: 30,
      auto_rollback: false,
      failure_threshold_percent: 12.5,
      rollback_triggers: ['failure_rate'],
      notify_on_start: false,
      notify_on_complete: true,
      notify_on_failure: true,
      notification_channels: ['ops-email', 'pager'],
      stages: [25, 100],
      stage_soak_minutes: 15,
      canary_percentage: 2,
      canary_duration_minutes: 30,
      max_retries: 2,
      min_failure_sample: 4,
      schedule_start: 'ignored unknown key',
    };
    const res = await t.request({ method: 'POST', url: CAMPAIGNS_URL, headers: operator, payload: body });
    expect(res.statusCode).toBe(201);
    const campaign = res.json();
    expect(Object.keys(campaign).sort()).toEqual([...CAMPAIGN_FIELDS].sort());
    const { schedule_start: _ignored, ...stored } = body;
    expect(campaign).toMatchObject({ ...stored, status: 'created', created_by: 'op-1', target_device_count: 4, targeted_groups: 1, targeted_devices: 1 });
    expect(campaign.firmware).toMatchObject({ firmware_id: firmwareId, version: '2.0.0' });
    expect(campaign.stage_plan).toEqual([
      { stage: 0, percentage: 25, devices: 1, status: 'pending', opened_at: null, finished_at: null },
      { stage: 1, percentage: 100, devices: 3, status: 'pending', opened_at: null, finished_at: null },
    ]);
    expect(campaign.timeline).toEqual([expect.objectContaining({ event: 'created', from_status: null, to_status: 'created', actor: 'op-1', actor_kind: 'user' })]);
    expect(await getCampaign(t, viewer, campaign.campaign_id)).toEqual(campaign);
    const [event] = await outboxEvents(t, 'campaign_id', campaign.campaign_id);
    expect(event).toMatchObject({ type: 'campaign.created', data: { notify_on_start: false, notify_on_complete: true, notification_channels: ['ops-email', 'pager'] } });
  });

  it('fills in the defaults', async () => {
    const campaign = await createCampaign(t, operator, { name: 'defaults', firmware_id: firmwareId, target_groups: ['fleet'] });
    expect(campaign).toMatchObject({
      deployment_strategy: 'staged',
      priority: 'normal',
      rollout_percentage: 100,
      max_concurrent_updates: 10,
      batch_size: 50,
      timeout_minutes: 60,
      auto_rollback: true,
      failure_threshold_percent: 20,
      rollback_triggers: ['failure_rate', 'timeout'],
      requires_approval: false,
      stages: [10, 50, 100],
      canary_percentage: 5,
      max_retries: 0,
      min_failure_sample: 10,
      description: null,
      target_filters: null,
    });
  });

  it.each([
    [{ name: '' }, 'name'],
    [{ name: 'x'.repeat(201) }, 'name'],
    [{ deployment_strategy: 'yolo' }, 'deployment_strategy'],
    [{ rollout_percentage: 0 }, 'rollout_percentage'],
    [{ rollout_percentage: 100.5 }, 'rollout_percentage'],
    [{ max_concurrent_updates: 1_000_001 }, 'max_concurrent_updates'],
    [{ batch_size: 10_001 }, 'batch_size'],
    [{ batch_size: 0 }, 'batch_size'],
    [{ timeout_minutes: 4 }, 'timeout_minutes'],
    [{ failure_threshold_percent: 0 }, 'failure_threshold_percent'],
    [{ rollback_triggers: ['sometimes'] }, 'rollback_triggers'],
    [{ stages: [50, 10, 100] }, 'stages'],
    [{ stages: [10, 50] }, 'stages'],
    [{ stages: [10, 10, 100] }, 'stages'],
    [{ stages: [10.5, 100] }, 'stages'],
    [{ deployment_strategy: 'scheduled' }, 'scheduled_start'],
    [{ scheduled_start: '2030-01-02T00:00:00Z', scheduled_end: '2030-01-01T00:00:00Z' }, 'scheduled_end'],
    [{ scheduled_start: 'tomorrow' }, 'scheduled_start'],
    [{ firmware_id: 'not-hex' }, 'firmware_id'],
    [{ target_filters: { colour: 'red' } }, 'target_filters'],
    [{ target_filters: { firmware_version: 'not a range' } }, 'target_filters'],
  ])('refuses %j with a 422 naming %s', async (change, field) => {
    const res = await t.request({ method: 'POST', url: CAMPAIGNS_URL, headers: operator, payload: campaignBody(firmwareId, change) });
    expect(res.statusCode).toBe(422);
    expect(JSON.stringify(res.json().errors)).toContain(field);
  });

  it('needs a target: 422 target/no_targets', async () => {
    const res = await t.request({ method: 'POST', url: CAMPAIGNS_URL, headers: operator, payload: { name: 'none', firmware_id: firmwareId, target_filters: {} } });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('target/no_targets');
    const invalid = await t.request({ method: 'POST', url: CAMPAIGNS_URL, headers: operator, payload: campaignBody(firmwareId, { target_filters: { colour: 'red' } }) });
    expect(invalid.json().code).toBe('target/invalid_filter');
  });

  it('needs a firmware of the organization: 404 firmware/not_found, and nothing is stored', async () => {
    const before = (await t.request({ method: 'GET', url: CAMPAIGNS_URL, headers: operator })).json().total;
    const res = await t.request({ method: 'POST', url: CAMPAIGNS_URL, headers: otherOrg, payload: campaignBody(firmwareId) });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('firmware/not_found');
    expect((await t.request({ method: 'GET', url: CAMPAIGNS_URL, headers: operator })).json().total).toBe(before);
  });

  it('lists with filters and the envelope, newest first, and scopes to the organization', async () => {
    const canary = await createCampaign(t, operator, campaignBody(firmwareId, { deployment_strategy: 'canary', priority: 'critical' }));
    const res = await t.request({ method: 'GET', url: `${CAMPAIGNS_URL}?deployment_strategy=canary&priority=critical&limit=5`, headers: viewer });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      limit: 5,
      offset: 0,
      filters: { status: null, priority: 'critical', deployment_strategy: 'canary', firmware_id: null },
    });
    expect(res.json().campaigns.map((campaign: { campaign_id: string }) => campaign.campaign_id)).toContain(canary.campaign_id);
    expect((await t.request({ method: 'GET', url: `${CAMPAIGNS_URL}?status=bogus`, headers: viewer })).statusCode).toBe(422);
    expect((await t.request({ method: 'GET', url: campaignUrl(canary.campaign_id), headers: otherOrg })).statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url: `${CAMPAIGNS_URL}`, headers: otherOrg })).json().total).toBe(0);
  });

  it('lets viewers read and only operators write', async () => {
    const campaign = await createCampaign(t, operator, campaignBody(firmwareId));
    expect((await t.request({ method: 'POST', url: CAMPAIGNS_URL, headers: viewer, payload: campaignBody(firmwareId) })).statusCode).toBe(403);
    expect((await campaignAction(t, viewer, campaign.campaign_id, 'start')).statusCode).toBe(403);
    expect((await t.request({ method: 'PATCH', url: campaignUrl(campaign.campaign_id), headers: viewer, payload: { name: 'x' } })).statusCode).toBe(403);
    expect((await t.request({ method: 'GET', url: campaignUrl(campaign.campaign_id, '/devices'), headers: viewer })).statusCode).toBe(200);
    expect((await t.request({ method: 'GET', url: `/api/v1/stats/campaigns/${campaign.campaign_id}`, headers: viewer })).statusCode).toBe(200);
    expect((await t.request({ method: 'GET', url: `/api/v1/ota/campaigns/${campaign.campaign_id}`, headers: viewer })).statusCode).toBe(200);
  });

  it('changes a campaign before its start, recounts its targets, and refuses after (409)', async () => {
    const campaign = await createCampaign(t, operator, campaignBody(firmwareId, { scheduled_end: '2031-01-01T00:00:00.000Z' }));
    const res = await t.request({
      method: 'PATCH',
      url: campaignUrl(campaign.campaign_id),
      headers: operator,
      payload: { name: 'renamed', batch_size: 7, rollout_percentage: 50, scheduled_end: null, description: 'now described' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ name: 'renamed', batch_size: 7, rollout_percentage: 50, scheduled_end: null, description: 'now described', status: 'created' });
    expect(res.json().target_device_count).toBeLessThanOrEqual(4);
    expect(res.json().timeline.map((entry: { event: string }) => entry.event)).toEqual(['created', 'updated']);
    const refused = await t.request({ method: 'PATCH', url: campaignUrl(campaign.campaign_id), headers: operator, payload: { batch_size: null } });
    expect(refused.statusCode).toBe(422);
    const badSchedule = await t.request({ method: 'PATCH', url: campaignUrl(campaign.campaign_id), headers: operator, payload: { scheduled_start: '2032-01-01T00:00:00Z', scheduled_end: '2031-01-01T00:00:00Z' } });
    expect(badSchedule.statusCode).toBe(422);

    await act(t, operator, campaign.campaign_id, 'start');
    const late = await t.request({ method: 'PATCH', url: campaignUrl(campaign.campaign_id), headers: operator, payload: { name: 'too late' } });
    expect(late.statusCode).toBe(409);
    expect(late.json()).toMatchObject({ code: 'campaign/invalid_transition' });
    // Half of a few devices may sample none, and a start with nothing to do completes at once.
    const { status } = (await t.request({ method: 'GET', url: campaignUrl(campaign.campaign_id), headers: operator })).json();
    expect(['in_progress', 'completed']).toContain(status);
    expect(late.json().detail).toContain(status);
  });

  describe('approval', () => {
    it('cannot start before approval; an admin other than the creator approves; a change needs approving again', async () => {
      const campaign = await createCampaign(t, admin, campaignBody(firmwareId, { requires_approval: true }));
      expect(campaign.status).toBe('pending_approval');
      const early = await campaignAction(t, admin, campaign.campaign_id, 'start');
      expect(early.statusCode).toBe(409);
      expect(early.json().code).toBe('campaign/approval_required');

      const self = await campaignAction(t, admin, campaign.campaign_id, 'approve', { approved: true });
      expect(self.statusCode).toBe(403);
      expect(self.json().code).toBe('campaign/self_approval');
      expect((await campaignAction(t, operator, campaign.campaign_id, 'approve', { approved: true })).statusCode).toBe(403);
      const otherAdmin = bearer(await hs256Token({ sub: 'admin-2', organization_id: ORG, role: 'admin' }));
      const mismatch = await campaignAction(t, otherAdmin, campaign.campaign_id, 'approve', { approved: true, campaign_id: 'f'.repeat(32) });
      expect(mismatch.statusCode).toBe(422);

      const approved = await act(t, otherAdmin, campaign.campaign_id, 'approve', {
        approved: true,
        approval_comment: 'looks good',
        conditions: { window: 'nights only' },
        campaign_id: campaign.campaign_id,
      });
      expect(approved).toMatchObject({ status: 'created', approved: true, approved_by: 'admin-2', approval_comment: 'looks good', approval_conditions: { window: 'nights only' } });
      expect((await campaignAction(t, otherAdmin, campaign.campaign_id, 'approve', { approved: true })).statusCode).toBe(409);

      const changed = await t.request({ method: 'PATCH', url: campaignUrl(campaign.campaign_id), headers: operator, payload: { batch_size: 3 } });
      expect(changed.json()).toMatchObject({ status: 'pending_approval', approved: null, approved_by: null });
      await act(t, otherAdmin, campaign.campaign_id, 'approve', { approved: true });
      expect((await act(t, operator, campaign.campaign_id, 'start')).status).toBe('in_progress');
      const events = (await outboxEvents(t, 'campaign_id', campaign.campaign_id)).map((event) => event.type);
      expect(events).toEqual(['campaign.created', 'campaign.approved', 'campaign.updated', 'campaign.approved', 'campaign.started']);
    });

    it('a rejection is for good', async () => {
      const campaign = await createCampaign(t, operator, campaignBody(firmwareId, { requires_approval: true }));
      const rejected = await act(t, admin, campaign.campaign_id, 'approve', { approved: false, approval_comment: 'not now' });
      expect(rejected).toMatchObject({ status: 'rejected', approved: false, approved_by: 'admin-1' });
      for (const action of ['start', 'approve', 'pause', 'cancel']) {
        const res = await campaignAction(t, admin, campaign.campaign_id, action, action === 'approve' ? { approved: true } : undefined);
        expect(res.statusCode).toBe(409);
        expect(res.json().detail).toContain('rejected');
      }
    });
  });

  it('answers 409 campaign/invalid_transition naming the status for an illegal move, and start is idempotent', async () => {
    const campaign = await createCampaign(t, operator, campaignBody(firmwareId));
    for (const action of ['pause', 'resume', 'rollback', 'advance']) {
      const res = await campaignAction(t, operator, campaign.campaign_id, action);
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({ code: 'campaign/invalid_transition' });
      expect(res.json().detail).toContain('created');
    }
    const started = await act(t, operator, campaign.campaign_id, 'start');
    const again = await act(t, operator, campaign.campaign_id, 'start');
    expect(again.status).toBe('in_progress');
    expect(again.timeline).toEqual(started.timeline);
    const noStage = await campaignAction(t, operator, campaign.campaign_id, 'advance');
    expect(noStage.statusCode).toBe(409);
    expect(noStage.json().code).toBe('campaign/no_next_stage');
    await act(t, operator, campaign.campaign_id, 'cancel', { reason: 'wrong image' });
    const cancelled = await campaignAction(t, operator, campaign.campaign_id, 'cancel');
    expect(cancelled.statusCode).toBe(409);
    expect(cancelled.json().detail).toContain('cancelled');
    expect((await campaignAction(t, operator, 'f'.repeat(32), 'start')).statusCode).toBe(404);
    expect((await campaignAction(t, operator, 'not-an-id', 'start')).statusCode).toBe(422);
  });

  it('a scheduled campaign waits, can be cancelled before it starts, and cannot be paused', async () => {
    const campaign = await createCampaign(t, operator, campaignBody(firmwareId, { deployment_strategy: 'scheduled', scheduled_start: '2031-06-01T00:00:00.000Z' }));
    expect(await act(t, operator, campaign.campaign_id, 'start')).toMatchObject({ status: 'scheduled', total_devices: null });
    expect((await act(t, operator, campaign.campaign_id, 'start')).status).toBe('scheduled');
    const pause = await campaignAction(t, operator, campaign.campaign_id, 'pause');
    expect(pause.statusCode).toBe(409);
    expect(pause.json().detail).toContain('scheduled');
    const cancelled = await act(t, operator, campaign.campaign_id, 'cancel', { reason: 'postponed' });
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelled_devices: 0 });
    expect(cancelled.timeline.map((entry) => entry.event)).toEqual(['created', 'scheduled', 'cancelled']);
  });

  it('lists its devices with their stage and status, filtered, and shows the original stats keys', async () => {
    const campaign = await createCampaign(t, operator, campaignBody(firmwareId, { deployment_strategy: 'staged', stages: [50, 100] }));
    await act(t, operator, campaign.campaign_id, 'start');
    const all = await t.request({ method: 'GET', url: campaignUrl(campaign.campaign_id, '/devices'), headers: viewer });
    expect(all.json()).toMatchObject({ total: 4, count: 4, filters: { status: null, stage: null, kind: null } });
    expect(all.json().devices[0]).toEqual({
      device_id: expect.any(String),
      stage: expect.any(Number),
      status: 'created',
      phase: 'created',
      update_id: expect.stringMatching(/^[0-9a-f]{32}$/),
      kind: 'update',
      from_version: '1.4.2',
      to_version: '2.0.0',
      error_code: null,
      updated_at: expect.any(String),
    });
    const stageOne = await t.request({ method: 'GET', url: campaignUrl(campaign.campaign_id, '/devices?stage=1&status=created'), headers: viewer });
    expect(stageOne.json().total).toBe(2);
    await tick(t, campaign.campaign_id, ORG);
    const stats = await campaignStats(t, viewer, campaign.campaign_id);
    for (const key of ['campaign_id', 'progress_percentage', 'successful_updates', 'failed_updates', 'pending_updates', 'avg_update_time', 'success_rate']) {
      expect(stats).toHaveProperty(key);
    }
    expect(stats).toMatchObject({ pending_updates: 2, already_on_target_version: 1, failure_rate: null, releases_per_minute: 2 });
    expect(stats.counts).toMatchObject({ created: 2, scheduled: 2 });
    expect(stats.stages).toEqual([
      expect.objectContaining({ stage: 0, percentage: 50, planned: 2, released: 2, in_flight: 2, completed: 0, failed: 0, gate_opens_at: null }),
      expect.objectContaining({ stage: 1, percentage: 100, planned: 2, released: 0, opened_at: null }),
    ]);
  });

  it('counts campaigns in the fleet stats and keeps their firmware from deletion until they finish', async () => {
    const firmware = await createFirmware(t, operator, { version: '3.0.0' });
    const campaign = await createCampaign(t, operator, campaignBody(firmware.firmware_id));
    const fleet = (await t.request({ method: 'GET', url: '/api/v1/stats', headers: viewer })).json();
    expect(fleet.total_campaigns).toBeGreaterThan(0);
    const refused = await t.request({ method: 'DELETE', url: `/api/v1/firmware/${firmware.firmware_id}`, headers: admin });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'firmware/in_use' });
    expect(refused.json().detail).toContain('campaign');
    await act(t, operator, campaign.campaign_id, 'cancel');
    expect((await t.request({ method: 'DELETE', url: `/api/v1/firmware/${firmware.firmware_id}`, headers: admin })).statusCode).toBe(200);
  });
});
