import { randomBytes } from 'node:crypto';
import { ApiClient, DeviceApi, OperatorApi } from '../../src/cli/simulator/api-client';
import { RunStats } from '../../src/cli/simulator/run-stats';
import { type Outcome, SimulatedDevice } from '../../src/cli/simulator/simulated-device';
import { CampaignEventsStream } from '../../src/modules/campaigns/campaign-events.stream';
import { act, campaignBody, campaignStats, campaignUrl, createCampaign, DeviceClient, drive, fleetWithFirmware, getCampaign } from '../utils/campaign-factory';
import { ensureBuilt, type Replica, startReplica } from '../utils/replica-process';
import { openSse, type SseClient, type SseMessage } from '../utils/sse-client';
import { createTestApp, type TestApp } from '../utils/test-app';
import { bearer, hs256Token } from '../utils/tokens';
import { eventually, waitUntil } from '../utils/wait-for';

const ORG = 'org-sse';

/**
 * `GET /campaigns/{id}/events` over a real socket: every transition arrives once and in order,
 * from this replica or another one, a client resumes with `Last-Event-ID`, and a campaign nobody
 * watches any more is polled no more.
 */
describe('campaign progress as Server-Sent Events', () => {
  let t: TestApp;
  let baseUrl: string;
  let operatorToken: string;
  let operator: Record<string, string>;
  let viewer: Record<string, string>;
  const clients: SseClient[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    baseUrl = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
    operatorToken = await hs256Token({ sub: 'op-1', organization_id: ORG, role: 'operator' });
    operator = bearer(operatorToken);
    viewer = bearer(await hs256Token({ sub: 'viewer-1', organization_id: ORG, role: 'viewer' }));
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });
  afterAll(() => t.close());

  async function watch(campaignId: string, headers: Record<string, string> = viewer): Promise<SseClient> {
    const client = await openSse(`${baseUrl}${campaignUrl(campaignId, '/events')}`, headers);
    clients.push(client);
    return client;
  }

  /** `count` devices in a group of their own, a firmware for them, and a staged campaign [50, 100] of it. */
  async function stagedCampaign(count: number) {
    const { group, fleet, firmware } = await fleetWithFirmware(t, operator, count);
    const campaign = await createCampaign(t, operator, campaignBody(firmware.firmware_id, { target_groups: [group], deployment_strategy: 'staged', stages: [50, 100] }));
    return { fleet, campaign };
  }

  const transitions = (client: SseClient): SseMessage[] => client.messages.filter((message) => message.event === 'transition');
  const lastCounts = (client: SseClient) => client.messages.filter((message) => message.event === 'counts').at(-1)?.data;

  it('answers 404 for an unknown campaign and 401 without credentials, before any stream starts', async () => {
    const unknown = await openSse(`${baseUrl}${campaignUrl('0'.repeat(32), '/events')}`, viewer);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/application\/json/);
    expect(JSON.parse(unknown.body!)).toMatchObject({ code: 'campaign/not_found' });

    const anonymous = await openSse(`${baseUrl}${campaignUrl('0'.repeat(32), '/events')}`, {});
    expect(anonymous.status).toBe(401);
    const badId = await openSse(`${baseUrl}${campaignUrl('not-an-id', '/events')}`, viewer);
    expect(badId.status).toBe(422);
  });

  it('streams every transition of a campaign driven over the device API, in order, then the final counts', async () => {
    const { fleet, campaign } = await stagedCampaign(4);
    const client = await watch(campaign.campaign_id);
    expect(client.status).toBe(200);
    expect(client.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(client.headers.get('cache-control')).toBe('no-cache');
    expect(client.headers.get('x-request-id')).toBeTruthy();
    // The timeline so far comes first, then the counts.
    await eventually('the created transition and counts', () => {
      expect(transitions(client).map((message) => message.data.event)).toEqual(['created']);
      expect(lastCounts(client)).toMatchObject({ campaign_id: campaign.campaign_id, status: 'created' });
    });

    await act(t, operator, campaign.campaign_id, 'start');
    expect(await drive(t, operator, ORG, campaign.campaign_id, ['in_progress'], fleet)).toBe('completed');

    const timeline = (await getCampaign(t, operator, campaign.campaign_id)).timeline;
    expect(timeline.map((entry) => entry.event)).toEqual(['created', 'started', 'stage_opened', 'stage_opened', 'completed']);
    await eventually('every transition on the stream', () => expect(transitions(client)).toHaveLength(timeline.length));
    expect(transitions(client).map((message) => message.data)).toEqual(timeline.map((entry) => ({ campaign_id: campaign.campaign_id, ...entry })));
    const ids = transitions(client).map((message) => BigInt(message.id!));
    expect(ids.every((id, index) => index === 0 || id > ids[index - 1])).toBe(true);

    const stats = await campaignStats(t, operator, campaign.campaign_id);
    await eventually('the final counts', () => expect(lastCounts(client)).toEqual(stats));
    expect(stats).toMatchObject({ status: 'completed', progress_percentage: 100, successful_updates: 4 });
    // Counts are sent when they change, not every second: far fewer than the seconds the stream was open would allow.
    const counts = client.messages.filter((message) => message.event === 'counts').map((message) => JSON.stringify(message.data));
    expect(new Set(counts).size).toBe(counts.length);
  });

  it('resumes after Last-Event-ID, and stops polling a campaign once its last client left', async () => {
    const { fleet, campaign } = await stagedCampaign(2);
    await act(t, operator, campaign.campaign_id, 'start');
    expect(await drive(t, operator, ORG, campaign.campaign_id, ['in_progress'], fleet)).toBe('completed');

    const first = await watch(campaign.campaign_id);
    await eventually('the whole timeline', () => expect(transitions(first)).toHaveLength(5));
    const resumeAfter = transitions(first)[1];
    expect(resumeAfter.data.event).toBe('started');

    const resumed = await watch(campaign.campaign_id, { ...viewer, 'last-event-id': resumeAfter.id! });
    await eventually('the transitions after the resumed one', () => expect(transitions(resumed)).toHaveLength(3));
    expect(transitions(resumed).map((message) => message.id)).toEqual(transitions(first).slice(2).map((message) => message.id));
    expect(transitions(resumed).map((message) => message.data.event)).toEqual(['stage_opened', 'stage_opened', 'completed']);

    const stream = t.app.get(CampaignEventsStream);
    // Two clients of one campaign share one poller.
    expect(stream.watchedCampaigns).toBe(1);
    first.close();
    resumed.close();
    await waitUntil('no campaign polled', () => stream.watchedCampaigns === 0);
  });

  it('ends the stream when the token that opened it expires; a fresh token resumes it', async () => {
    const { campaign } = await stagedCampaign(1);
    const shortLived = bearer(await hs256Token({ sub: 'viewer-2', organization_id: ORG, role: 'viewer' }, { expiresIn: '3s' }));
    const client = await watch(campaign.campaign_id, shortLived);
    expect(client.status).toBe(200);
    await eventually('the created transition', () => expect(transitions(client)).toHaveLength(1));
    // Nothing else ends this stream (the campaign is not started, the client reads everything): the server closes it at the token's exp.
    await client.ended;
    const resumed = await openSse(`${baseUrl}${campaignUrl(campaign.campaign_id, '/events')}`, { ...viewer, 'last-event-id': transitions(client)[0].id! });
    clients.push(resumed);
    expect(resumed.status).toBe(200);
    await eventually('the counts after resuming', () => expect(lastCounts(resumed)).toMatchObject({ campaign_id: campaign.campaign_id }));
    expect(transitions(resumed)).toEqual([]);
  });

  describe('with another replica driving the campaign', () => {
    let replica: Replica;

    beforeAll(async () => {
      ensureBuilt();
      // The other process runs its scheduler; this one's is off, so every rollout step is the other's.
      replica = await startReplica(t.database.url, { SCHEDULER_TICK_MS: '200', LAST_SEEN_FLUSH_MS: '200', LOG_LEVEL: 'info' });
    }, 180_000);
    afterAll(() => replica?.stop());

    it('streams each transition the other replica makes', async () => {
      const { fleet, campaign } = await stagedCampaign(3);
      const client = await watch(campaign.campaign_id);
      await eventually('the created transition', () => expect(transitions(client).map((message) => message.data.event)).toEqual(['created']));

      const started = await fetch(`${replica.url}${campaignUrl(campaign.campaign_id, '/start')}`, { method: 'POST', headers: operator });
      expect(started.status).toBe(200);
      // The devices talk to the other replica too.
      await waitUntil(
        'the campaign completed on the other replica',
        async () => {
          for (const device of fleet.devices) await workThrough(replica, device);
          return (await getCampaign(t, operator, campaign.campaign_id)).status === 'completed';
        },
        { timeoutMs: 60_000, intervalMs: 100 },
      );

      const timeline = (await getCampaign(t, operator, campaign.campaign_id)).timeline;
      expect(timeline.map((entry) => entry.event)).toEqual(['created', 'started', 'stage_opened', 'stage_opened', 'completed']);
      expect(timeline.at(-1)).toMatchObject({ actor: 'scheduler' });
      await eventually('every transition on the stream', () => expect(transitions(client)).toHaveLength(timeline.length));
      expect(transitions(client).map((message) => message.data)).toEqual(timeline.map((entry) => ({ campaign_id: campaign.campaign_id, ...entry })));
      await eventually('the final counts', () => expect(lastCounts(client)).toMatchObject({ status: 'completed', successful_updates: 3 }));
    }, 90_000);

    it('streams every transition of a campaign with consent and a health window that the simulator works through', async () => {
      const group = 'sse-sim';
      const model = 'SSE-SIM';
      const api = new ApiClient(replica.url);
      // Uploaded through the other replica: its devices download from its storage.
      const firmware = await OperatorApi.withToken(api, operatorToken).uploadFirmware({ name: 'sim', version: '2.0.0', device_model: model }, randomBytes(4096));
      const fleet = await DeviceClient.register(t, operator, 4, { groups: [group], device_model: model, firmware_version: '1.0.0' });
      const campaign = await createCampaign(
        t,
        operator,
        campaignBody(firmware.firmware_id, { target_groups: [group], deployment_strategy: 'staged', stages: [50, 100], requires_device_confirmation: true, health_check_window_minutes: 5 }),
      );
      const client = await watch(campaign.campaign_id);
      await eventually('the created transition', () => expect(transitions(client).map((message) => message.data.event)).toEqual(['created']));

      const stats = new RunStats();
      const stop = new AbortController();
      // Every device refuses its update once, then consents; after completing, its check-in with the new version confirms its health.
      const behaviour = { failureRate: 0, refuseRate: 1, brickRate: 0, phaseDelayMs: 20, pollMs: 100, deadline: Date.now() + 80_000, origin: replica.url, stop: stop.signal };
      const outcomes = new Map<string, Outcome>();
      const devices = fleet.devices.map((device, index) => new SimulatedDevice(index, DeviceApi.withToken(api, device.deviceId, device.token), undefined, stats, behaviour, device.version, outcomes));
      const working = Promise.all(
        devices.map(async (device) => {
          await device.boot();
          await device.handleUpdates({ once: false, expectUpdate: true });
        }),
      );
      try {
        const started = await fetch(`${replica.url}${campaignUrl(campaign.campaign_id, '/start')}`, { method: 'POST', headers: operator });
        expect(started.status).toBe(200);
        await waitUntil('the campaign completed on the other replica', async () => (await getCampaign(t, operator, campaign.campaign_id)).status === 'completed', {
          timeoutMs: 75_000,
          intervalMs: 200,
        });
      } finally {
        stop.abort();
        await working;
      }
      expect(stats.errors).toEqual([]);
      expect({ refused: stats.consentRefused, given: stats.consentGiven, completed: stats.completed }).toEqual({ refused: 4, given: 4, completed: 4 });
      expect(devices.map((device) => device.version)).toEqual(['2.0.0', '2.0.0', '2.0.0', '2.0.0']);

      const timeline = (await getCampaign(t, operator, campaign.campaign_id)).timeline;
      expect(timeline.map((entry) => entry.event)).toEqual(['created', 'started', 'stage_opened', 'stage_opened', 'completed']);
      await eventually('every transition on the stream', () => expect(transitions(client)).toHaveLength(timeline.length));
      expect(transitions(client).map((message) => message.data)).toEqual(timeline.map((entry) => ({ campaign_id: campaign.campaign_id, ...entry })));
      // Completed only once every device confirmed its health: each success is a confirmed one.
      await eventually('the final counts', () =>
        expect(lastCounts(client)).toMatchObject({ status: 'completed', successful_updates: 4, counts: { completed: 4, health_pending: 0, health_check: 0 } }),
      );
    }, 100_000);

    /** One device's check-in at the other replica, and the whole update it is given, completed. */
    async function workThrough(target: Replica, device: DeviceClient['devices'][number]): Promise<void> {
      const base = `${target.url}/api/v1/device-api/devices/${encodeURIComponent(device.deviceId)}`;
      const headers = { authorization: `Device ${device.token}`, 'content-type': 'application/json' };
      const checkIn = await fetch(`${base}/check-in`, { method: 'POST', headers, body: JSON.stringify({ firmware_version: device.version }) });
      if (checkIn.status !== 200) throw new Error(`check-in answered ${checkIn.status}: ${await checkIn.text()}`);
      const { update } = (await checkIn.json()) as { update: { update_id: string; version: string } | null };
      if (update === null) return;
      for (const step of [{ status: 'downloading' }, { status: 'verifying' }, { status: 'installing' }, { status: 'rebooting' }, { status: 'completed', firmware_version: update.version }]) {
        const res = await fetch(`${base}/updates/${update.update_id}/status`, { method: 'POST', headers, body: JSON.stringify(step) });
        if (res.status !== 200) throw new Error(`report ${step.status} answered ${res.status}: ${await res.text()}`);
      }
      device.version = update.version;
    }
  });
});
