import { createHmac } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import type { IncomingHttpHeaders } from 'node:http';
import { hostname } from 'node:os';
import { isPrivateAddress, PRIVATE_ADDRESS_REFUSED } from '../../src/modules/webhooks/webhook-address';
import { NO_SECRET_ERROR, WebhookSender } from '../../src/modules/webhooks/webhook-sender';
import { act, campaignBody, campaignUrl, createCampaign, DeviceClient, getCampaign } from '../utils/campaign-factory';
import { startHttpServer } from '../utils/http-server';
import { createTestApp, type TestApp } from '../utils/test-app';
import { bearer, hs256Token } from '../utils/tokens';
import { createFirmware, sql } from '../utils/update-factory';
import { waitFor, waitUntil } from '../utils/wait-for';

const ORG = 'org-webhooks';
const SECRET_URL = '/api/v1/webhook-secret';
const DELIVERIES_URL = '/api/v1/webhook-deliveries';
const MAX_ATTEMPTS = 3;

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

type Headers = Record<string, string>;

/**
 * Campaign events POSTed to `webhook:` channels by the scheduler of a real app: signed with the
 * organization's secret, retried after a 500, given up after WEBHOOK_MAX_ATTEMPTS, logged; and
 * private addresses refused when WEBHOOK_ALLOW_PRIVATE is off.
 */
describe('webhooks', () => {
  let t: TestApp;
  let receiver: Awaited<ReturnType<typeof startHttpServer>>;
  const received: Received[] = [];
  let admin: Headers;
  let operator: Headers;
  let viewer: Headers;
  let run = 0;

  beforeAll(async () => {
    // `/flaky` answers 500 to the first attempt of each delivery, then 200; `/down` always 500.
    const seen = new Set<string>();
    receiver = await startHttpServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        const path = request.url ?? '';
        received.push({ path, headers: request.headers, body });
        const delivery = String(request.headers['x-ota-delivery']);
        const fail = path === '/down' || (path === '/flaky' && !seen.has(delivery));
        seen.add(delivery);
        response.statusCode = fail ? 500 : 204;
        response.end();
      });
    });
    t = await createTestApp({
      env: {
        WEBHOOK_ALLOW_PRIVATE: 'true',
        SCHEDULER_ENABLED: 'true',
        SCHEDULER_TICK_MS: '200',
        OUTBOX_RELAY_INTERVAL_MS: '100',
        WEBHOOK_RETRY_BASE_DELAY_MS: '200',
        WEBHOOK_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      },
    });
    admin = bearer(await hs256Token({ sub: 'admin-1', organization_id: ORG, role: 'admin' }));
    operator = bearer(await hs256Token({ sub: 'op-1', organization_id: ORG, role: 'operator' }));
    viewer = bearer(await hs256Token({ sub: 'viewer-1', organization_id: ORG, role: 'viewer' }));
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  /** A firmware of a model of its own: a campaign to a group without devices completes as soon as it starts. */
  async function emptyCampaign(headers: Headers, overrides: Record<string, unknown>) {
    run += 1;
    const firmware = await createFirmware(t, headers, { version: '2.0.0', device_model: `WH-${run}` });
    return createCampaign(t, headers, campaignBody(firmware.firmware_id, { target_groups: [`nobody-${run}`], ...overrides }));
  }

  const deliveries = async (query: string, headers: Headers = operator) => {
    const res = await t.request({ method: 'GET', url: `${DELIVERIES_URL}?${query}`, headers });
    if (res.statusCode !== 200) throw new Error(`listing deliveries answered ${res.statusCode}: ${res.body}`);
    return res.json();
  };
  const settled = (campaignId: string, count: number) =>
    waitFor(
      `${count} settled deliveries of ${campaignId}`,
      async () => (await deliveries(`campaign_id=${campaignId}`)).webhook_deliveries as Record<string, any>[],
      (rows) => rows.length === count && rows.every((row) => row.status !== 'pending'),
    );
  const sign = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

  it('creates and rotates the secret for admins only, shows it once, and audits it without the secret', async () => {
    expect((await t.request({ method: 'GET', url: SECRET_URL, headers: admin })).json()).toEqual({ configured: false, created_by: null, created_at: null });
    expect((await t.request({ method: 'POST', url: SECRET_URL, headers: operator })).statusCode).toBe(403);
    expect((await t.request({ method: 'GET', url: SECRET_URL, headers: operator })).statusCode).toBe(403);

    const first = await t.request({ method: 'POST', url: SECRET_URL, headers: admin });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toEqual({ secret: expect.stringMatching(/^whsec_[A-Za-z0-9_-]{43}$/), created_at: expect.any(String) });
    const second = await t.request({ method: 'POST', url: SECRET_URL, headers: admin });
    expect(second.json().secret).not.toBe(first.json().secret);

    const status = await t.request({ method: 'GET', url: SECRET_URL, headers: admin });
    expect(status.json()).toEqual({ configured: true, created_by: 'admin-1', created_at: second.json().created_at });
    expect(status.body).not.toContain(second.json().secret);

    const audited = await sql<{ action: string; summary: string }>(t, `SELECT action, summary::text FROM ota.audit_events WHERE organization_id = $1 AND resource_type = 'webhook_secret' ORDER BY created_at`, [ORG]);
    expect(audited.map((row) => row.action)).toEqual(['webhook_secret.created', 'webhook_secret.rotated']);
    for (const row of audited) {
      expect(row.summary).not.toContain(first.json().secret);
      expect(row.summary).not.toContain(second.json().secret);
    }
  });

  it('POSTs each notified event of a campaign driven by devices, signed, and delivers it again after a 500', async () => {
    const secret = (await t.request({ method: 'POST', url: SECRET_URL, headers: admin })).json().secret as string;
    run += 1;
    const group = `wh-fleet-${run}`;
    const model = `WHF-${run}`;
    const fleet = await DeviceClient.register(t, operator, 2, { groups: [group], device_model: model });
    const firmware = await createFirmware(t, operator, { version: '2.0.0', device_model: model });
    const url = `${receiver.url}/flaky`;
    const campaign = await createCampaign(
      t,
      operator,
      campaignBody(firmware.firmware_id, { target_groups: [group], notification_channels: [`webhook:${url}`, 'email:ops@example.com', `webhook:${url}`] }),
    );
    await act(t, operator, campaign.campaign_id, 'start');
    // The scheduler releases; the devices work until the campaign completes.
    await waitUntil('the campaign completed', async () => {
      await fleet.work();
      return (await getCampaign(t, operator, campaign.campaign_id)).status === 'completed';
    });

    const rows = await settled(campaign.campaign_id, 2);
    // One delivery per notified event (the duplicate channel adds none), newest first.
    expect(rows.map((row) => row.event_type)).toEqual(['campaign.completed', 'campaign.started']);
    for (const row of rows) {
      expect(row).toMatchObject({ status: 'delivered', attempts: 2, last_status_code: 204, last_error: null, url, campaign_id: campaign.campaign_id, next_attempt_at: null });
      expect(row.delivered_at).toEqual(expect.any(String));
      const requests = received.filter((request) => request.headers['x-ota-delivery'] === row.delivery_id);
      // Refused once with a 500, then delivered: the same body, signed the same way.
      expect(requests).toHaveLength(2);
      expect(requests[1].body).toBe(requests[0].body);
      for (const request of requests) {
        expect(request.headers['x-ota-signature']).toBe(sign(secret, request.body));
        expect(request.headers).toMatchObject({ 'content-type': 'application/json', 'x-ota-event': row.event_type });
        expect(Number(request.headers['x-ota-timestamp'])).toBeGreaterThan(Date.now() / 1000 - 600);
      }
      const envelope = JSON.parse(requests[0].body);
      expect(envelope).toMatchObject({ id: row.event_id, type: row.event_type, source: 'ota_service', version: '1.0.0', data: { campaign_id: campaign.campaign_id } });
      expect(envelope).toEqual(row.payload);
    }
    // A body signed with another secret would not verify.
    const [delivered] = received.filter((request) => request.headers['x-ota-delivery'] === rows[0].delivery_id);
    expect(delivered.headers['x-ota-signature']).not.toBe(sign(`${secret}x`, delivered.body));
  });

  it('sends only the events the notify flags ask for, and gives up after WEBHOOK_MAX_ATTEMPTS', async () => {
    const campaign = await emptyCampaign(operator, { notify_on_start: false, notification_channels: [`webhook:${receiver.url}/down`] });
    await act(t, operator, campaign.campaign_id, 'start');
    const [row] = await settled(campaign.campaign_id, 1);
    expect(row).toMatchObject({ event_type: 'campaign.completed', status: 'failed', attempts: MAX_ATTEMPTS, last_status_code: 500, last_error: 'HTTP 500', delivered_at: null });
    expect(received.filter((request) => request.headers['x-ota-delivery'] === row.delivery_id)).toHaveLength(MAX_ATTEMPTS);
  });

  it('fails the deliveries of an organization without a secret at once', async () => {
    const other = bearer(await hs256Token({ sub: 'op-2', organization_id: 'org-webhooks-nosecret', role: 'operator' }));
    const campaign = await emptyCampaign(other, { notification_channels: [`webhook:${receiver.url}/flaky`] });
    await act(t, other, campaign.campaign_id, 'start');
    const rows = await waitFor(
      'the failed deliveries',
      async () => (await deliveries(`campaign_id=${campaign.campaign_id}`, other)).webhook_deliveries as Record<string, any>[],
      (found) => found.length === 2 && found.every((row) => row.status === 'failed'),
    );
    for (const row of rows) expect(row).toMatchObject({ attempts: 1, last_error: NO_SECRET_ERROR, last_status_code: null });
    expect(received.filter((request) => rows.some((row) => row.delivery_id === request.headers['x-ota-delivery']))).toHaveLength(0);
    // Another organization's deliveries are not listed.
    expect((await deliveries(`campaign_id=${campaign.campaign_id}`)).total).toBe(0);
  });

  it('lists deliveries with filters and the list envelope, for operators', async () => {
    const all = await deliveries('limit=2');
    expect(all).toMatchObject({ limit: 2, offset: 0, count: 2, filters: { status: null, campaign_id: null, event_type: null } });
    expect(all.total).toBeGreaterThanOrEqual(3);
    const failed = await deliveries('status=failed&event_type=campaign.completed');
    expect(failed.webhook_deliveries.length).toBeGreaterThan(0);
    expect(failed.webhook_deliveries.every((row: Record<string, unknown>) => row.status === 'failed' && row.event_type === 'campaign.completed')).toBe(true);
    expect(failed.filters).toEqual({ status: 'failed', campaign_id: null, event_type: 'campaign.completed' });
    for (const query of ['status=sent', 'campaign_id=nope', 'limit=0']) {
      expect((await t.request({ method: 'GET', url: `${DELIVERIES_URL}?${query}`, headers: operator })).statusCode).toBe(422);
    }
    expect((await t.request({ method: 'GET', url: DELIVERIES_URL, headers: viewer })).statusCode).toBe(403);
  });

  describe('with WEBHOOK_ALLOW_PRIVATE off', () => {
    let strict: TestApp;

    beforeAll(async () => {
      // A database of its own, so the other app's sender never sees its deliveries.
      strict = await createTestApp();
    });
    afterAll(() => strict.close());

    it('refuses http and literal private addresses at create and change, leaving nothing written', async () => {
      const firmware = await createFirmware(strict, operator, { version: '2.0.0', device_model: 'WH-STRICT' });
      for (const channel of ['webhook:http://hooks.example.com/', 'webhook:https://127.0.0.1/hook', 'webhook:https://[::1]/', 'webhook:https://10.0.0.7/', 'webhook:https://localhost/', 'webhook:not a url']) {
        const res = await strict.request({ method: 'POST', url: '/api/v1/campaigns', headers: operator, payload: campaignBody(firmware.firmware_id, { notification_channels: ['slack:#ops', channel] }) });
        expect({ channel, status: res.statusCode, loc: res.json().errors?.[0]?.loc }).toEqual({ channel, status: 422, loc: ['body', 'notification_channels', 1] });
      }
      expect(await sql(strict, `SELECT 1 FROM ota.campaigns`)).toHaveLength(0);

      const campaign = await createCampaign(strict, operator, campaignBody(firmware.firmware_id, { notification_channels: ['webhook:https://hooks.example.com/ota'] }));
      const patch = await strict.request({ method: 'PATCH', url: campaignUrl(campaign.campaign_id), headers: operator, payload: { notification_channels: ['webhook:https://192.168.1.20/'] } });
      expect(patch.statusCode).toBe(422);
      expect((await getCampaign(strict, operator, campaign.campaign_id)).notification_channels).toEqual(['webhook:https://hooks.example.com/ota']);
    });

    it('fails a delivery to a name that resolves to a private address, without sending it', async () => {
      // This machine's own name resolves to one of its (private) addresses.
      const name = hostname();
      const addresses = await lookup(name, { all: true });
      expect(addresses.every((entry) => isPrivateAddress(entry.address))).toBe(true);
      await strict.request({ method: 'POST', url: SECRET_URL, headers: admin });
      const firmware = await createFirmware(strict, operator, { version: '2.0.0', device_model: 'WH-STRICT-2' });
      const port = new URL(receiver.url).port;
      const campaign = await createCampaign(strict, operator, campaignBody(firmware.firmware_id, { target_groups: ['nobody'], notification_channels: [`webhook:https://${name}:${port}/flaky`] }));
      await act(strict, operator, campaign.campaign_id, 'start');
      const before = received.length;
      // Its scheduler is off: the test sends what is due.
      expect(await strict.app.get(WebhookSender).sendDue()).toBe(2);
      const rows = (await (await strict.request({ method: 'GET', url: `${DELIVERIES_URL}?campaign_id=${campaign.campaign_id}`, headers: operator })).json()).webhook_deliveries;
      expect(rows).toHaveLength(2);
      for (const row of rows) expect(row).toMatchObject({ status: 'failed', attempts: 1, last_error: PRIVATE_ADDRESS_REFUSED, last_status_code: null });
      expect(received.length).toBe(before);
    });
  });
});
