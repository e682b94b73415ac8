import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { createTestApp, type TestApp } from '../utils/test-app';
import { apiKeyRequest, bearer, hs256Token } from '../utils/tokens';

const KEYS_URL = '/api/v1/api-keys';
const BODY_LIMIT_BYTES = 2048;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface FieldError {
  loc: (string | number)[];
  msg: string;
  type: string;
}

describe('HTTP conventions', () => {
  let t: TestApp;
  let admin: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp({ env: { BODY_LIMIT_BYTES: String(BODY_LIMIT_BYTES) } });
    admin = bearer(await hs256Token({ role: 'admin' }));
  });
  afterAll(() => t.close());

  const createKey = (payload: InjectOptions['payload'], headers: Record<string, string> = {}) =>
    t.request({ method: 'POST', url: KEYS_URL, headers: { ...admin, ...headers }, payload });

  /** The contract's error body: exactly detail, code and request_id (plus errors on 422), as JSON. */
  function expectErrorBody(res: LightMyRequestResponse, status: number, code: string): void {
    expect({ status: res.statusCode, code: res.json().code }).toEqual({ status, code });
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(status === 422 ? ['code', 'detail', 'errors', 'request_id'] : ['code', 'detail', 'request_id']);
    expect(typeof body.detail).toBe('string');
    expect(body.detail).not.toBe('');
    expect(body.request_id).toBe(res.headers['x-request-id']);
  }

  function fieldErrors(res: LightMyRequestResponse): FieldError[] {
    return res.json().errors;
  }

  describe('unknown routes', () => {
    it.each(['/nope', '/api/v1/nope', '/api/v1/ota/nope'])('answers GET %s with 404 route/not_found', async (url) => {
      expectErrorBody(await t.request({ method: 'GET', url }), 404, 'route/not_found');
    });

    it('answers a method a path does not serve with the same 404', async () => {
      expectErrorBody(await t.request({ method: 'DELETE', url: '/health' }), 404, 'route/not_found');
      expectErrorBody(await t.request({ method: 'PUT', url: KEYS_URL, headers: admin }), 404, 'route/not_found');
    });
  });

  describe('validation errors (422)', () => {
    it('locates an invalid body field as ["body", field] with msg and type', async () => {
      const res = await createKey(apiKeyRequest({ role: 'root' }));
      expectErrorBody(res, 422, 'request/validation_failed');
      expect(fieldErrors(res)).toEqual([{ loc: ['body', 'role'], msg: expect.any(String), type: expect.any(String) }]);
      expect(res.json().detail).toContain('body.role');
    });

    it('locates an invalid query parameter as ["query", name]', async () => {
      const res = await t.request({ method: 'GET', url: `${KEYS_URL}?limit=500`, headers: admin });
      expectErrorBody(res, 422, 'request/validation_failed');
      expect(fieldErrors(res)).toEqual([{ loc: ['query', 'limit'], msg: expect.any(String), type: 'max' }]);
    });

    it('refuses an offset the database cannot skip with 422, not 500', async () => {
      const res = await t.request({ method: 'GET', url: `${KEYS_URL}?offset=1e20`, headers: admin });
      expectErrorBody(res, 422, 'request/validation_failed');
      expect(fieldErrors(res).map((e) => e.loc)).toEqual([['query', 'offset']]);
    });

    it('reports each missing required field once, with type "missing"', async () => {
      const res = await createKey({});
      expectErrorBody(res, 422, 'request/validation_failed');
      expect(fieldErrors(res)).toEqual(
        expect.arrayContaining([
          { loc: ['body', 'name'], msg: 'Field required', type: 'missing' },
          { loc: ['body', 'role'], msg: 'Field required', type: 'missing' },
        ]),
      );
      expect(fieldErrors(res)).toHaveLength(2);
    });

    it('reports every invalid field, not just the first', async () => {
      const res = await createKey({ name: 42, role: 'root', expires_at: 'soon' });
      expect(new Set(fieldErrors(res).map((e) => e.loc.join('.')))).toEqual(new Set(['body.name', 'body.role', 'body.expires_at']));
    });

    it('refuses text with NUL characters, which the database cannot store, with 422', async () => {
      const res = await createKey(apiKeyRequest({ name: 'nul\u0000name' }));
      expectErrorBody(res, 422, 'request/validation_failed');
      expect(fieldErrors(res)).toEqual([expect.objectContaining({ loc: ['body', 'name'], type: 'string_nul' })]);
      const inIgnoredKey = await createKey({ ...apiKeyRequest(), extra: { 'k\u0000': 'v' } });
      expect(inIgnoredKey.statusCode).toBe(422);
    });

    it('refuses text with unpaired surrogate escapes, which have no UTF-8 form, with 422', async () => {
      const res = await createKey(apiKeyRequest({ name: 'half \ud800 pair' }));
      expectErrorBody(res, 422, 'request/validation_failed');
      expect(fieldErrors(res)).toEqual([expect.objectContaining({ loc: ['body', 'name'], type: 'string_unicode' })]);
      expect((await createKey({ ...apiKeyRequest(), extra: { 'k\udc00': 'v' } })).statusCode).toBe(422);
      expect((await createKey(apiKeyRequest({ name: 'whole \ud83d\ude00 pair' }))).statusCode).toBe(201);
    });

    it('refuses dates beyond what can be stored and read back', async () => {
      const res = await createKey(apiKeyRequest({ expires_at: '+275760-09-13T00:00:00.000Z' }));
      expectErrorBody(res, 422, 'request/validation_failed');
      expect(fieldErrors(res).map((e) => e.loc)).toEqual([['body', 'expires_at']]);
      // The listing still works: nothing unreadable was stored.
      expect((await t.request({ method: 'GET', url: KEYS_URL, headers: admin })).statusCode).toBe(200);
    });

    it('checks credentials before the body: an anonymous invalid body is 401', async () => {
      const res = await t.request({ method: 'POST', url: KEYS_URL, payload: { role: 'root' } });
      expectErrorBody(res, 401, 'auth/unauthenticated');
    });
  });

  describe('request bodies', () => {
    it('answers malformed JSON with 400 request/malformed_body', async () => {
      const res = await createKey('{"name": "ci", "role": ', { 'content-type': 'application/json' });
      expectErrorBody(res, 400, 'request/malformed_body');
    });

    it('answers an empty body declared as JSON with 400 request/malformed_body', async () => {
      expectErrorBody(await createKey('', { 'content-type': 'application/json' }), 400, 'request/malformed_body');
    });

    it.each([
      ['an array', '[{"name":"ci","role":"viewer"}]'],
      ['a string', '"ci"'],
      ['null', 'null'],
      ['a number', '42'],
    ])('answers %s where an object is expected with 422 at ["body"]', async (_case, payload) => {
      const res = await createKey(payload, { 'content-type': 'application/json' });
      expectErrorBody(res, 422, 'request/validation_failed');
      expect(fieldErrors(res)).toEqual([{ loc: ['body'], msg: expect.any(String), type: 'object_type' }]);
    });

    it('answers a missing body with 422 at ["body"]', async () => {
      const res = await t.request({ method: 'POST', url: KEYS_URL, headers: admin });
      expectErrorBody(res, 422, 'request/validation_failed');
      expect(fieldErrors(res).map((e) => e.loc)).toEqual([['body']]);
    });

    it.each(['text/plain', 'application/xml'])('answers a %s body with 415', async (contentType) => {
      const res = await createKey('name=ci', { 'content-type': contentType });
      expectErrorBody(res, 415, 'request/unsupported_media_type');
    });

    it('answers a body larger than BODY_LIMIT_BYTES with 413', async () => {
      const res = await createKey(JSON.stringify(apiKeyRequest({ description: 'x'.repeat(BODY_LIMIT_BYTES) })), {
        'content-type': 'application/json',
      });
      expectErrorBody(res, 413, 'request/body_too_large');
    });

    it('accepts a body just under the limit', async () => {
      const payload = JSON.stringify(apiKeyRequest({ padding: 'x'.repeat(BODY_LIMIT_BYTES - 200) }));
      expect(Buffer.byteLength(payload)).toBeLessThan(BODY_LIMIT_BYTES);
      expect((await createKey(payload, { 'content-type': 'application/json' })).statusCode).toBe(201);
    });

    it('ignores unknown keys: the request succeeds and they are not echoed', async () => {
      const res = await createKey({ ...apiKeyRequest(), schedule_start: '2030-01-01T00:00:00Z', rollout_stages: [10, 100], requires_approval: true });
      expect(res.statusCode).toBe(201);
      const body = res.json();
      expect(body).not.toHaveProperty('schedule_start');
      expect(body).not.toHaveProperty('rollout_stages');
      expect(body).not.toHaveProperty('requires_approval');
    });
  });

  describe('request ids', () => {
    it('echoes a caller X-Request-Id in the header and in error bodies', async () => {
      const ok = await t.request({ method: 'GET', url: '/health', headers: { 'x-request-id': 'client-req-0001' } });
      expect(ok.headers['x-request-id']).toBe('client-req-0001');
      const failed = await t.request({ method: 'GET', url: KEYS_URL, headers: { 'x-request-id': 'client-req-0002' } });
      expect(failed.headers['x-request-id']).toBe('client-req-0002');
      expect(failed.json().request_id).toBe('client-req-0002');
    });

    it('generates a distinct id when the caller sends none', async () => {
      const first = await t.request({ method: 'GET', url: '/nope' });
      const second = await t.request({ method: 'GET', url: '/nope' });
      expect(first.headers['x-request-id']).toMatch(UUID);
      expect(first.json().request_id).toBe(first.headers['x-request-id']);
      expect(second.headers['x-request-id']).not.toBe(first.headers['x-request-id']);
    });

    it.each([
      ['with spaces', 'id with spaces'],
      ['with markup', '<script>alert(1)</script>'],
      ['too long', 'r'.repeat(129)],
    ])('replaces an unsafe id (%s) with a generated one', async (_case, unsafe) => {
      const res = await t.request({ method: 'GET', url: '/nope', headers: { 'x-request-id': unsafe } });
      expect(res.headers['x-request-id']).toMatch(UUID);
      expect(res.json().request_id).toBe(res.headers['x-request-id']);
      expect(res.body).not.toContain(unsafe);
    });
  });

  it('answers every kind of error as JSON with a string detail, a code and the request id', async () => {
    const viewer = bearer(await hs256Token({ role: 'viewer' }));
    const cases: [InjectOptions, number][] = [
      [{ method: 'GET', url: '/nope' }, 404],
      [{ method: 'GET', url: KEYS_URL }, 401],
      [{ method: 'GET', url: KEYS_URL, headers: bearer('garbage') }, 401],
      [{ method: 'GET', url: KEYS_URL, headers: { 'x-api-key': 'ota_unknown' } }, 401],
      [{ method: 'GET', url: KEYS_URL, headers: viewer }, 403],
      [{ method: 'DELETE', url: `${KEYS_URL}/00000000-0000-4000-8000-000000000000`, headers: admin }, 404],
      [{ method: 'DELETE', url: `${KEYS_URL}/not-a-uuid`, headers: admin }, 422],
      [{ method: 'GET', url: `${KEYS_URL}?limit=x`, headers: admin }, 422],
      [{ method: 'POST', url: KEYS_URL, headers: { ...admin, 'content-type': 'application/json' }, payload: '{' }, 400],
      [{ method: 'POST', url: KEYS_URL, headers: { ...admin, 'content-type': 'text/plain' }, payload: 'x' }, 415],
      [{ method: 'POST', url: KEYS_URL, headers: { ...admin, 'content-type': 'application/json' }, payload: 'x'.repeat(BODY_LIMIT_BYTES + 1) }, 413],
      [{ method: 'POST', url: '/api/v1/auth/dev-token', payload: {} }, 404],
      [{ method: 'GET', url: '/api/v1/ota/api-keys' }, 401],
    ];
    for (const [request, status] of cases) {
      const res = await t.request(request);
      const label = `${request.method} ${request.url}`;
      expect({ label, status: res.statusCode }).toEqual({ label, status });
      expect({ label, type: res.headers['content-type'] }).toEqual({ label, type: expect.stringMatching(/^application\/json/) });
      const body = res.json();
      expect({ label, body }).toEqual({
        label,
        body: expect.objectContaining({ detail: expect.any(String), code: expect.stringMatching(/^[a-z_]+\/[a-z_]+$/), request_id: res.headers['x-request-id'] }),
      });
    }
  });
});
