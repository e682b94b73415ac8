import type { IncomingMessage, ServerResponse } from 'node:http';
import { startHttpServer } from '../utils/http-server';
import { createTestApp, type TestApp } from '../utils/test-app';
import { bearer, hs256Token } from '../utils/tokens';
import { act, campaignBody, CAMPAIGNS_URL, campaignRows, createCampaign } from '../utils/campaign-factory';
import { createDevice } from '../utils/device-factory';
import { BULK_UPDATE_URL, createFirmware, requestUpdate, sql } from '../utils/update-factory';

const SERVICE_TOKEN = 'platform-device-service-token';

/**
 * Updates with a platform device service as the directory (DEVICE_SERVICE_URL): devices it knows
 * need not be in the built-in registry, devices it does not know are 404, and while it is down
 * nothing is decided on a guess: 503 device_directory/unavailable.
 */
describe('device updates against a remote device directory', () => {
  let t: TestApp;
  let operator: Record<string, string>;
  let firmware: { firmware_id: string; version: string } & Record<string, unknown>;
  let platform: Awaited<ReturnType<typeof startHttpServer>>;
  let up = true;
  const asked: { path: string; authorization?: string; organization?: string }[] = [];

  beforeAll(async () => {
    platform = await startHttpServer((request: IncomingMessage, response: ServerResponse) => {
      asked.push({ path: request.url ?? '', authorization: request.headers.authorization, organization: request.headers['x-organization-id'] as string });
      if (!up) return void response.writeHead(503).end();
      const id = decodeURIComponent((request.url ?? '').split('/').pop() ?? '');
      if (!id.startsWith('platform-')) return void response.writeHead(404).end();
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ device_id: id, current_version: '1.0.0', model: 'PLATFORM-1', hardware_version: '1.0' }));
    });
    t = await createTestApp({ env: { DEVICE_SERVICE_URL: platform.url, DEVICE_SERVICE_TOKEN: SERVICE_TOKEN, DEVICE_DIRECTORY_CACHE_SECONDS: '0' } });
    operator = bearer(await hs256Token({ sub: 'op-r', organization_id: 'org-remote', role: 'operator' }));
    firmware = await createFirmware(t, operator, { device_model: 'PLATFORM-1', version: '2.0.0' });
  });
  afterAll(async () => {
    await t.close();
    await platform.close();
  });
  beforeEach(() => {
    up = true;
  });

  it('updates a device only the platform knows, from the version the platform reports', async () => {
    const res = await requestUpdate(t, operator, 'platform-0001', { firmware_id: firmware.firmware_id });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ device_id: 'platform-0001', status: 'scheduled', from_version: '1.0.0', to_version: '2.0.0' });
    expect(asked.at(-1)).toEqual({ path: '/api/v1/devices/platform-0001', authorization: `Bearer ${SERVICE_TOKEN}`, organization: 'org-remote' });
  });

  it('answers 404 device/not_found for a device the platform does not know', async () => {
    const res = await requestUpdate(t, operator, 'unknown-0001', { firmware_id: firmware.firmware_id });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('device/not_found');
  });

  it('answers 503 device_directory/unavailable while the platform is down, and writes nothing', async () => {
    up = false;
    const single = await requestUpdate(t, operator, 'platform-0002', { firmware_id: firmware.firmware_id });
    expect(single.statusCode).toBe(503);
    expect(single.json().code).toBe('device_directory/unavailable');

    const bulk = await t.request({
      method: 'POST',
      url: BULK_UPDATE_URL,
      headers: operator,
      payload: { device_ids: ['platform-0003', 'platform-0004'], firmware_id: firmware.firmware_id },
    });
    expect(bulk.statusCode).toBe(503);
    expect(bulk.json().code).toBe('device_directory/unavailable');
    expect(await sql(t, "SELECT device_id FROM ota.device_updates WHERE device_id IN ('platform-0002', 'platform-0003', 'platform-0004')")).toEqual([]);

    up = true;
    const later = await requestUpdate(t, operator, 'platform-0002', { firmware_id: firmware.firmware_id });
    expect(later.statusCode).toBe(201);
  });

  it('a campaign looks its explicit devices up in the platform and selects its groups from the local mirror', async () => {
    await createDevice(t, operator, { device_id: 'mirrored-0001', device_model: 'PLATFORM-1', hardware_version: '1.0', firmware_version: '1.0.0', groups: ['mirror'] });
    // Named explicitly and in the mirror's group: selected once, with the platform's data.
    await createDevice(t, operator, { device_id: 'platform-0010', device_model: 'PLATFORM-1', hardware_version: '1.0', firmware_version: '0.1.0', groups: ['mirror'] });
    const body = campaignBody(firmware.firmware_id, { target_devices: ['platform-0010', 'platform-0011', 'unknown-0002'], target_groups: ['mirror'] });
    const campaign = await createCampaign(t, operator, body);
    expect(campaign.target_device_count).toBe(3);
    await act(t, operator, campaign.campaign_id, 'start');
    const rows = await campaignRows(t, campaign.campaign_id);
    expect(rows.map((row) => [row.device_id, row.from_version])).toEqual([
      ['mirrored-0001', '1.0.0'],
      ['platform-0010', '1.0.0'],
      ['platform-0011', '1.0.0'],
    ]);

    up = false;
    const down = await t.request({ method: 'POST', url: CAMPAIGNS_URL, headers: operator, payload: body });
    expect(down.statusCode).toBe(503);
    expect(down.json().code).toBe('device_directory/unavailable');
  });
});
