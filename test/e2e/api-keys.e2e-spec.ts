import { createHash, randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { Client } from 'pg';
import { createTestApp, type TestApp } from '../utils/test-app';
import { apiKeyHeader, apiKeyRequest, bearer, hs256Token } from '../utils/tokens';

const KEYS_URL = '/api/v1/api-keys';
const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PUBLIC_FIELDS = ['id', 'name', 'role', 'organization_id', 'prefix', 'created_by', 'created_at', 'expires_at', 'last_used_at', 'revoked_at'];

interface ApiKeyBody {
  id: string;
  key: string;
  role: string;
  organization_id: string;
  created_by: string;
  last_used_at: string | null;
  revoked_at: string | null;
  expires_at: string | null;
}

describe('API keys', () => {
  let t: TestApp;
  let adminA: Record<string, string>;
  let adminB: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp();
    adminA = bearer(await hs256Token({ sub: 'admin-a', organization_id: 'org-a', role: 'admin' }));
    adminB = bearer(await hs256Token({ sub: 'admin-b', organization_id: 'org-b', role: 'admin' }));
  });
  afterAll(() => t.close());

  const create = (headers: Record<string, string>, payload: object = apiKeyRequest()) =>
    t.request({ method: 'POST', url: KEYS_URL, headers, payload });
  const list = (headers: Record<string, string>, query = '') => t.request({ method: 'GET', url: `${KEYS_URL}${query}`, headers });
  const revoke = (headers: Record<string, string>, id: string) => t.request({ method: 'DELETE', url: `${KEYS_URL}/${id}`, headers });

  async function createKey(headers: Record<string, string>, payload: object = apiKeyRequest()): Promise<ApiKeyBody> {
    const res = await create(headers, payload);
    expect(res.statusCode).toBe(201);
    return res.json();
  }

  /** Runs SQL in this test file's database, to reach states the API cannot produce (an expired key). */
  async function sql(text: string, values: unknown[]): Promise<void> {
    const client = new Client({ connectionString: t.database.url });
    await client.connect();
    try {
      await client.query(text, values);
    } finally {
      await client.end();
    }
  }

  function expectValidation(res: LightMyRequestResponse, loc: (string | number)[], type?: string): void {
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'request/validation_failed', detail: expect.any(String) });
    expect(res.json().errors).toEqual(expect.arrayContaining([expect.objectContaining({ loc, ...(type ? { type } : {}) })]));
  }

  describe('creation', () => {
    it('returns the key once, with its public fields', async () => {
      const res = await create(adminA, apiKeyRequest({ name: 'fleet-dashboard', role: 'viewer' }));
      expect(res.statusCode).toBe(201);
      const body = res.json();
      expect(Object.keys(body).sort()).toEqual([...PUBLIC_FIELDS, 'key'].sort());
      expect(body).toMatchObject({
        name: 'fleet-dashboard',
        role: 'viewer',
        organization_id: 'org-a',
        created_by: 'admin-a',
        expires_at: null,
        last_used_at: null,
        revoked_at: null,
      });
      expect(body.id).toMatch(UUID);
      expect(body.created_at).toMatch(ISO_UTC);
      expect(body.key).toMatch(/^ota_[A-Za-z0-9_-]{43}$/);
      expect(body.prefix).toBe(body.key.slice(0, body.prefix.length));
      expect(body.prefix.length).toBeLessThan(body.key.length / 2);
    });

    it('never shows the key or its hash in listings', async () => {
      const created = await createKey(adminA);
      const hash = createHash('sha256').update(created.key).digest('hex');
      const res = await list(adminA, '?include_revoked=true');
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain(created.key);
      expect(res.body).not.toContain(hash);
      for (const item of res.json().api_keys) expect(Object.keys(item).sort()).toEqual([...PUBLIC_FIELDS].sort());
    });

    it('stores only the SHA-256 of the key', async () => {
      const created = await createKey(adminA);
      const client = new Client({ connectionString: t.database.url });
      await client.connect();
      try {
        const { rows } = await client.query('SELECT * FROM ota.api_keys WHERE id = $1', [created.id]);
        expect(rows[0].key_hash).toBe(createHash('sha256').update(created.key).digest('hex'));
        expect(JSON.stringify(rows[0])).not.toContain(created.key);
      } finally {
        await client.end();
      }
    });

    it('keeps the organization and creator from the credentials, ignoring such keys in the body', async () => {
      const res = await create(adminA, { ...apiKeyRequest(), organization_id: 'org-b', created_by: 'someone-else', key_hash: '0'.repeat(64) });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ organization_id: 'org-a', created_by: 'admin-a' });
      expect(res.json()).not.toHaveProperty('key_hash');
    });

    it('keeps a future expires_at, in UTC', async () => {
      const expiresAt = new Date(Date.now() + 24 * 3600_000);
      const body = await createKey(adminA, apiKeyRequest({ expires_at: expiresAt.toISOString() }));
      expect(body.expires_at).toBe(expiresAt.toISOString());
    });

    it('rejects an expires_at in the past with 422', async () => {
      const res = await create(adminA, apiKeyRequest({ expires_at: new Date(Date.now() - 60_000).toISOString() }));
      expectValidation(res, ['body', 'expires_at']);
    });

    it('rejects an expires_at that is not a date with 422', async () => {
      expectValidation(await create(adminA, apiKeyRequest({ expires_at: 'next tuesday' })), ['body', 'expires_at']);
    });

    it.each(['service', 'superuser', ''])('rejects role %p with 422 at ["body","role"]', async (role) => {
      expectValidation(await create(adminA, apiKeyRequest({ role })), ['body', 'role']);
    });

    it('reports a missing name as type "missing"', async () => {
      expectValidation(await create(adminA, { role: 'viewer' }), ['body', 'name'], 'missing');
    });

    it('rejects a name longer than 100 characters', async () => {
      expectValidation(await create(adminA, apiKeyRequest({ name: 'n'.repeat(101) })), ['body', 'name']);
    });
  });

  describe('use as X-API-Key', () => {
    it('authenticates with the role of the key', async () => {
      const admin = await createKey(adminA, apiKeyRequest({ role: 'admin' }));
      const operator = await createKey(adminA, apiKeyRequest({ role: 'operator' }));
      const viewer = await createKey(adminA, apiKeyRequest({ role: 'viewer' }));
      // A gateway key acts for devices on the device API only (see device-auth.e2e-spec.ts).
      const gateway = await createKey(adminA, apiKeyRequest({ role: 'device_gateway' }));
      expect(gateway.role).toBe('device_gateway');
      expect((await list(apiKeyHeader(admin.key))).statusCode).toBe(200);
      for (const key of [operator.key, viewer.key, gateway.key]) {
        const res = await list(apiKeyHeader(key));
        expect(res.statusCode).toBe(403);
        expect(res.json().code).toBe('auth/forbidden');
      }
    });

    it('acts for the organization of the key and records it as creator', async () => {
      const admin = await createKey(adminA, apiKeyRequest({ role: 'admin' }));
      const res = await create(apiKeyHeader(admin.key));
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ organization_id: 'org-a', created_by: admin.id });
    });

    it('records last_used_at once the key is used', async () => {
      const used = await createKey(adminA, apiKeyRequest({ role: 'viewer' }));
      const before = (await list(adminA)).json().api_keys.find((k: ApiKeyBody) => k.id === used.id);
      expect(before.last_used_at).toBeNull();
      await list(apiKeyHeader(used.key));
      const after = (await list(adminA)).json().api_keys.find((k: ApiKeyBody) => k.id === used.id);
      expect(after.last_used_at).toMatch(ISO_UTC);
    });

    it.each([
      ['an unknown key', 'ota_' + 'A'.repeat(43)],
      ['a value without the key prefix', 'not-a-key'],
      ['an empty value', ''],
    ])('refuses %s with 401 auth/invalid_api_key', async (_case, key) => {
      const res = await list(apiKeyHeader(key));
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ code: 'auth/invalid_api_key', detail: expect.any(String) });
    });

    it('refuses a key whose expiry has passed, even one verified (and cached) moments before', async () => {
      const expiresAt = Date.now() + 1_500;
      const expiring = await createKey(adminA, apiKeyRequest({ role: 'admin', expires_at: new Date(expiresAt).toISOString() }));
      expect((await list(apiKeyHeader(expiring.key))).statusCode).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, expiresAt + 100 - Date.now()));
      const res = await list(apiKeyHeader(expiring.key));
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe('auth/invalid_api_key');
    });
  });

  describe('revocation', () => {
    it('makes the key fail at once, and revoking again is harmless', async () => {
      const doomed = await createKey(adminA, apiKeyRequest({ role: 'admin' }));
      expect((await list(apiKeyHeader(doomed.key))).statusCode).toBe(200);

      const first = await revoke(adminA, doomed.id);
      expect(first.statusCode).toBe(200);
      expect(first.json()).toMatchObject({ id: doomed.id, revoked_at: expect.stringMatching(ISO_UTC) });
      expect(first.json()).not.toHaveProperty('key');

      const refused = await list(apiKeyHeader(doomed.key));
      expect(refused.statusCode).toBe(401);
      expect(refused.json().code).toBe('auth/invalid_api_key');

      const second = await revoke(adminA, doomed.id);
      expect(second.statusCode).toBe(200);
      expect(second.json().revoked_at).toBe(first.json().revoked_at);
    });

    it('hides revoked keys from the list unless include_revoked=true', async () => {
      const revoked = await createKey(adminA);
      await revoke(adminA, revoked.id);
      const ids = (res: LightMyRequestResponse) => res.json().api_keys.map((k: ApiKeyBody) => k.id);
      expect(ids(await list(adminA))).not.toContain(revoked.id);
      expect(ids(await list(adminA, '?include_revoked=false'))).not.toContain(revoked.id);
      expect(ids(await list(adminA, '?include_revoked=true'))).toContain(revoked.id);
    });

    it('answers 404 api_key/not_found for an unknown id', async () => {
      const res = await revoke(adminA, randomUUID());
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('api_key/not_found');
    });

    it('rejects an id that is not a UUID with 422 at ["path","api_key_id"]', async () => {
      expectValidation(await revoke(adminA, 'not-a-uuid'), ['path', 'api_key_id']);
    });
  });

  describe('listing', () => {
    it('pages newest first with the list envelope', async () => {
      const h = bearer(await hs256Token({ sub: 'pager', organization_id: 'org-paging', role: 'admin' }));
      const names = ['first', 'second', 'third'];
      for (const [index, name] of names.entries()) {
        const created = await createKey(h, apiKeyRequest({ name }));
        // Keys made within one millisecond would tie; spread them so "newest" is unambiguous.
        await sql(`UPDATE ota.api_keys SET created_at = now() - make_interval(mins => $2) WHERE id = $1`, [created.id, names.length - index]);
      }
      const page = await list(h, '?limit=2&offset=0');
      expect(page.statusCode).toBe(200);
      expect(page.json()).toMatchObject({ limit: 2, offset: 0, count: 2, total: 3, filters: { include_revoked: false } });
      expect(page.json().api_keys.map((k: { name: string }) => k.name)).toEqual(['third', 'second']);
      const rest = await list(h, '?limit=2&offset=2');
      expect(rest.json()).toMatchObject({ count: 1, total: 3 });
      expect(rest.json().api_keys.map((k: { name: string }) => k.name)).toEqual(['first']);
    });

    it.each([
      ['limit', '?limit=0'],
      ['limit', '?limit=201'],
      ['limit', '?limit=ten'],
      ['offset', '?offset=-1'],
      ['include_revoked', '?include_revoked=maybe'],
    ])('rejects a bad %s (%s) with 422 at ["query", ...]', async (field, query) => {
      expectValidation(await list(adminA, query), ['query', field]);
    });
  });

  describe('organization isolation', () => {
    it("does not show or let another organization revoke a key", async () => {
      const keyOfA = await createKey(adminA, apiKeyRequest({ role: 'admin' }));
      const listedForB = (await list(adminB, '?include_revoked=true&limit=200')).json().api_keys.map((k: ApiKeyBody) => k.id);
      expect(listedForB).not.toContain(keyOfA.id);

      const res = await revoke(adminB, keyOfA.id);
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('api_key/not_found');
      expect((await list(apiKeyHeader(keyOfA.key))).statusCode).toBe(200);
    });

    it('lists, for a key, only its own organization', async () => {
      const keyOfB = await createKey(adminB, apiKeyRequest({ role: 'admin' }));
      const orgs = (await list(apiKeyHeader(keyOfB.key), '?include_revoked=true&limit=200')).json().api_keys.map((k: ApiKeyBody) => k.organization_id);
      expect(orgs.length).toBeGreaterThan(0);
      expect(new Set(orgs)).toEqual(new Set(['org-b']));
    });

    it('answers 403 auth/no_organization to an admin token without organization', async () => {
      const orphan = bearer(await hs256Token({ role: 'admin', organization_id: undefined }));
      const keyOfA = await createKey(adminA);
      for (const res of [await list(orphan), await create(orphan), await revoke(orphan, keyOfA.id)]) {
        expect(res.statusCode).toBe(403);
        expect(res.json().code).toBe('auth/no_organization');
      }
    });
  });
});
