import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOtaClient, type OtaClient } from '../../clients/typescript';
import { createTestApp, type TestApp } from '../utils/test-app';
import { bearer, hs256Token } from '../utils/tokens';
import { createFirmware } from '../utils/update-factory';

const ROOT = join(__dirname, '..', '..');
const GENERATOR = join(ROOT, 'clients', 'typescript', 'generate.mjs');
const ORG = 'org-typed-client';

function checkSchema(file?: string) {
  return spawnSync(process.execPath, [GENERATOR, '--check', ...(file === undefined ? [] : [file])], { cwd: ROOT, encoding: 'utf8' });
}

describe('typed TypeScript client (clients/typescript)', () => {
  it('is generated from the committed openapi/openapi.json (run `npm run client:generate` after `npm run openapi`)', () => {
    const current = checkSchema();
    expect({ status: current.status, stderr: current.stderr }).toEqual({ status: 0, stderr: '' });
    // And the check can fail: a schema with one field renamed is stale.
    const stale = join(mkdtempSync(join(tmpdir(), 'ota-client-')), 'schema.d.ts');
    writeFileSync(stale, readFileSync(join(ROOT, 'clients', 'typescript', 'schema.d.ts'), 'utf8').replace('campaign_id', 'campaign_ident'));
    const result = checkSchema(stale);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('stale');
  });

  describe('against the service', () => {
    let t: TestApp;
    let ota: OtaClient;
    let viewer: OtaClient;
    let firmwareId: string;

    beforeAll(async () => {
      t = await createTestApp();
      await t.app.listen(0, '127.0.0.1');
      const origin = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
      const operatorToken = await hs256Token({ sub: 'op-1', organization_id: ORG, role: 'operator' });
      ota = createOtaClient(origin, { bearer: operatorToken });
      viewer = createOtaClient(origin, { bearer: await hs256Token({ sub: 'viewer-1', organization_id: ORG, role: 'viewer' }) });
      firmwareId = (await createFirmware(t, bearer(operatorToken), { version: '2.0.0', device_model: 'TC-1' })).firmware_id as string;
    });
    afterAll(() => t.close());

    it('registers a device, creates, starts and pauses a campaign, and reads its stats with typed calls', async () => {
      const device = await ota.POST('/api/v1/devices', { body: { device_id: 'tc-0001', device_model: 'TC-1', firmware_version: '1.0.0', groups: ['typed'] } });
      expect(device.response.status).toBe(201);
      expect(device.data?.device_token).toEqual(expect.any(String));

      const created = await ota.POST('/api/v1/campaigns', { body: { name: 'typed', firmware_id: firmwareId, target_groups: ['typed'], deployment_strategy: 'immediate' } });
      expect(created.response.status).toBe(201);
      const campaignId = created.data!.campaign_id;
      expect(created.data).toMatchObject({ status: 'created', target_device_count: 1 });

      const started = await ota.POST('/api/v1/campaigns/{campaign_id}/start', { params: { path: { campaign_id: campaignId } } });
      expect(started.data?.status).toBe('in_progress');
      const paused = await ota.POST('/api/v1/campaigns/{campaign_id}/pause', { params: { path: { campaign_id: campaignId } }, body: { reason: 'typed pause' } });
      expect(paused.data?.status).toBe('paused');

      const stats = await viewer.GET('/api/v1/stats/campaigns/{campaign_id}', { params: { path: { campaign_id: campaignId } } });
      expect(stats.data).toMatchObject({ campaign_id: campaignId, status: 'paused' });
      const list = await viewer.GET('/api/v1/campaigns', { params: { query: { status: 'paused', limit: 5 } } });
      expect(list.data?.campaigns.map((campaign) => campaign.campaign_id)).toContain(campaignId);
    });

    it('answers errors in the contract\'s shape, typed', async () => {
      const missing = await viewer.GET('/api/v1/campaigns/{campaign_id}', { params: { path: { campaign_id: '0'.repeat(32) } } });
      expect(missing.response.status).toBe(404);
      expect(missing.error).toMatchObject({ code: 'campaign/not_found', detail: expect.any(String) });
      const forbidden = await viewer.POST('/api/v1/campaigns', { body: { name: 'no', firmware_id: firmwareId, target_groups: ['typed'] } });
      expect(forbidden.response.status).toBe(403);
    });
  });
});
