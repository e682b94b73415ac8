import type { LightMyRequestResponse } from 'fastify';
import { SignJWT } from 'jose';
import { registerDevice } from '../utils/device-factory';
import { createTestApp, TEST_JWT_SECRET, type TestApp } from '../utils/test-app';
import { createTestDatabase, type TestDatabase } from '../utils/test-database';
import { bearer, hs256Token } from '../utils/tokens';

const HOUR = 3600;
const SERVICE_ISSUER = 'https://platform.test/services';

/** An HS256 token with exactly the time claims given: `exp`/`iat` only when set. */
function tokenWithTimes(times: { exp?: number; iat?: number }, claims: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT({ sub: 'user-1', organization_id: 'org-a', role: 'operator', ...times, ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(TEST_JWT_SECRET));
}

const now = () => Math.floor(Date.now() / 1000);

function expectError(res: LightMyRequestResponse, status: number, code: string, detail: RegExp): void {
  expect({ status: res.statusCode, code: res.json().code }).toEqual({ status, code });
  expect(res.json().detail).toMatch(detail);
}

describe('bearer token claims', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  /** A viewer route: 200 proves the token was accepted. */
  const listFirmware = (t: TestApp, token: string) => t.request({ method: 'GET', url: '/api/v1/firmware', headers: bearer(token) });

  describe('by default', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await createTestApp({ database, env: { AUTH_DEV_TOKENS: 'true' } });
    });
    afterAll(() => t.close());

    it('refuses a token without exp, which would never expire (401)', async () => {
      expectError(await listFirmware(t, await tokenWithTimes({ iat: now() })), 401, 'auth/invalid_token', /no expiry \(exp\)/);
      expectError(await listFirmware(t, await tokenWithTimes({})), 401, 'auth/invalid_token', /no expiry/);
    });

    it('accepts lifetimes up to 24 h and refuses longer ones, measured from iat or, without it, from now', async () => {
      const issued = now();
      expect((await listFirmware(t, await tokenWithTimes({ iat: issued, exp: issued + 24 * HOUR }))).statusCode).toBe(200);
      expectError(
        await listFirmware(t, await tokenWithTimes({ iat: issued, exp: issued + 24 * HOUR + 1 })),
        401,
        'auth/invalid_token',
        /lifetime of 86401 s exceeds the accepted maximum of 86400 s/,
      );
      expectError(await listFirmware(t, await tokenWithTimes({ exp: issued + 25 * HOUR })), 401, 'auth/invalid_token', /exceeds/);
      // Issued long ago with a long lifetime: what counts is the lifetime, not the time left.
      expectError(await listFirmware(t, await tokenWithTimes({ iat: issued - 30 * HOUR, exp: issued + HOUR })), 401, 'auth/invalid_token', /exceeds/);
    });

    it.each([
      ['role: service', { role: 'service' }],
      ['roles: [viewer, service]', { role: undefined, roles: ['viewer', 'service'] }],
      ['the service role from an issuer', { role: 'service', iss: SERVICE_ISSUER }],
    ])('refuses a token claiming the service role (%s) with 403, on every route', async (_label, claims) => {
      const token = await hs256Token(claims);
      const registration = await registerDevice(t, bearer(token));
      expectError(registration, 403, 'auth/forbidden', /cannot grant the service role/);
      expectError(await listFirmware(t, token), 403, 'auth/forbidden', /service role/);
    });

    it('issues dev tokens only with lifetimes it accepts (422 beyond JWT_MAX_LIFETIME_SECONDS)', async () => {
      const devToken = (payload: Record<string, unknown>) => t.request({ method: 'POST', url: '/api/v1/auth/dev-token', payload });
      const tooLong = await devToken({ user_id: 'dev', email: 'dev@example.com', expires_in: 2 * 24 * HOUR });
      expectError(tooLong, 422, 'request/validation_failed', /expires_in/);
      expect(tooLong.json().errors).toEqual([expect.objectContaining({ loc: ['body', 'expires_in'] })]);
      const longest = await devToken({ user_id: 'dev', email: 'dev@example.com', expires_in: 24 * HOUR });
      expect(longest.statusCode).toBe(200);
      expect((await listFirmware(t, longest.json().token)).statusCode).toBe(200);
    });
  });

  describe('as configured', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await createTestApp({
        database,
        env: { JWT_REQUIRE_EXP: 'false', JWT_MAX_LIFETIME_SECONDS: String(48 * HOUR), JWT_SERVICE_ISSUERS: `https://other.test, ${SERVICE_ISSUER}` },
      });
    });
    afterAll(() => t.close());

    it('accepts a token without exp when JWT_REQUIRE_EXP=false', async () => {
      expect((await listFirmware(t, await tokenWithTimes({ iat: now() }))).statusCode).toBe(200);
    });

    it('bounds lifetimes by JWT_MAX_LIFETIME_SECONDS', async () => {
      const issued = now();
      expect((await listFirmware(t, await tokenWithTimes({ iat: issued, exp: issued + 48 * HOUR }))).statusCode).toBe(200);
      expectError(await listFirmware(t, await tokenWithTimes({ iat: issued, exp: issued + 49 * HOUR })), 401, 'auth/invalid_token', /172800 s/);
    });

    it('lets an issuer listed in JWT_SERVICE_ISSUERS grant the service role, and no other', async () => {
      const trusted = await hs256Token({ sub: 'scheduler', role: 'service', iss: SERVICE_ISSUER });
      expect((await registerDevice(t, bearer(trusted))).statusCode).toBe(201);
      const untrusted = await hs256Token({ sub: 'scheduler', role: 'service', iss: 'https://idp.test' });
      expectError(await registerDevice(t, bearer(untrusted)), 403, 'auth/forbidden', /service role/);
    });
  });
});
