import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../src/database/embedded/embedded-postgres';
import { applyMigrations } from '../../src/database/migrations/migrator';

/**
 * Finds a PostgreSQL for the run (`DATABASE_URL`, or an embedded one in a temporary folder when
 * it is unset), and migrates a template database that each test file clones.
 */
export default async function globalSetup(): Promise<void> {
  const runId = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  let admin = process.env.DATABASE_URL;
  if (!admin) {
    const dataDir = await mkdtemp(join(tmpdir(), 'ota-test-pg-'));
    // Under root the cluster runs as `postgres`, which must be able to enter the folder.
    await chmod(dataDir, 0o755);
    const embedded = await startEmbeddedPostgres({ dataDir, port: 0, log: () => undefined });
    (globalThis as { otaTestEmbedded?: { server: typeof embedded; dataDir: string } }).otaTestEmbedded = { server: embedded, dataDir };
    admin = embedded.url;
  }
  const template = `ota_tpl_${runId}`;
  const client = new Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${template}"`);
  } finally {
    await client.end();
  }
  const templateUrl = new URL(admin);
  templateUrl.pathname = `/${template}`;
  await applyMigrations(templateUrl.toString());

  process.env.OTA_TEST_ADMIN_URL = admin;
  process.env.OTA_TEST_TEMPLATE_DB = template;
  process.env.OTA_TEST_RUN_ID = runId;
}
