import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONSOLE_CSP } from '../../src/modules/console/serve-console';
import { createTestApp, type TestApp } from '../utils/test-app';
import { createTestDatabase, type TestDatabase } from '../utils/test-database';
import { apiKeyHeader, apiKeyRequest, bearer, hs256Token } from '../utils/tokens';

const INDEX = '<!doctype html><html lang="en"><head><script type="module" src="/console/assets/index-Ab12Cd34.js"></script></head><body><div id="root"></div></body></html>';
const SCRIPT = 'console.log("console");';

/** A built console as Vite lays it out: index.html and content-hashed assets. */
function builtConsole(): string {
  const directory = mkdtempSync(join(tmpdir(), 'ota-console-'));
  mkdirSync(join(directory, 'assets'));
  writeFileSync(join(directory, 'index.html'), INDEX);
  writeFileSync(join(directory, 'assets', 'index-Ab12Cd34.js'), SCRIPT);
  return directory;
}

describe('the console at /console', () => {
  let database: TestDatabase;
  let t: TestApp;
  let directory: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    directory = builtConsole();
    t = await createTestApp({ database, env: { CONSOLE_DIR: directory } });
  });
  afterAll(async () => {
    await t.close();
    await database.drop();
    rmSync(directory, { recursive: true, force: true });
  });

  it('serves the app for /console and every client-side route under it, revalidated on each load, under a CSP', async () => {
    for (const url of ['/console', '/console/', '/console/campaigns/1b4e28ba-2fa1-11d2-883f-0016d3cca427', '/console/devices?status=online']) {
      const res = await t.request({ method: 'GET', url });
      expect({ url, status: res.statusCode }).toEqual({ url, status: 200 });
      expect(res.body).toBe(INDEX);
      expect(res.headers).toMatchObject({
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-cache',
        'content-security-policy': CONSOLE_CSP,
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
      });
    }
    // No inline script or style may run, and the page talks to this origin only.
    expect(CONSOLE_CSP).toMatch(/script-src 'self'(;|$)/);
    expect(CONSOLE_CSP).toMatch(/style-src 'self'(;|$)/);
    expect(CONSOLE_CSP).toMatch(/connect-src 'self'(;|$)/);
    expect(CONSOLE_CSP).not.toMatch(/unsafe/);
  });

  it('serves hashed assets cached for a year as immutable, and answers a missing one with the API error shape', async () => {
    const asset = await t.request({ method: 'GET', url: '/console/assets/index-Ab12Cd34.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.body).toBe(SCRIPT);
    expect(asset.headers['content-type']).toMatch(/^(application|text)\/javascript/);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.headers['content-security-policy']).toBe(CONSOLE_CSP);

    const missing = await t.request({ method: 'GET', url: '/console/assets/index-00000000.js' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ detail: expect.any(String), code: 'route/not_found' });
    // Nothing outside the assets folder is reachable through it.
    const escape = await t.request({ method: 'GET', url: '/console/assets/..%2findex.html' });
    expect(escape.statusCode).toBe(404);
  });

  it('needs no credentials (the app signs in through the API), while the API behind it still does', async () => {
    expect((await t.request({ method: 'GET', url: '/console' })).statusCode).toBe(200);
    expect((await t.request({ method: 'GET', url: '/api/v1/campaigns' })).statusCode).toBe(401);
  });

  it('says how to build it when the build is missing, and is gone when turned off', async () => {
    const unbuilt = await createTestApp({ database, env: { CONSOLE_DIR: join(directory, 'nothing-here') } });
    const off = await createTestApp({ database, env: { CONSOLE_DIR: directory, CONSOLE_ENABLED: 'false' } });
    try {
      const res = await unbuilt.request({ method: 'GET', url: '/console/campaigns' });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: 'console/not_built', detail: expect.stringContaining('npm run build') });

      const gone = await off.request({ method: 'GET', url: '/console' });
      expect(gone.statusCode).toBe(404);
      expect(gone.json().code).toBe('route/not_found');
    } finally {
      await unbuilt.close();
      await off.close();
    }
  });
});

describe('GET /api/v1/auth/me', () => {
  let database: TestDatabase;
  let t: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    t = await createTestApp({ database });
  });
  afterAll(async () => {
    await t.close();
    await database.drop();
  });

  it('tells a user who the token says they are, with roles and expiry', async () => {
    const token = await hs256Token({ sub: 'ada', organization_id: 'org-a', role: 'viewer', email: 'ada@example.com' }, { expiresIn: '1h' });
    const res = await t.request({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(token) });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toEqual({ kind: 'user', id: 'ada', organization_id: 'org-a', roles: ['viewer'], email: 'ada@example.com', expires_at: expect.any(String) });
    const expiresIn = Date.parse(body.expires_at) - Date.now();
    expect(expiresIn).toBeGreaterThan(55 * 60_000);
    expect(expiresIn).toBeLessThanOrEqual(3600_000);
  });

  it('describes an API key by its id and role, and refuses missing or bad credentials', async () => {
    const admin = await hs256Token({ sub: 'root', organization_id: 'org-a', role: 'admin' });
    const created = await t.request({ method: 'POST', url: '/api/v1/api-keys', headers: bearer(admin), payload: apiKeyRequest({ role: 'operator' }) });
    expect(created.statusCode).toBe(201);
    const { key, id } = created.json();
    const res = await t.request({ method: 'GET', url: '/api/v1/auth/me', headers: apiKeyHeader(key) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ kind: 'api_key', id, organization_id: 'org-a', roles: ['operator'], email: null, expires_at: null });

    expect((await t.request({ method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(401);
    expect((await t.request({ method: 'GET', url: '/api/v1/auth/me', headers: apiKeyHeader('ota_not-a-key') })).statusCode).toBe(401);
  });
});
