import { rm } from 'node:fs/promises';
import { Client } from 'pg';
import type { EmbeddedPostgres } from '../../src/database/embedded/embedded-postgres';

/** Drops every database this run created and stops the embedded server if the run started one. */
export default async function globalTeardown(): Promise<void> {
  const admin = process.env.OTA_TEST_ADMIN_URL;
  const runId = process.env.OTA_TEST_RUN_ID;
  if (admin && runId) {
    const client = new Client({ connectionString: admin });
    await client.connect();
    try {
      const { rows } = await client.query<{ datname: string }>(
        `SELECT datname FROM pg_database WHERE datname LIKE 'ota\\_t\\_' || $1 || '\\_%' OR datname = 'ota_tpl_' || $1`,
        [runId],
      );
      for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    } finally {
      await client.end();
    }
  }
  const embedded = (globalThis as { otaTestEmbedded?: { server: EmbeddedPostgres; dataDir: string } }).otaTestEmbedded;
  if (embedded) {
    await embedded.server.stop();
    await rm(embedded.dataDir, { recursive: true, force: true });
  }
}
