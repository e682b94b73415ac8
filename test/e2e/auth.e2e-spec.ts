import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { startHttpServer } from '../utils/http-server';
import { createTestApp, TEST_JWT_SECRET, type TestApp } from '../utils/test-app';
import { createTestDatabase, type TestDatabase } from '../utils/test-database';
import {
  apiKeyRequest,
  asymmetricSigner,
  bearer,
  expiredHs256Token,
  hmacToken,
  hs256Token,
  internalServiceHeaders,
  jwksDocument,
  TEST_INTERNAL_SECRET,
  unsignedToken,
  withAlteredClaims,
  withForgedSignature,
} from '../utils/tokens';

const KEYS_URL = '/api/v1/api-keys';

/** The admin-only list route: 200 proves the caller is an admin of an organization. */
function listKeys(t: TestApp, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  return t.request({ method: 'GET', url: KEYS_URL, headers });
}

function expectError(res: LightMyRequestResponse, status: number, code: string): void {
  expect({ status: res.statusCode, code: res.json().code }).toEqual({ status, code });
  expect(res.headers['content-type']).toContain('application/json');
  expect(res.json()).toEqual(expect.objectContaining({ detail: expect.any(String), request_id: res.headers['x-request-id'] }));
}

describe('authentication', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  describe('bearer tokens signed with the HS256 secret', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await createTestApp({ database });
    });
    afterAll(() => t.close());

    it('refuses a protected route without credentials (401 auth/unauthenticated)', async () => {
      expectError(await listKeys(t), 401, 'auth/unauthenticated');
    });

    it('refuses an unsupported authorization scheme', async () => {
      expectError(await listKeys(t, { authorization: 'Basic dXNlcjpwYXNz' }), 401, 'auth/unauthenticated');
    });

    it('lets an admin token through (200)', async () => {
      const res = await listKeys(t, bearer(await hs256Token({ role: 'admin' })));
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ api_keys: [], total: 0 });
    });

    it('accepts the role from a `roles` array', async () => {
      const res = await listKeys(t, bearer(await hs256Token({ role: undefined, roles: ['viewer', 'admin'] })));
      expect(res.statusCode).toBe(200);
    });

    it('accepts `user_id` when the token has no `sub`', async () => {
      const token = await hs256Token({ sub: undefined, user_id: 'legacy-user', role: 'admin' });
      const res = await t.request({ method: 'POST', url: KEYS_URL, headers: bearer(token), payload: apiKeyRequest() });
      expect(res.statusCode).toBe(201);
      expect(res.json().created_by).toBe('legacy-user');
    });

    it.each(['viewer', 'operator'])('answers 403 auth/forbidden to a %s on an admin-only route', async (role) => {
      const token = await hs256Token({ role });
      expectError(await listKeys(t, bearer(token)), 403, 'auth/forbidden');
      const create = await t.request({ method: 'POST', url: KEYS_URL, headers: bearer(token), payload: apiKeyRequest() });
      expectError(create, 403, 'auth/forbidden');
    });

    it('gives a token with an unknown role the default role (viewer), not more', async () => {
      expectError(await listKeys(t, bearer(await hs256Token({ role: 'superuser' }))), 403, 'auth/forbidden');
    });

    it('refuses an expired token with auth/token_expired', async () => {
      expectError(await listKeys(t, bearer(await expiredHs256Token({ role: 'admin' }))), 401, 'auth/token_expired');
    });

    it('refuses a token whose signature was changed', async () => {
      const token = withForgedSignature(await hs256Token({ role: 'admin' }));
      expectError(await listKeys(t, bearer(token)), 401, 'auth/invalid_token');
    });

    it('refuses a token whose claims were changed after signing', async () => {
      const token = withAlteredClaims(await hs256Token({ role: 'viewer' }), { role: 'admin' });
      expectError(await listKeys(t, bearer(token)), 401, 'auth/invalid_token');
    });

    it('refuses a token signed with another secret', async () => {
      const token = await hs256Token({ role: 'admin' }, { secret: `${TEST_JWT_SECRET}-but-not-ours` });
      expectError(await listKeys(t, bearer(token)), 401, 'auth/invalid_token');
    });

    it('refuses a token that names no user (neither sub nor user_id)', async () => {
      const token = await hs256Token({ sub: undefined, role: 'admin' });
      expectError(await listKeys(t, bearer(token)), 401, 'auth/invalid_token');
    });

    it('refuses an unsigned token (alg: none)', async () => {
      expectError(await listKeys(t, bearer(unsignedToken({ role: 'admin' }))), 401, 'auth/invalid_token');
    });

    it.each(['HS384', 'HS512'] as const)('refuses %s even when signed with the right secret', async (alg) => {
      expectError(await listKeys(t, bearer(await hmacToken(alg))), 401, 'auth/invalid_token');
    });

    it('refuses RS256 tokens when no JWKS is configured', async () => {
      const signer = await asymmetricSigner('RS256', 'rsa-1');
      expectError(await listKeys(t, bearer(await signer.sign({ role: 'admin' }))), 401, 'auth/invalid_token');
    });

    it('refuses a bearer value that is not a JWT', async () => {
      expectError(await listKeys(t, bearer('not-a-jwt')), 401, 'auth/invalid_token');
    });

    it('answers 403 auth/no_organization to a token without organization_id on organization data', async () => {
      const token = await hs256Token({ role: 'admin', organization_id: undefined });
      expectError(await listKeys(t, bearer(token)), 403, 'auth/no_organization');
      const empty = await hs256Token({ role: 'admin', organization_id: '' });
      expectError(await listKeys(t, bearer(empty)), 403, 'auth/no_organization');
    });

    it.each([
      ['an organization_id longer than 100 characters', { organization_id: 'o'.repeat(101) }],
      ['a sub longer than 255 characters', { sub: 's'.repeat(256) }],
      ['a NUL character in sub', { sub: 'user\u0000one' }],
      ['a NUL character in organization_id', { organization_id: 'org\u0000a' }],
      ['an unpaired surrogate in sub', { sub: 'user\ud800' }],
      ['an unpaired surrogate in organization_id', { organization_id: 'org\udc00' }],
    ])('refuses a token with %s (401, not a database error)', async (_case, claims) => {
      const token = await hs256Token({ role: 'admin', ...claims });
      const res = await t.request({ method: 'POST', url: KEYS_URL, headers: bearer(token), payload: apiKeyRequest() });
      expectError(res, 401, 'auth/invalid_token');
    });

    it('accepts identifiers at the stored length limits', async () => {
      const token = await hs256Token({ role: 'admin', sub: 's'.repeat(255), organization_id: 'o'.repeat(100) });
      const res = await t.request({ method: 'POST', url: KEYS_URL, headers: bearer(token), payload: apiKeyRequest() });
      expect(res.statusCode).toBe(201);
      expect(res.json().organization_id).toBe('o'.repeat(100));
    });

    it('leaves public routes open whatever the credentials', async () => {
      const res = await t.request({ method: 'GET', url: '/health', headers: bearer('not-a-jwt') });
      expect(res.statusCode).toBe(200);
    });
  });

  describe('issuer and audience, when configured', () => {
    const issuer = 'https://auth.example.test';
    const audience = 'ota_service';
    let t: TestApp;

    beforeAll(async () => {
      t = await createTestApp({ database, env: { JWT_ISSUER: issuer, JWT_AUDIENCE: audience } });
    });
    afterAll(() => t.close());

    it('accepts a token with the configured issuer and audience', async () => {
      const res = await listKeys(t, bearer(await hs256Token({ role: 'admin', iss: issuer, aud: audience })));
      expect(res.statusCode).toBe(200);
    });

    it.each([
      ['a wrong issuer', { iss: 'https://evil.example.test', aud: audience }],
      ['no issuer', { aud: audience }],
      ['a wrong audience', { iss: issuer, aud: 'another_service' }],
      ['no audience', { iss: issuer }],
    ])('refuses a token with %s', async (_case, claims) => {
      expectError(await listKeys(t, bearer(await hs256Token({ role: 'admin', ...claims }))), 401, 'auth/invalid_token');
    });
  });

  describe('bearer tokens signed with RS256/ES256 keys from a JWKS', () => {
    let t: TestApp;
    let jwks: Awaited<ReturnType<typeof startHttpServer>>;
    let rsa: Awaited<ReturnType<typeof asymmetricSigner>>;
    let ec: Awaited<ReturnType<typeof asymmetricSigner>>;

    beforeAll(async () => {
      rsa = await asymmetricSigner('RS256', 'rsa-key-1');
      ec = await asymmetricSigner('ES256', 'ec-key-1');
      jwks = await startHttpServer((_request, response) => {
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify(jwksDocument(rsa.jwk, ec.jwk)));
      });
      t = await createTestApp({ database, env: { JWT_SECRET: undefined, JWT_JWKS_URL: `${jwks.url}/.well-known/jwks.json` } });
    });
    afterAll(async () => {
      await t.close();
      await jwks.close();
    });

    it.each(['RS256', 'ES256'] as const)('lets an admin %s token through (200)', async (alg) => {
      const signer = alg === 'RS256' ? rsa : ec;
      expect((await listKeys(t, bearer(await signer.sign({ role: 'admin' })))).statusCode).toBe(200);
    });

    it.each(['RS256', 'ES256'] as const)('answers 403 to a viewer %s token on an admin-only route', async (alg) => {
      const signer = alg === 'RS256' ? rsa : ec;
      const token = await signer.sign({ role: 'viewer' });
      const res = await t.request({ method: 'POST', url: KEYS_URL, headers: bearer(token), payload: apiKeyRequest() });
      expectError(res, 403, 'auth/forbidden');
    });

    it('refuses an expired RS256 token with auth/token_expired', async () => {
      const token = await rsa.sign({ role: 'admin' }, Math.floor(Date.now() / 1000) - 120);
      expectError(await listKeys(t, bearer(token)), 401, 'auth/token_expired');
    });

    it('refuses a token signed by a key that is not in the JWKS, even with a published kid', async () => {
      const impostor = await asymmetricSigner('RS256', 'rsa-key-1');
      expectError(await listKeys(t, bearer(await impostor.sign({ role: 'admin' }))), 401, 'auth/invalid_token');
    });

    it('refuses a token whose kid the JWKS does not publish', async () => {
      const stranger = await asymmetricSigner('ES256', 'unknown-kid');
      expectError(await listKeys(t, bearer(await stranger.sign({ role: 'admin' }))), 401, 'auth/invalid_token');
    });

    it('refuses a token whose signature was changed', async () => {
      const token = withForgedSignature(await ec.sign({ role: 'admin' }));
      expectError(await listKeys(t, bearer(token)), 401, 'auth/invalid_token');
    });

    it('refuses HS256 tokens when only a JWKS is configured', async () => {
      expectError(await listKeys(t, bearer(await hs256Token({ role: 'admin' }))), 401, 'auth/invalid_token');
    });

    it('refuses an HS256 token keyed with the published RSA public key (algorithm confusion)', async () => {
      const publicKeyAsSecret = new TextEncoder().encode(JSON.stringify(rsa.jwk));
      const token = await hmacToken('HS384', { role: 'admin' }, publicKeyAsSecret);
      expectError(await listKeys(t, bearer(token)), 401, 'auth/invalid_token');
      const hs256 = await hs256Token({ role: 'admin' }, { secret: JSON.stringify(rsa.jwk) });
      expectError(await listKeys(t, bearer(hs256)), 401, 'auth/invalid_token');
    });

    it('refuses an unsigned token (alg: none)', async () => {
      expectError(await listKeys(t, bearer(unsignedToken({ role: 'admin' }))), 401, 'auth/invalid_token');
    });

    it('checks issuer and audience of JWKS tokens too', async () => {
      const strict = await createTestApp({
        database,
        env: { JWT_SECRET: undefined, JWT_JWKS_URL: jwks.url, JWT_ISSUER: 'https://idp.test', JWT_AUDIENCE: 'ota_service' },
      });
      try {
        const good = await rsa.sign({ role: 'admin', iss: 'https://idp.test', aud: 'ota_service' });
        expect((await listKeys(strict, bearer(good))).statusCode).toBe(200);
        const wrongAudience = await rsa.sign({ role: 'admin', iss: 'https://idp.test', aud: 'billing' });
        expectError(await listKeys(strict, bearer(wrongAudience)), 401, 'auth/invalid_token');
      } finally {
        await strict.close();
      }
    });
  });

  describe('a JWKS endpoint that is down', () => {
    it('answers 503 dependency/unavailable without revealing the JWKS address, not 401', async () => {
      const signer = await asymmetricSigner('RS256', 'rsa-down');
      const jwks = await startHttpServer((_request, response) => response.end('{}'));
      const { url } = jwks;
      await jwks.close();
      const t = await createTestApp({ database, env: { JWT_SECRET: undefined, JWT_JWKS_URL: url } });
      try {
        const res = await listKeys(t, bearer(await signer.sign({ role: 'admin' })));
        expectError(res, 503, 'dependency/unavailable');
        expect(res.body).not.toContain(new URL(url).port);
      } finally {
        await t.close();
      }
    });
  });

  describe('internal service calls', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await createTestApp({ database, env: { INTERNAL_SERVICE_SECRET: TEST_INTERNAL_SECRET } });
    });
    afterAll(() => t.close());

    it('authenticates the right secret as a service, which is not an admin (403, not 401)', async () => {
      const res = await listKeys(t, internalServiceHeaders(TEST_INTERNAL_SECRET, { organizationId: 'org-a' }));
      expectError(res, 403, 'auth/forbidden');
    });

    it('refuses a wrong secret with 401', async () => {
      const res = await listKeys(t, internalServiceHeaders(`${TEST_INTERNAL_SECRET}x`));
      expectError(res, 401, 'auth/invalid_service_credentials');
    });

    it('refuses an X-Organization-Id that cannot be an organization', async () => {
      const res = await listKeys(t, internalServiceHeaders(TEST_INTERNAL_SECRET, { organizationId: 'o'.repeat(101) }));
      expectError(res, 401, 'auth/invalid_service_credentials');
    });

    it.each(['x-organization-id', 'x-service-name'])('refuses %s sent twice with 400, not as one joined name', async (header) => {
      const headers = { ...internalServiceHeaders(TEST_INTERNAL_SECRET), [header]: ['org-a', 'org-b'] };
      const res = await t.request({ method: 'GET', url: '/api/v1/firmware', headers });
      expectError(res, 400, 'request/bad_request');
      expect(res.json().detail).toBe(`${header} must be sent once, not 2 times`);
    });

    it('refuses the flag without a secret', async () => {
      expectError(await listKeys(t, { 'x-internal-service': 'true' }), 401, 'auth/invalid_service_credentials');
    });

    it('does not treat `X-Internal-Service: false` as an internal call, even with the right secret', async () => {
      const res = await listKeys(t, internalServiceHeaders(TEST_INTERNAL_SECRET, { flag: 'false' }));
      expectError(res, 401, 'auth/unauthenticated');
    });

    it('lets other credentials decide when `X-Internal-Service: false` is sent', async () => {
      const headers = { 'x-internal-service': 'false', ...bearer(await hs256Token({ role: 'admin' })) };
      expect((await listKeys(t, headers)).statusCode).toBe(200);
    });

    it('is off when INTERNAL_SERVICE_SECRET is unset: any secret is 401', async () => {
      const off = await createTestApp({ database, env: { INTERNAL_SERVICE_SECRET: undefined } });
      try {
        expectError(await listKeys(off, internalServiceHeaders(TEST_INTERNAL_SECRET)), 401, 'auth/invalid_service_credentials');
        expectError(await listKeys(off, internalServiceHeaders('')), 401, 'auth/invalid_service_credentials');
      } finally {
        await off.close();
      }
    });
  });

  describe('development tokens', () => {
    const devToken = (t: TestApp, payload: InjectOptions['payload']) =>
      t.request({ method: 'POST', url: '/api/v1/auth/dev-token', payload });

    it('are off unless AUTH_DEV_TOKENS is on: 404 auth/dev_tokens_disabled', async () => {
      const t = await createTestApp({ database });
      try {
        expectError(await devToken(t, { user_id: 'dev', email: 'dev@example.com' }), 404, 'auth/dev_tokens_disabled');
        // The endpoint does not exist then, so it does not describe its body either.
        expectError(await devToken(t, {}), 404, 'auth/dev_tokens_disabled');
      } finally {
        await t.close();
      }
    });

    describe('with AUTH_DEV_TOKENS=true', () => {
      let t: TestApp;

      beforeAll(async () => {
        t = await createTestApp({ database, env: { AUTH_DEV_TOKENS: 'true' } });
      });
      afterAll(() => t.close());

      it('issues a token in the platform auth service shape that works on a protected route', async () => {
        const res = await devToken(t, { user_id: 'dev-user', email: 'dev@example.com', expires_in: 600 });
        expect(res.statusCode).toBe(200);
        const body = res.json();
        expect(body).toEqual({ token: expect.any(String), token_type: 'Bearer', expires_in: 600, user_id: 'dev-user' });
        const created = await t.request({ method: 'POST', url: KEYS_URL, headers: bearer(body.token), payload: apiKeyRequest() });
        expect(created.statusCode).toBe(201);
        expect(created.json()).toMatchObject({ created_by: 'dev-user', organization_id: t.config.auth.defaultOrganizationId });
      });

      it('issues tokens with the requested role and organization', async () => {
        const res = await devToken(t, { user_id: 'dev-viewer', email: 'v@example.com', role: 'viewer', organization_id: 'org-dev' });
        expectError(await listKeys(t, bearer(res.json().token)), 403, 'auth/forbidden');
      });

      it('validates the request body (422)', async () => {
        const res = await devToken(t, { user_id: 'dev', email: 'not-an-email', role: 'service' });
        expectError(res, 422, 'request/validation_failed');
        expect(res.json().errors.map((e: { loc: string[] }) => e.loc)).toEqual(
          expect.arrayContaining([
            ['body', 'email'],
            ['body', 'role'],
          ]),
        );
      });

      it('works without JWT_SECRET by generating a secret', async () => {
        const generated = await createTestApp({ database, env: { AUTH_DEV_TOKENS: 'true', JWT_SECRET: undefined } });
        try {
          const { token } = (await devToken(generated, { user_id: 'dev', email: 'dev@example.com' })).json();
          expect((await listKeys(generated, bearer(token))).statusCode).toBe(200);
          // A token signed with some other secret is still refused.
          expectError(await listKeys(generated, bearer(await hs256Token({ role: 'admin' }))), 401, 'auth/invalid_token');
        } finally {
          await generated.close();
        }
      });
    });
  });
});
