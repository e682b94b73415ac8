import { createTestApp, type TestApp } from '../utils/test-app';
import { withAdmin } from '../utils/test-database';

describe('health and service info', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('GET /health answers the original shape without credentials', async () => {
    const res = await t.request({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toEqual({ status: 'healthy', service: 'ota_service', version: '1.0.0', timestamp: expect.any(String) });
    expect(body.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('GET /health/detailed reports the database, its migrations and the event transport', async () => {
    const res = await t.request({ method: 'GET', url: '/health/detailed' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.status).toBe('healthy');
    expect(body.uptime_seconds).toBeGreaterThanOrEqual(0);
    expect(body.checks.database).toMatchObject({ status: 'up', mode: 'external', migrations: { status: 'up_to_date', pending: [] } });
    expect(body.checks.database.latency_ms).toBeGreaterThan(0);
    expect(body.checks.database.migrations.applied).toBeGreaterThan(0);
    expect(body.checks.events).toMatchObject({ status: 'disabled', transport: 'outbox_only', pending_events: 0 });
  });

  it('GET /health/detailed is 503 while the database refuses connections', async () => {
    const name = t.database.name;
    await withAdmin(async (admin) => {
      await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
    });
    try {
      const res = await t.request({ method: 'GET', url: '/health/detailed' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ status: 'unhealthy', checks: { database: { status: 'down', error: expect.any(String) } } });
      // Liveness does not depend on the database.
      expect((await t.request({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    } finally {
      await withAdmin((admin) => admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`));
    }
    const recovered = await t.request({ method: 'GET', url: '/health/detailed' });
    expect(recovered.statusCode).toBe(200);
  });

  it('GET /api/v1/service/stats counts the routes really served, by area', async () => {
    const res = await t.request({ method: 'GET', url: '/api/v1/service/stats' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ service: 'ota_service', version: '1.0.0', port: 8240 });
    expect(body.endpoints.by_area).toMatchObject({ health: 2, 'api-keys': 3, auth: 2, service: 1, metrics: 1 });
    const sum = Object.values(body.endpoints.by_area as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(body.endpoints.total).toBe(sum);
    expect(body.features).toEqual(expect.arrayContaining(['api-keys', 'health', 'jwt_hs256']));
    expect(body.features).not.toContain('dev_tokens');
    expect(body.features).not.toContain('docs');
  });

  it('serves every route under the legacy /api/v1/ota prefix too', async () => {
    const res = await t.request({ method: 'GET', url: '/api/v1/ota/service/stats' });
    expect(res.statusCode).toBe(200);
    expect(res.json().service).toBe('ota_service');
  });

  it('GET /metrics exposes Prometheus metrics including request durations by route', async () => {
    await t.request({ method: 'GET', url: '/health' });
    const res = await t.request({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toMatch(/http_request_duration_seconds_count\{[^}]*method="GET",route="\/health",status_code="200"\} \d+/);
    expect(res.body).toContain('process_cpu_user_seconds_total');
  });

  it('serves Swagger UI at /docs and the JSON document at /docs-json', async () => {
    expect((await t.request({ method: 'GET', url: '/docs' })).statusCode).toBe(200);
    const doc = await t.request({ method: 'GET', url: '/docs-json' });
    expect(doc.statusCode).toBe(200);
    expect(doc.json().info.title).toBe('OTA Update Service');
  });
});
