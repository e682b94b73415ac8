import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { LightMyRequestResponse } from 'fastify';
import { Redis } from 'ioredis';
import { ApiClient, DeviceApi } from '../../src/cli/simulator/api-client';
import { ANONYMOUS_ROUTES } from '../../src/common/rate-limit/rate-limit-key';
import { findFreePort } from '../../src/database/embedded/free-port';
import { CONSOLE_ROUTES } from '../../src/modules/console/serve-console';
import { RouteCatalog } from '../../src/modules/stats/route-catalog';
import { createDevice, DEVICE_API_URL, deviceAuth } from '../utils/device-factory';
import { createTestApp, type TestApp } from '../utils/test-app';
import { createTestDatabase, type TestDatabase } from '../utils/test-database';
import { apiKeyHeader, apiKeyRequest, bearer, hs256Token } from '../utils/tokens';
import { waitUntil } from '../utils/wait-for';

/** Like NATS_URL and MQTT_URL: set (as `.ci/run` does) for the Redis store's tests, skipped visibly otherwise. */
const REDIS_URL = process.env.REDIS_URL;
const describeRedis = REDIS_URL ? describe : describe.skip;
if (!REDIS_URL) process.stdout.write('rate-limits.e2e-spec: REDIS_URL is not set, so the Redis store tests are skipped\n');
const WINDOW_SECONDS = 60;
/**
 * Small budgets in a window far longer than any test, so no budget refills in the middle of one:
 * 3 reads, 2 writes, 3 device requests, 3 anonymous requests, 2 authentication failures.
 */
const LIMITS = {
  RATE_LIMIT_ENABLED: 'true',
  RATE_LIMIT_WINDOW_SECONDS: String(WINDOW_SECONDS),
  RATE_LIMIT_READS_PER_SECOND: '0.05',
  RATE_LIMIT_WRITES_PER_SECOND: '0.034',
  RATE_LIMIT_DEVICE_PER_SECOND: '0.05',
  RATE_LIMIT_ANONYMOUS_PER_SECOND: '0.05',
  RATE_LIMIT_AUTH_FAILURES_PER_SECOND: '0.034',
};

let users = 0;
/** A token of a user of its own, so each test starts with fresh budgets. */
async function freshUser(role = 'operator'): Promise<Record<string, string>> {
  users += 1;
  return bearer(await hs256Token({ sub: `rate-user-${users}-${randomUUID()}`, organization_id: 'org-rate', role }));
}

const listDevices = (t: TestApp, headers: Record<string, string>, remoteAddress?: string) =>
  t.request({ method: 'GET', url: '/api/v1/devices', headers, remoteAddress });
const checkIn = (t: TestApp, deviceId: string, headers: Record<string, string>, remoteAddress?: string) =>
  t.request({ method: 'POST', url: `${DEVICE_API_URL}/${encodeURIComponent(deviceId)}/check-in`, headers, payload: { firmware_version: '1.0.0' }, remoteAddress });
const serviceStats = (t: TestApp, remoteAddress: string, headers: Record<string, string> = {}) =>
  t.request({ method: 'GET', url: '/api/v1/service/stats', headers, remoteAddress });

const statuses = (responses: LightMyRequestResponse[]) => responses.map((res) => res.statusCode);

async function inSequence(count: number, send: (i: number) => Promise<LightMyRequestResponse>): Promise<LightMyRequestResponse[]> {
  const responses: LightMyRequestResponse[] = [];
  for (let i = 0; i < count; i++) responses.push(await send(i));
  return responses;
}

describe('rate limits', () => {
  describe('in memory (no REDIS_URL)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ env: LIMITS });
    });
    afterAll(() => t.close());

    it('answers 429 in the error shape with Retry-After and the RateLimit headers', async () => {
      const user = await freshUser();
      const allowed = await inSequence(3, () => listDevices(t, user));
      expect(statuses(allowed)).toEqual([200, 200, 200]);
      expect(allowed.map((res) => [res.headers['ratelimit-limit'], res.headers['ratelimit-remaining']])).toEqual([
        ['3', '2'],
        ['3', '1'],
        ['3', '0'],
      ]);

      const refused = await listDevices(t, user);
      expect(refused.statusCode).toBe(429);
      expect(refused.headers['content-type']).toMatch(/^application\/json/);
      expect(refused.json()).toEqual({
        detail: expect.stringMatching(/^Rate limit exceeded: at most 3 reads per credential per 60 s; retry in /),
        code: 'request/rate_limited',
        request_id: refused.headers['x-request-id'],
      });
      const retryAfter = Number(refused.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
      expect(refused.headers).toMatchObject({ 'ratelimit-limit': '3', 'ratelimit-remaining': '0', 'ratelimit-reset': String(retryAfter) });
    });

    it('gives each credential its own budgets, one for reads and one for writes', async () => {
      const user = await freshUser();
      expect(statuses(await inSequence(4, () => listDevices(t, user)))).toEqual([200, 200, 200, 429]);
      // Writes draw on their own budget: the spent reads do not stop them.
      const invalidRegistration = () => t.request({ method: 'POST', url: '/api/v1/devices', headers: user, payload: {} });
      const writes = await inSequence(3, invalidRegistration);
      expect(statuses(writes)).toEqual([422, 422, 429]);
      expect(writes[2].json().detail).toMatch(/at most 2 writes per credential/);
      // Another credential of the same caller address is not affected.
      expect((await listDevices(t, await freshUser())).statusCode).toBe(200);
    });

    it('limits the device API per device, for device tokens and gateway keys alike', async () => {
      const deviceA = await createDevice(t, await freshUser());
      const deviceB = await createDevice(t, await freshUser());
      const checkIns = await inSequence(4, () => checkIn(t, deviceA.device_id, deviceAuth(deviceA.device_token)));
      expect(statuses(checkIns)).toEqual([200, 200, 200, 429]);
      expect(checkIns[3].json()).toMatchObject({ code: 'request/rate_limited', detail: expect.stringMatching(/at most 3 device API requests per device/) });
      expect((await checkIn(t, deviceB.device_id, deviceAuth(deviceB.device_token))).statusCode).toBe(200);

      const key = await t.request({ method: 'POST', url: '/api/v1/api-keys', headers: await freshUser('admin'), payload: apiKeyRequest({ name: 'gw', role: 'device_gateway' }) });
      expect(key.statusCode).toBe(201);
      const gateway = apiKeyHeader(key.json().key);
      const deviceC = await createDevice(t, await freshUser());
      expect(statuses(await inSequence(4, () => checkIn(t, deviceC.device_id, gateway)))).toEqual([200, 200, 200, 429]);
      // The gateway's budget for another device is untouched.
      expect((await checkIn(t, deviceB.device_id, gateway)).statusCode).toBe(200);
    });

    it('limits public routes per client IP, whatever credentials the requests carry', async () => {
      const spent = await inSequence(4, () => serviceStats(t, '10.1.0.1'));
      expect(statuses(spent)).toEqual([200, 200, 200, 429]);
      expect(spent[3].json().detail).toMatch(/at most 3 anonymous requests \(public routes, no credentials\) per client address/);
      // Made-up credentials on a route that checks none get no budget of their own.
      const disguised = await inSequence(2, (i) => serviceStats(t, '10.1.0.1', { authorization: `Bearer made-up-${i}`, 'x-api-key': `made-up-${i}` }));
      expect(statuses(disguised)).toEqual([429, 429]);
      expect((await serviceStats(t, '10.1.0.2')).statusCode).toBe(200);
    });

    it('limits requests without credentials per client IP on protected routes too', async () => {
      expect(statuses(await inSequence(4, () => listDevices(t, {}, '10.3.0.1')))).toEqual([401, 401, 401, 429]);
    });

    it('never limits the health probes and the metrics scrape', async () => {
      for (const url of ['/health', '/metrics']) {
        const responses = await inSequence(6, () => t.request({ method: 'GET', url, remoteAddress: '10.4.0.1' }));
        expect(statuses(responses)).toEqual([200, 200, 200, 200, 200, 200]);
        expect(responses[0].headers['ratelimit-limit']).toBeUndefined();
      }
    });

    it('stops an address that keeps failing authentication with fresh made-up credentials, valid ones from it included', async () => {
      const attempts = await inSequence(4, (i) => listDevices(t, bearer(`made-up-token-${i}`), '10.2.0.1'));
      expect(statuses(attempts)).toEqual([401, 401, 429, 429]);
      expect(attempts[2].json()).toMatchObject({ code: 'request/rate_limited', detail: expect.stringMatching(/invalid credentials from this address/) });
      expect(Number(attempts[2].headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(attempts[2].headers).toMatchObject({ 'ratelimit-limit': '2', 'ratelimit-remaining': '0' });
      // Made-up device tokens count the same way.
      const deviceAttempts = await inSequence(3, (i) => checkIn(t, 'some-device', deviceAuth(`dvt_made-up-${i}`), '10.2.0.3'));
      expect(statuses(deviceAttempts)).toEqual([401, 401, 429]);

      const user = await freshUser();
      expect((await listDevices(t, user, '10.2.0.1')).statusCode).toBe(429);
      expect((await listDevices(t, user, '10.2.0.2')).statusCode).toBe(200);
    });
  });

  describeRedis('in Redis (REDIS_URL)', () => {
    let database: TestDatabase;
    let redis: Redis;
    const prefix = `ota_test:rate_limit:${randomUUID()}:`;
    beforeAll(async () => {
      database = await createTestDatabase();
      redis = new Redis(REDIS_URL as string); // set: describeRedis runs only then
    });
    afterAll(async () => {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
      await database.drop();
    });

    it('lets two instances share one budget per credential', async () => {
      const env = { ...LIMITS, REDIS_URL, RATE_LIMIT_REDIS_PREFIX: prefix };
      const first = await createTestApp({ env, database });
      const second = await createTestApp({ env, database });
      try {
        const user = await freshUser();
        const answers = [await listDevices(first, user), await listDevices(second, user), await listDevices(first, user)];
        expect(statuses(answers)).toEqual([200, 200, 200]);
        expect(answers.map((res) => res.headers['ratelimit-remaining'])).toEqual(['2', '1', '0']);
        expect((await listDevices(second, user)).statusCode).toBe(429);
        expect((await listDevices(first, user)).statusCode).toBe(429);
        expect(await redis.keys(`${prefix}read:*`)).toHaveLength(1);
      } finally {
        await first.close();
        await second.close();
      }
    });

    it('lets requests through while Redis is unreachable, and says so in the log', async () => {
      const warn = jest.spyOn(Logger.prototype, 'warn');
      const unreachable = `redis://127.0.0.1:${await findFreePort()}`;
      const t = await createTestApp({ env: { ...LIMITS, REDIS_URL: unreachable }, database });
      try {
        const user = await freshUser();
        expect(statuses(await inSequence(5, () => listDevices(t, user)))).toEqual([200, 200, 200, 200, 200]);
        await waitUntil('the warning about Redis', () => warn.mock.calls.some(([message]) => String(message).startsWith('Redis for rate limits unavailable')));
      } finally {
        warn.mockRestore();
        await t.close();
      }
    });
  });

  describe('the device simulator', () => {
    let t: TestApp;
    let origin: string;
    beforeAll(async () => {
      t = await createTestApp({ env: { ...LIMITS, RATE_LIMIT_WINDOW_SECONDS: '1', RATE_LIMIT_DEVICE_PER_SECOND: '2' } });
      await t.app.listen(0, '127.0.0.1');
      origin = await t.app.getUrl();
    });
    afterAll(() => t.close());

    it('backs off on 429 for as long as Retry-After says, plus jitter, then carries on', async () => {
      const device = await createDevice(t, await freshUser());
      const waits: number[] = [];
      const api = DeviceApi.withToken(new ApiClient(origin, (waitMs) => waits.push(waitMs)), device.device_id, device.device_token);
      for (let i = 0; i < 4; i++) {
        const answer = await api.checkIn('1.0.0');
        expect(answer.notModified || answer.answer.update === null).toBe(true);
      }
      // Two check-ins per window: the third waited for the next window, at least.
      expect(waits.length).toBeGreaterThanOrEqual(1);
      for (const waitMs of waits) {
        expect(waitMs).toBeGreaterThanOrEqual(1000);
        expect(waitMs).toBeLessThanOrEqual(1500);
      }
    });
  });

  describe('turned off (RATE_LIMIT_ENABLED=false)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ env: { RATE_LIMIT_ENABLED: 'false' } });
    });
    afterAll(() => t.close());

    it('limits nothing', async () => {
      const responses = await inSequence(25, () => serviceStats(t, '10.5.0.1'));
      expect(new Set(statuses(responses))).toEqual(new Set([200]));
      expect(responses[0].headers['ratelimit-limit']).toBeUndefined();
    });

    it('keys every public route by IP: the anonymous routes are exactly the routes that answer without credentials', async () => {
      const exempt = ['/health', '/health/detailed', '/metrics'];
      const answeringAnonymously: string[] = [];
      for (const { method, url } of t.app.get(RouteCatalog).list()) {
        if (exempt.includes(url)) continue;
        const res = await t.request({ method: method as 'GET', url: url.replace(/:[a-z_]+/g, 'x'), payload: method === 'GET' ? undefined : {} });
        if (res.statusCode !== 401) answeringAnonymously.push(url);
      }
      // The console's static files are outside the API: per IP as well (rate-limit-key.ts).
      expect(new Set(answeringAnonymously)).toEqual(new Set([...ANONYMOUS_ROUTES, ...CONSOLE_ROUTES]));
    });
  });
});
