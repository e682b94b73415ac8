import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/**
 * Each test file gets its own database, cloned from a template the global setup migrated once,
 * so files run in parallel without seeing each other's rows.
 */
export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

export function adminUrl(): string {
  const url = process.env.OTA_TEST_ADMIN_URL;
  if (!url) throw new Error('OTA_TEST_ADMIN_URL is not set: run the tests through `npm test` (jest global setup)');
  return url;
}

export function databaseUrl(name: string): string {
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs `work` on a connection of its own to `url`, closed afterwards. */
export async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export function withAdmin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  return withClient(adminUrl(), work);
}

/** A migrated database of its own (`template: false` gives an empty one, for migration tests). */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const name = `ota_t_${process.env.OTA_TEST_RUN_ID}_${randomBytes(4).toString('hex')}`;
  const template = options.migrated === false ? 'template0' : process.env.OTA_TEST_TEMPLATE_DB;
  await withAdmin((client) => client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
  return { name, url: databaseUrl(name), drop: () => dropDatabase(name) };
}

export async function dropDatabase(name: string): Promise<void> {
  await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}
