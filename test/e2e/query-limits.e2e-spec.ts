import type { LightMyRequestResponse } from 'fastify';
import { Client } from 'pg';
import { createDevice, DEVICE_API_URL, deviceAuth, DEVICES_URL } from '../utils/device-factory';
import { createTestApp, type TestApp } from '../utils/test-app';
import { withClient } from '../utils/test-database';
import { bearer, hs256Token } from '../utils/tokens';
import { waitUntil } from '../utils/wait-for';

/**
 * A viewer cannot occupy the database: filters are bounded before any SQL runs, statements are
 * cut off by the server, and the device API has connections of its own (issue 13, finding 3).
 */
const ORG = 'org-limits';
const CAMPAIGNS_URL = '/api/v1/campaigns';
/** The range of the report: 5 000 alternatives, 112 KB, 15 s of PostgreSQL's CPU per preview. */
const HUGE_RANGE = Array.from({ length: 5_000 }, (_, i) => `>=${i}.0.0 <${i}.0.5`).join(' || ');

function expectDatabaseUnavailable(res: LightMyRequestResponse): void {
  expect({ status: res.statusCode, code: res.json().code, retryAfter: res.headers['retry-after'] }).toEqual({
    status: 503,
    code: 'database/unavailable',
    retryAfter: '5',
  });
  expect(res.json().detail).toEqual(expect.any(String));
  expect(res.json().request_id).toEqual(expect.any(String));
}

/**
 * Holds an exclusive lock on `ota.campaigns` from a connection of the test's own, so every
 * statement reading campaigns waits (as a heavy query would) until `release`.
 */
async function lockCampaigns(url: string): Promise<{ release(): Promise<void> }> {
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query('BEGIN');
  await client.query('LOCK TABLE ota.campaigns IN ACCESS EXCLUSIVE MODE');
  return {
    release: async () => {
      await client.query('ROLLBACK');
      await client.end();
    },
  };
}

/** Backends of the app's operator pool now waiting for a lock. */
async function operatorBackendsWaitingOnLocks(t: TestApp): Promise<number> {
  const rows = await withClient(t.database.url, (client) =>
    client.query<{ waiting: number }>(
      `SELECT count(*)::int AS waiting FROM pg_stat_activity
        WHERE datname = $1 AND application_name = 'ota_service' AND wait_event_type = 'Lock'`,
      [t.database.name],
    ),
  );
  return rows.rows[0].waiting;
}

describe('filter complexity limits', () => {
  let t: TestApp;
  let viewer: Record<string, string>;
  let operator: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp();
    viewer = bearer(await hs256Token({ sub: 'viewer-limits', organization_id: ORG, role: 'viewer' }));
    operator = bearer(await hs256Token({ sub: 'op-limits', organization_id: ORG, role: 'operator' }));
  });
  afterAll(() => t.close());

  it('answers the 5 000-alternative preview 422 target/invalid_filter, naming the field and the limit', async () => {
    const res = await t.request({ method: 'POST', url: '/api/v1/targets/preview', headers: viewer, payload: { target_filters: { firmware_version: HUGE_RANGE } } });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      code: 'target/invalid_filter',
      errors: [{ loc: ['body', 'target_filters'], msg: expect.stringMatching(/at most 16384/), type: 'target_filter_size' }],
    });
    expect(res.json().detail).toMatch(/at most 16384/);
  });

  it('refuses a range with too many alternatives in a preview and in a campaign alike', async () => {
    const range = Array.from({ length: 33 }, (_, i) => String(i)).join('||');
    const preview = await t.request({ method: 'POST', url: '/api/v1/targets/preview', headers: viewer, payload: { target_filters: { firmware_version: range } } });
    const campaign = await t.request({
      method: 'POST',
      url: CAMPAIGNS_URL,
      headers: operator,
      payload: { name: 'too complex', firmware_id: 'a'.repeat(32), target_filters: { firmware_version: range } },
    });
    for (const res of [preview, campaign]) {
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({
        code: 'target/invalid_filter',
        errors: [{ loc: ['body', 'target_filters', 'firmware_version'], msg: expect.stringMatching(/33 alternatives \(\|\|\); at most 32/) }],
      });
    }
  });

  it('refuses the same range in a device list filter', async () => {
    const range = Array.from({ length: 33 }, (_, i) => String(i)).join('||');
    const res = await t.request({ method: 'GET', url: DEVICES_URL, headers: viewer, query: { firmware_version: range } });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors).toEqual([{ loc: ['query', 'firmware_version'], msg: expect.stringMatching(/at most 32/), type: 'version_range' }]);
  });

  it('still previews a range within the limits', async () => {
    const range = Array.from({ length: 32 }, (_, i) => `${i}.x`).join(' || ');
    const res = await t.request({ method: 'POST', url: '/api/v1/targets/preview', headers: viewer, payload: { target_filters: { firmware_version: range } } });
    expect(res.statusCode).toBe(200);
  });
});

describe('statement timeout', () => {
  let t: TestApp;
  let viewer: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp({ env: { DATABASE_STATEMENT_TIMEOUT_MS: '200' } });
    viewer = bearer(await hs256Token({ sub: 'viewer-timeout', organization_id: ORG, role: 'viewer' }));
  });
  afterAll(() => t.close());

  it('has the server cancel a statement past DATABASE_STATEMENT_TIMEOUT_MS: 503 database/unavailable, then serves again', async () => {
    const lock = await lockCampaigns(t.database.url);
    try {
      expectDatabaseUnavailable(await t.request({ method: 'GET', url: CAMPAIGNS_URL, headers: viewer }));
      // The server cancelled it (the client's own limit would have left the backend waiting on the lock).
      expect(await operatorBackendsWaitingOnLocks(t)).toBe(0);
    } finally {
      await lock.release();
    }
    expect((await t.request({ method: 'GET', url: CAMPAIGNS_URL, headers: viewer })).statusCode).toBe(200);
  });
});

describe('pool isolation', () => {
  let t: TestApp;
  let viewer: Record<string, string>;
  let operator: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp({ env: { DATABASE_POOL_SIZE: '2', DATABASE_CONNECT_TIMEOUT_MS: '1000' } });
    viewer = bearer(await hs256Token({ sub: 'viewer-pool', organization_id: ORG, role: 'viewer' }));
    operator = bearer(await hs256Token({ sub: 'op-pool', organization_id: ORG, role: 'operator' }));
  });
  afterAll(() => t.close());

  it('serves device check-ins while operator queries hold every operator connection; the next operator request is 503', async () => {
    const device = await createDevice(t, operator);
    const lock = await lockCampaigns(t.database.url);
    const heavy: Promise<LightMyRequestResponse>[] = [];
    try {
      // One campaign lookup each: one statement, one connection, waiting on the lock. One after
      // the other, since Prisma would batch two lookups of the same tick into one statement.
      for (const [index, digit] of ['a', 'b'].entries()) {
        heavy.push(t.request({ method: 'GET', url: `${CAMPAIGNS_URL}/${digit.repeat(32)}`, headers: viewer }));
        await waitUntil(`${index + 1} operator connection(s) to wait on the lock`, async () => (await operatorBackendsWaitingOnLocks(t)) === index + 1);
      }

      expectDatabaseUnavailable(await t.request({ method: 'GET', url: CAMPAIGNS_URL, headers: viewer }));
      const checkIn = await t.request({
        method: 'POST',
        url: `${DEVICE_API_URL}/${encodeURIComponent(device.device_id)}/check-in`,
        headers: deviceAuth(device.device_token),
        payload: { firmware_version: '1.4.2' },
      });
      expect(checkIn.statusCode).toBe(200);
      expect(checkIn.json()).toMatchObject({ update: null });
    } finally {
      await lock.release();
    }
    // Served once the lock is gone (no such campaigns).
    expect((await Promise.all(heavy)).map((res) => res.json().code)).toEqual(['campaign/not_found', 'campaign/not_found']);
  });
});
