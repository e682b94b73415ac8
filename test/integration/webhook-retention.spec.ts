import { WebhookRetention } from '../../src/modules/webhooks/webhook-retention';
import { createTestApp, type TestApp } from '../utils/test-app';
import { sql } from '../utils/update-factory';

const ORG = 'org-webhook-retention';

describe('webhook delivery retention', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { WEBHOOK_RETENTION_DAYS: '7' } });
  });
  afterAll(() => t.close());

  it('deletes delivered and failed deliveries past the retention in batches, and keeps pending and recent ones', async () => {
    const rows: [string, string, number][] = [
      ['old-delivered-1', 'delivered', 8],
      ['old-delivered-2', 'delivered', 30],
      ['old-failed', 'failed', 9],
      ['old-pending', 'pending', 10],
      ['recent-delivered', 'delivered', 6],
      ['recent-failed', 'failed', 1],
    ];
    for (const [id, status, daysAgo] of rows) {
      await sql(
        t,
        `INSERT INTO ota.webhook_deliveries (organization_id, delivery_id, event_type, url, payload, status, created_at, updated_at)
         VALUES ($1, rpad($2, 32, '-'), 'campaign.completed', 'https://hooks.example.com/ota', '{}', $3, now() - make_interval(days => $4), now())`,
        [ORG, id, status, daysAgo],
      );
    }
    // Batches of 2: the purge goes on until a batch comes back short.
    expect(await t.app.get(WebhookRetention).purgeExpired(2)).toBe(3);
    const left = await sql<{ delivery_id: string }>(t, `SELECT rtrim(delivery_id, '-') AS delivery_id FROM ota.webhook_deliveries WHERE organization_id = $1 ORDER BY 1`, [ORG]);
    expect(left.map((row) => row.delivery_id)).toEqual(['old-pending', 'recent-delivered', 'recent-failed']);
    expect(await t.app.get(WebhookRetention).purgeExpired(2)).toBe(0);
  });
});
