import { Logger } from '@nestjs/common';
import { ConfigValidationError, loadConfig } from '../config';
import { openDatabase } from '../database/database-runtime';

/**
 * `npm run db:migrate`: applies pending migrations to `DATABASE_URL`, or to the embedded
 * database under `DATA_DIR` when no URL is set (starting and stopping it around the work).
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const database = await openDatabase({ ...config, database: { ...config.database, migrateOnStart: true } }, new Logger('db:migrate'));
  await database.embedded?.stop();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigValidationError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
