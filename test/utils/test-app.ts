import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { createApp } from '../../src/app.setup';
import { type AppConfig, loadConfig } from '../../src/config';
import { createTestDatabase, type TestDatabase } from './test-database';

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  database: TestDatabase;
  request(options: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/**
 * Boots the real application (AppModule through `createApp`/`setupApp`, on Fastify) against a
 * database of its own. `env` entries override the test defaults; `undefined` removes one.
 * `beforeInit` runs on the set-up application before it starts (to add a probe route, say).
 */
export async function createTestApp(
  options: { env?: Record<string, string | undefined>; database?: TestDatabase; beforeInit?: (app: NestFastifyApplication) => void | Promise<void> } = {},
): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const dataDir = mkdtempSync(join(tmpdir(), 'ota-test-data-'));
  const env: Record<string, string | undefined> = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: database.url,
    MIGRATE_ON_START: 'false',
    JWT_SECRET: TEST_JWT_SECRET,
    DATA_DIR: dataDir,
    SCHEDULER_ENABLED: 'false',
    // Suites send hundreds of requests a second from one address and credential (the route walk
    // alone, anonymously); rate-limits.e2e-spec.ts turns the limits on.
    RATE_LIMIT_ENABLED: 'false',
    ...options.env,
  };
  const config = loadConfig(env as NodeJS.ProcessEnv);
  const app = await createApp(config);
  await options.beforeInit?.(app);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    config,
    database,
    request: (request) => app.inject(request),
    close: async () => {
      await app.close();
      if (!options.database) await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
