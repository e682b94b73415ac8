import type { LightMyRequestResponse } from 'fastify';
import { createDevice, DEVICE_API_URL, deviceAuth } from '../utils/device-factory';
import { startTcpProxy, type TcpProxy } from '../utils/tcp-proxy';
import { createTestApp, type TestApp } from '../utils/test-app';
import { createTestDatabase, type TestDatabase } from '../utils/test-database';
import { bearer, hs256Token } from '../utils/tokens';

/**
 * A database that stops answering, or refuses connections, answers 503 `database/unavailable`
 * with a `detail` and `Retry-After` within the configured timeouts, on operator routes and on the
 * device API alike, and the same running app serves again once the database is back (issue 13,
 * finding 7). The app reaches PostgreSQL through a TCP proxy the test stalls or cuts.
 */
const ORG = 'org-outage';

describe('database outage', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let t: TestApp;
  let operator: Record<string, string>;
  let device: { device_id: string; device_token: string };

  beforeAll(async () => {
    database = await createTestDatabase();
    const direct = new URL(database.url);
    proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    const proxied = new URL(database.url);
    proxied.host = proxy.address;
    t = await createTestApp({
      database,
      env: {
        DATABASE_URL: proxied.toString(),
        // Small, so a stalled server is given up on (client-side) within a few seconds.
        DATABASE_STATEMENT_TIMEOUT_MS: '500',
        DATABASE_DEVICE_STATEMENT_TIMEOUT_MS: '500',
        DATABASE_CONNECT_TIMEOUT_MS: '1000',
      },
    });
    operator = bearer(await hs256Token({ sub: 'op-outage', organization_id: ORG, role: 'operator' }));
    device = await createDevice(t, operator);
  });
  afterAll(async () => {
    await t.close();
    await proxy.close();
    await database.drop();
  });

  const listCampaigns = () => t.request({ method: 'GET', url: '/api/v1/campaigns', headers: operator });
  const checkIn = () =>
    t.request({
      method: 'POST',
      url: `${DEVICE_API_URL}/${encodeURIComponent(device.device_id)}/check-in`,
      headers: deviceAuth(device.device_token),
      payload: { firmware_version: '1.4.2' },
    });

  function expectDatabaseUnavailable(res: LightMyRequestResponse): void {
    expect({ status: res.statusCode, code: res.json().code, retryAfter: res.headers['retry-after'] }).toEqual({
      status: 503,
      code: 'database/unavailable',
      retryAfter: '5',
    });
    expect(res.json().detail).toEqual(expect.any(String));
  }

  async function expectServing(): Promise<void> {
    expect((await listCampaigns()).statusCode).toBe(200);
    expect((await checkIn()).statusCode).toBe(200);
  }

  it('answers 503 while PostgreSQL stops answering, and serves again once it answers', async () => {
    await expectServing();
    proxy.stall();
    try {
      expectDatabaseUnavailable(await listCampaigns());
      expectDatabaseUnavailable(await checkIn());
      // Connections opened while stalled never finish their start-up: the connect timeout.
      expectDatabaseUnavailable(await listCampaigns());
      const health = await t.request({ method: 'GET', url: '/health/detailed' });
      expect({ status: health.statusCode, database: health.json().checks.database.status }).toEqual({ status: 503, database: 'down' });
    } finally {
      proxy.resume();
    }
    await expectServing();
  });

  it('answers 503 while PostgreSQL refuses connections, and serves again once it accepts them', async () => {
    await expectServing();
    await proxy.cut();
    try {
      expectDatabaseUnavailable(await listCampaigns());
      expectDatabaseUnavailable(await checkIn());
    } finally {
      await proxy.restore();
    }
    await expectServing();
  });
});
