import { SchedulerRegistry } from '@nestjs/schedule';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { AuditService } from '../../src/modules/audit/audit.service';
import { campaignBody, campaignUrl, createCampaign } from '../utils/campaign-factory';
import { createDevice, DEVICE_IMPORT_URL, devicePayload, deviceUrl, registerDevice, uniqueDeviceId } from '../utils/device-factory';
import { ed25519Signer, firmwareBytes, firmwareMetadata, uploadFirmware } from '../utils/firmware-factory';
import { createTestApp, type TestApp } from '../utils/test-app';
import { apiKeyHeader, apiKeyRequest, bearer, hs256Token, internalServiceHeaders, TEST_INTERNAL_SECRET } from '../utils/tokens';
import { BULK_UPDATE_URL, createFirmware, createUpdate, requestUpdate, sql, updateUrl } from '../utils/update-factory';

const AUDIT_URL = '/api/v1/audit-events';
/** Every request of this file comes from this address, so the recorded one is not a default. */
const CLIENT_IP = '198.51.100.23';
const RETENTION_DAYS = 30;

interface AuditRow {
  id: string;
  organization_id: string;
  actor_kind: string;
  actor_id: string;
  actor_roles: string[];
  action: string;
  resource_type: string;
  resource_id: string | null;
  summary: Record<string, unknown>;
  request_id: string | null;
  client_ip: string | null;
  xmin: string;
}

type Headers = Record<string, string>;

describe('audit log', () => {
  let t: TestApp;
  /** The test app as a client at CLIENT_IP sees it; the factories take it like the app itself. */
  let client: TestApp;
  let operator: Headers;
  let admin: Headers;
  let secondAdmin: Headers;
  let viewer: Headers;

  beforeAll(async () => {
    t = await createTestApp({ env: { INTERNAL_SERVICE_SECRET: TEST_INTERNAL_SECRET, AUDIT_RETENTION_DAYS: String(RETENTION_DAYS) } });
    client = { ...t, request: (options: InjectOptions) => t.request({ remoteAddress: CLIENT_IP, ...options }) };
    operator = bearer(await hs256Token({ sub: 'op-a', organization_id: 'org-a', role: 'operator' }));
    admin = bearer(await hs256Token({ sub: 'admin-a', organization_id: 'org-a', role: 'admin' }));
    secondAdmin = bearer(await hs256Token({ sub: 'admin-a2', organization_id: 'org-a', role: 'admin' }));
    viewer = bearer(await hs256Token({ sub: 'viewer-a', organization_id: 'org-a', role: 'viewer' }));
  });
  afterAll(() => t.close());

  const call = (options: InjectOptions) => client.request(options);

  /** The audit rows of the request that got `res`, found by the `X-Request-Id` it answered with. */
  function auditRowsOf(res: LightMyRequestResponse): Promise<AuditRow[]> {
    return sql<AuditRow>(t, 'SELECT *, xmin::text AS xmin FROM ota.audit_events WHERE request_id = $1', [res.headers['x-request-id']]);
  }

  /**
   * The request answered `status` and left exactly one audit row, matching `expected`, with its
   * request id and the client's address, and one `audit.recorded` event written by the same transaction.
   */
  async function expectAudited(res: LightMyRequestResponse, status: number, expected: Partial<AuditRow>): Promise<AuditRow> {
    expect({ status: res.statusCode, body: res.statusCode === status ? null : res.body }).toEqual({ status, body: null });
    const rows = await auditRowsOf(res);
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(row).toMatchObject({ organization_id: 'org-a', request_id: res.headers['x-request-id'], client_ip: CLIENT_IP, ...expected });
    const events = await sql<{ xmin: string; data: Record<string, unknown> }>(
      t,
      "SELECT xmin::text AS xmin, envelope->'data' AS data FROM ota.outbox_events WHERE type = 'audit.recorded' AND envelope->'data'->>'audit_event_id' = $1",
      [row.id],
    );
    expect(events).toHaveLength(1);
    expect(events[0].xmin).toBe(row.xmin);
    expect(events[0].data).toMatchObject({ action: row.action, actor_id: row.actor_id, resource_id: row.resource_id, request_id: row.request_id, client_ip: CLIENT_IP });
    return row;
  }

  async function expectNotAudited(res: LightMyRequestResponse, status: number): Promise<void> {
    expect(res.statusCode).toBe(status);
    expect(await auditRowsOf(res)).toEqual([]);
  }

  const asUser = (id: string, roles: string[]) => ({ actor_kind: 'user', actor_id: id, actor_roles: roles });

  describe('writes', () => {
    it('firmware: an upload and a delete are recorded; an identical re-upload and a refused delete are not', async () => {
      const metadata = firmwareMetadata();
      const content = firmwareBytes(4096);
      const uploaded = await uploadFirmware(client, operator, { metadata, content });
      const firmwareId = uploaded.json().firmware_id;
      const row = await expectAudited(uploaded, 201, { ...asUser('op-a', ['operator']), action: 'firmware.uploaded', resource_type: 'firmware', resource_id: firmwareId });
      expect(row.summary).toMatchObject({ name: metadata.name, version: metadata.version, device_model: metadata.device_model, file_size: 4096 });

      await expectNotAudited(await uploadFirmware(client, operator, { metadata, content }), 200);
      // An unfinished update holds the firmware: its delete is refused (409).
      const device = await createDevice(client, operator);
      await createUpdate(client, operator, device.device_id, { firmware_id: firmwareId });
      await expectNotAudited(await call({ method: 'DELETE', url: `/api/v1/firmware/${firmwareId}`, headers: operator }), 409);

      const other = await createFirmware(client, operator);
      const deleted = await call({ method: 'DELETE', url: `/api/v1/firmware/${other.firmware_id}`, headers: operator });
      await expectAudited(deleted, 200, { action: 'firmware.deleted', resource_type: 'firmware', resource_id: other.firmware_id, summary: expect.objectContaining({ version: other.version }) });
    });

    it('signing keys: registration and deletion are recorded, a duplicate is not', async () => {
      const keyId = `key-${process.pid}`;
      const payload = { key_id: keyId, public_key: ed25519Signer().publicKeyPem, description: 'release key' };
      const created = await call({ method: 'POST', url: '/api/v1/signing-keys', headers: admin, payload });
      await expectAudited(created, 201, { ...asUser('admin-a', ['admin']), action: 'signing_key.registered', resource_type: 'signing_key', resource_id: keyId });
      await expectNotAudited(await call({ method: 'POST', url: '/api/v1/signing-keys', headers: admin, payload }), 409);
      const deleted = await call({ method: 'DELETE', url: `/api/v1/signing-keys/${keyId}`, headers: admin });
      await expectAudited(deleted, 200, { action: 'signing_key.deleted', resource_id: keyId });
    });

    it('devices: registration, update, token rotation, import and deletion are recorded, never a token', async () => {
      const payload = devicePayload();
      const deviceId = payload.device_id as string;
      const registered = await registerDevice(client, operator, payload);
      const row = await expectAudited(registered, 201, { action: 'device.registered', resource_type: 'device', resource_id: deviceId });
      expect(row.summary).toMatchObject({ device_id: deviceId, device_model: payload.device_model, groups: payload.groups });
      expect(JSON.stringify(row)).not.toContain(registered.json().device_token);

      await expectAudited(await registerDevice(client, operator, { device_id: deviceId, tags: ['again'] }), 200, { action: 'device.updated', resource_id: deviceId, summary: { device_id: deviceId, tags: ['again'] } });
      const patched = await call({ method: 'PATCH', url: deviceUrl(deviceId), headers: operator, payload: { groups: ['kitchen'] } });
      await expectAudited(patched, 200, { action: 'device.updated', resource_id: deviceId, summary: { groups: ['kitchen'] } });
      await expectNotAudited(await call({ method: 'PATCH', url: deviceUrl('no-such-device'), headers: operator, payload: { groups: ['x'] } }), 404);
      await expectNotAudited(await call({ method: 'PATCH', url: deviceUrl(deviceId), headers: operator, payload: { groups: 'not-a-list' } }), 422);

      const rotated = await call({ method: 'POST', url: deviceUrl(deviceId, '/token'), headers: operator });
      const rotation = await expectAudited(rotated, 200, { action: 'device.token_rotated', resource_id: deviceId, summary: {} });
      expect(JSON.stringify(rotation)).not.toContain(rotated.json().device_token);

      const imported = await call({ method: 'POST', url: DEVICE_IMPORT_URL, headers: operator, payload: [devicePayload(), devicePayload(), { device_id: '' }] });
      await expectAudited(imported, 200, { action: 'device.imported', resource_type: 'device', resource_id: null, summary: { created: 2, updated: 0, failed: 1 } });
      await expectNotAudited(await call({ method: 'POST', url: DEVICE_IMPORT_URL, headers: operator, payload: [{ device_id: '' }] }), 200);

      await expectAudited(await call({ method: 'DELETE', url: deviceUrl(deviceId), headers: operator }), 200, { action: 'device.deleted', resource_id: deviceId });
    });

    it('updates: a single update, a cancel, a retry, a bulk update and a device rollback are recorded; refused ones are not', async () => {
      const device = await createDevice(client, operator);
      const older = await createFirmware(client, operator);
      const firmware = await createFirmware(client, operator);
      const created = await requestUpdate(client, operator, device.device_id, { firmware_id: firmware.firmware_id, max_retries: 2 });
      const updateId = created.json().update_id;
      await expectAudited(created, 201, {
        action: 'update.created',
        resource_type: 'update',
        resource_id: updateId,
        summary: expect.objectContaining({ device_id: device.device_id, firmware_id: firmware.firmware_id, to_version: firmware.version }),
      });
      await expectNotAudited(await requestUpdate(client, operator, device.device_id, { firmware_id: firmware.firmware_id }), 409);

      await expectAudited(await call({ method: 'POST', url: updateUrl(updateId, '/cancel'), headers: operator }), 200, { action: 'update.cancelled', resource_id: updateId });
      await expectNotAudited(await call({ method: 'POST', url: updateUrl(updateId, '/cancel'), headers: operator }), 409);

      await sql(t, "UPDATE ota.device_updates SET status = 'failed' WHERE update_id = $1", [updateId]);
      const retried = await call({ method: 'POST', url: updateUrl(updateId, '/retry'), headers: operator });
      await expectAudited(retried, 200, { action: 'update.retried', resource_id: updateId, summary: expect.objectContaining({ retry_count: 1, max_retries: 2 }) });

      const fleet = [await createDevice(client, operator), await createDevice(client, operator)];
      const bulk = await call({ method: 'POST', url: BULK_UPDATE_URL, headers: operator, payload: { firmware_id: firmware.firmware_id, device_ids: [...fleet.map((d) => d.device_id), 'no-such-device'] } });
      await expectAudited(bulk, 200, {
        action: 'update.bulk_created',
        resource_type: 'update',
        resource_id: null,
        summary: expect.objectContaining({ firmware_id: firmware.firmware_id, requested: 3, created: 2, device_ids: expect.arrayContaining(fleet.map((d) => d.device_id)) }),
      });

      const rollback = await call({ method: 'POST', url: deviceUrl(fleet[0].device_id, '/rollback'), headers: operator, payload: { to_version: older.version, reason: 'bad build' } });
      await expectAudited(rollback, 201, {
        action: 'rollback.initiated',
        resource_type: 'rollback',
        resource_id: rollback.json().rollback_id,
        summary: expect.objectContaining({ device_id: fleet[0].device_id, to_version: older.version, reason: 'bad build' }),
      });
      await expectNotAudited(await call({ method: 'POST', url: deviceUrl(fleet[0].device_id, '/rollback'), headers: operator, payload: { to_version: '0.0.0-none' } }), 404);
    });

    it('campaigns: creation, changes and every action are recorded; no-ops and refusals are not', async () => {
      const group = `fleet-${process.pid}`;
      const firmware = await createFirmware(client, operator);
      for (let i = 0; i < 3; i += 1) await createDevice(client, operator, { groups: [group] });
      const created = await call({ method: 'POST', url: '/api/v1/campaigns', headers: operator, payload: campaignBody(firmware.firmware_id, { target_groups: [group], deployment_strategy: 'staged' }) });
      const campaignId = created.json().campaign_id;
      await expectAudited(created, 201, {
        ...asUser('op-a', ['operator']),
        action: 'campaign.created',
        resource_type: 'campaign',
        resource_id: campaignId,
        summary: expect.objectContaining({ firmware_id: firmware.firmware_id, deployment_strategy: 'staged', status: 'created', target_device_count: 3 }),
      });
      await expectNotAudited(await call({ method: 'POST', url: '/api/v1/campaigns', headers: operator, payload: campaignBody(firmware.firmware_id, { target_groups: [] }) }), 422);

      const patched = await call({ method: 'PATCH', url: campaignUrl(campaignId), headers: operator, payload: { description: 'tonight', batch_size: 5 } });
      await expectAudited(patched, 200, { action: 'campaign.updated', resource_id: campaignId, summary: { description: 'tonight', batch_size: 5 } });

      const action = (name: string, payload?: object, headers = operator) =>
        call({ method: 'POST', url: campaignUrl(campaignId, `/${name}`), headers, ...(payload ? { payload } : {}) });
      await expectAudited(await action('start'), 200, { action: 'campaign.started', summary: { previous_status: 'created', status: 'in_progress' } });
      await expectNotAudited(await action('start'), 200);
      await expectAudited(await action('advance'), 200, { action: 'campaign.advanced', summary: { previous_status: 'in_progress', status: 'in_progress', open_stage: 1 } });
      await expectAudited(await action('pause', { reason: 'night' }), 200, { action: 'campaign.paused', summary: { previous_status: 'in_progress', status: 'paused', reason: 'night' } });
      await expectNotAudited(await action('pause'), 200);
      await expectAudited(await action('resume'), 200, { action: 'campaign.resumed', summary: { previous_status: 'paused', status: 'in_progress' } });
      await expectAudited(await action('rollback', { reason: 'crashes' }), 200, { action: 'campaign.rolled_back', resource_id: campaignId, summary: expect.objectContaining({ reason: 'crashes' }) });
      await expectNotAudited(await action('cancel', undefined, viewer), 403);

      const gated = await createCampaign(client, admin, campaignBody(firmware.firmware_id, { target_groups: [group], requires_approval: true }));
      const approve = (headers: Headers) => call({ method: 'POST', url: campaignUrl(gated.campaign_id, '/approve'), headers, payload: { approved: true, approval_comment: 'ok' } });
      await expectNotAudited(await approve(admin), 403);
      await expectAudited(await approve(secondAdmin), 200, {
        ...asUser('admin-a2', ['admin']),
        action: 'campaign.approved',
        resource_id: gated.campaign_id,
        summary: { previous_status: 'pending_approval', status: 'created', approved: true, approval_comment: 'ok' },
      });
      const cancelled = await call({ method: 'POST', url: campaignUrl(gated.campaign_id, '/cancel'), headers: operator, payload: { reason: 'not needed' } });
      await expectAudited(cancelled, 200, { action: 'campaign.cancelled', summary: { previous_status: 'created', status: 'cancelled', reason: 'not needed' } });

      const rejected = await createCampaign(client, operator, campaignBody(firmware.firmware_id, { target_groups: [group], requires_approval: true }));
      const rejection = await call({ method: 'POST', url: campaignUrl(rejected.campaign_id, '/approve'), headers: admin, payload: { approved: false } });
      await expectAudited(rejection, 200, { action: 'campaign.rejected', summary: { previous_status: 'pending_approval', status: 'rejected', approved: false } });
    });

    it('API keys: creation and revocation are recorded without the secret, and a key is the actor of its writes', async () => {
      const created = await call({ method: 'POST', url: '/api/v1/api-keys', headers: admin, payload: apiKeyRequest({ name: 'ci', role: 'operator' }) });
      const key = created.json();
      const row = await expectAudited(created, 201, { ...asUser('admin-a', ['admin']), action: 'api_key.created', resource_type: 'api_key', resource_id: key.id });
      expect(row.summary).toMatchObject({ name: 'ci', role: 'operator', prefix: key.prefix });
      expect(JSON.stringify(row)).not.toContain(key.key);

      const byKey = await registerDevice(client, apiKeyHeader(key.key));
      await expectAudited(byKey, 201, { actor_kind: 'api_key', actor_id: key.id, actor_roles: ['operator'], action: 'device.registered' });

      await expectAudited(await call({ method: 'DELETE', url: `/api/v1/api-keys/${key.id}`, headers: admin }), 200, { action: 'api_key.revoked', resource_id: key.id });
      await expectNotAudited(await call({ method: 'DELETE', url: `/api/v1/api-keys/${key.id}`, headers: admin }), 200);
    });

    it('a service calling with the internal secret is the actor of its writes', async () => {
      const headers = { ...internalServiceHeaders(TEST_INTERNAL_SECRET, { organizationId: 'org-a' }), 'x-service-name': 'fleet-manager' };
      await expectAudited(await registerDevice(client, headers), 201, { actor_kind: 'service', actor_id: 'fleet-manager', actor_roles: ['service'], action: 'device.registered' });
    });

    it('reads, including POST /targets/preview, are not recorded', async () => {
      const firmware = await createFirmware(client, operator);
      await expectNotAudited(await call({ method: 'POST', url: '/api/v1/targets/preview', headers: viewer, payload: { firmware_id: firmware.firmware_id, target_groups: ['any'] } }), 200);
      await expectNotAudited(await call({ method: 'GET', url: '/api/v1/devices', headers: viewer }), 200);
    });

    it('writes the audit row in the transaction of the change it records', async () => {
      const firmware = await createFirmware(client, operator);
      const created = await call({ method: 'POST', url: '/api/v1/campaigns', headers: operator, payload: campaignBody(firmware.firmware_id) });
      const row = await expectAudited(created, 201, { action: 'campaign.created' });
      const [campaign] = await sql<{ xmin: string }>(t, 'SELECT xmin::text AS xmin FROM ota.campaigns WHERE campaign_id = $1', [created.json().campaign_id]);
      expect(campaign.xmin).toBe(row.xmin);

      const deviceId = (await createDevice(client, operator)).device_id;
      const patched = await expectAudited(await call({ method: 'PATCH', url: deviceUrl(deviceId), headers: operator, payload: { tags: ['t'] } }), 200, { action: 'device.updated' });
      const [device] = await sql<{ xmin: string }>(t, 'SELECT xmin::text AS xmin FROM ota.devices WHERE device_id = $1', [deviceId]);
      expect(device.xmin).toBe(patched.xmin);
    });
  });

  describe('GET /api/v1/audit-events', () => {
    let listAdmin: Headers;
    let listOperator: Headers;
    let otherAdmin: Headers;
    let campaignId: string;

    beforeAll(async () => {
      listAdmin = bearer(await hs256Token({ sub: 'admin-l', organization_id: 'org-l', role: 'admin' }));
      listOperator = bearer(await hs256Token({ sub: 'op-l', organization_id: 'org-l', role: 'operator' }));
      otherAdmin = bearer(await hs256Token({ sub: 'admin-m', organization_id: 'org-m', role: 'admin' }));
      const firmware = await createFirmware(client, listOperator);
      await createDevice(client, listOperator, { groups: ['fleet'] });
      campaignId = (await createCampaign(client, listOperator, campaignBody(firmware.firmware_id))).campaign_id;
      const writes: InjectOptions[] = [
        { method: 'PATCH', url: campaignUrl(campaignId), headers: listAdmin, payload: { description: 'by the admin' } },
        { method: 'POST', url: campaignUrl(campaignId, '/start'), headers: listOperator },
        { method: 'POST', url: campaignUrl(campaignId, '/pause'), headers: listOperator },
      ];
      for (const write of writes) expect((await call(write)).statusCode).toBe(200);
      await createDevice(client, otherAdmin);
    });

    const list = (headers: Headers, query = '', prefix = '/api/v1') => call({ method: 'GET', url: `${prefix}/audit-events${query}`, headers });
    const actions = (res: LightMyRequestResponse) => res.json().audit_events.map((event: { action: string }) => event.action);

    it('is for admins: 401 without credentials, 403 for viewers and operators', async () => {
      expect((await call({ method: 'GET', url: AUDIT_URL })).statusCode).toBe(401);
      expect((await list(viewer)).statusCode).toBe(403);
      expect((await list(listOperator)).statusCode).toBe(403);
      expect((await list(listAdmin)).statusCode).toBe(200);
    });

    it("lists the caller's organization only, newest first, in the list envelope", async () => {
      const res = await list(listAdmin);
      const body = res.json();
      expect(Object.keys(body).sort()).toEqual(['audit_events', 'count', 'filters', 'limit', 'offset', 'total']);
      expect(body).toMatchObject({ limit: 50, offset: 0, count: 6, total: 6 });
      expect(body.filters).toEqual({ actor_id: null, resource_type: null, resource_id: null, action: null, from: null, to: null });
      expect(actions(res)).toEqual(['campaign.paused', 'campaign.started', 'campaign.updated', 'campaign.created', 'device.registered', 'firmware.uploaded']);
      expect(body.audit_events.every((event: { organization_id: string }) => event.organization_id === 'org-l')).toBe(true);
      expect(body.audit_events[2]).toEqual({
        audit_event_id: expect.any(String),
        organization_id: 'org-l',
        actor_kind: 'user',
        actor_id: 'admin-l',
        actor_roles: ['admin'],
        action: 'campaign.updated',
        resource_type: 'campaign',
        resource_id: campaignId,
        summary: { description: 'by the admin' },
        request_id: expect.any(String),
        client_ip: CLIENT_IP,
        created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      });

      const other = await list(otherAdmin);
      expect(actions(other)).toEqual(['device.registered']);
    });

    it('pages without overlap', async () => {
      const first = (await list(listAdmin, '?limit=2')).json();
      const second = (await list(listAdmin, '?limit=2&offset=2')).json();
      expect(first).toMatchObject({ count: 2, total: 6 });
      const ids = [...first.audit_events, ...second.audit_events].map((event: { audit_event_id: string }) => event.audit_event_id);
      expect(new Set(ids).size).toBe(4);
    });

    it('filters by actor, resource, action and time', async () => {
      expect(actions(await list(listAdmin, '?actor_id=admin-l'))).toEqual(['campaign.updated']);
      expect(actions(await list(listAdmin, `?resource_type=campaign&resource_id=${campaignId}`))).toEqual(['campaign.paused', 'campaign.started', 'campaign.updated', 'campaign.created']);
      expect(actions(await list(listAdmin, '?resource_type=device'))).toEqual(['device.registered']);
      const paused = await list(listAdmin, '?action=campaign.paused');
      expect(actions(paused)).toEqual(['campaign.paused']);
      expect(paused.json().filters).toMatchObject({ action: 'campaign.paused' });

      const [{ created_at: createdAt }] = await sql<{ created_at: Date }>(t, "SELECT created_at FROM ota.audit_events WHERE organization_id = 'org-l' AND action = 'campaign.paused'");
      const at = createdAt.toISOString();
      expect(actions(await list(listAdmin, `?from=${at}&action=campaign.paused`))).toEqual(['campaign.paused']);
      expect(actions(await list(listAdmin, `?to=${at}&action=campaign.paused`))).toEqual([]);
      const future = new Date(Date.now() + 3_600_000).toISOString();
      expect((await list(listAdmin, `?from=${future}`)).json()).toMatchObject({ count: 0, total: 0, filters: { from: future } });
    });

    it('refuses bad filters with 422', async () => {
      for (const query of ['?from=yesterday', '?to=2026-13-01T00:00:00Z', '?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', '?limit=0', `?action=${'a'.repeat(101)}`]) {
        const res = await list(listAdmin, query);
        expect({ query, status: res.statusCode }).toEqual({ query, status: 422 });
        expect(res.json()).toMatchObject({ code: expect.any(String), detail: expect.any(String), request_id: expect.any(String) });
      }
    });

    it('answers under the /api/v1/ota alias too', async () => {
      const res = await list(listAdmin, '', '/api/v1/ota');
      expect(res.statusCode).toBe(200);
      expect(res.json().total).toBe(6);
    });

    it('has an audit.recorded outbox event for each event, carrying what the API shows', async () => {
      const listed = (await list(listAdmin)).json().audit_events;
      const events = await sql<{ data: Record<string, unknown> }>(t, "SELECT envelope->'data' AS data FROM ota.outbox_events WHERE type = 'audit.recorded' AND organization_id = 'org-l' ORDER BY sequence DESC");
      expect(events.map((event) => event.data)).toEqual(listed);
    });
  });

  describe('retention', () => {
    it(`purges events older than AUDIT_RETENTION_DAYS in batches, and keeps younger ones`, async () => {
      const headers = bearer(await hs256Token({ sub: 'op-r', organization_id: 'org-r', role: 'operator' }));
      const responses = [];
      for (let i = 0; i < 4; i += 1) responses.push(await registerDevice(client, headers, devicePayload({ device_id: uniqueDeviceId('retention') })));
      const ids = (await Promise.all(responses.map(auditRowsOf))).map(([row]) => row.id);
      const [keep, ...expired] = ids;
      await sql(t, `UPDATE ota.audit_events SET created_at = now() - make_interval(days => ${RETENTION_DAYS + 1}) WHERE id = ANY($1::uuid[])`, [expired]);
      await sql(t, `UPDATE ota.audit_events SET created_at = now() - make_interval(days => ${RETENTION_DAYS - 1}) WHERE id = $1`, [keep]);

      // Three expired rows in batches of two: the purge must go on past a full batch.
      await expect(t.app.get(AuditService).purgeExpired(2)).resolves.toBe(3);

      const left = await sql<{ id: string }>(t, "SELECT id FROM ota.audit_events WHERE organization_id = 'org-r'");
      expect(left.map((row) => row.id)).toEqual([keep]);
      await expect(t.app.get(AuditService).purgeExpired(2)).resolves.toBe(0);
    });

    it('is scheduled only when the scheduler is on', async () => {
      expect(t.app.get(SchedulerRegistry).getIntervals()).not.toContain('audit-purge');
      const scheduled = await createTestApp({ database: t.database, env: { SCHEDULER_ENABLED: 'true' } });
      try {
        expect(scheduled.app.get(SchedulerRegistry).getIntervals()).toContain('audit-purge');
      } finally {
        await scheduled.close();
      }
    });
  });
});
