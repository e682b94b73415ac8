import { Logger } from '@nestjs/common';
import { loadConfig } from '../config';
import { openDatabase } from '../database/database-runtime';
import { runCommand } from './run-command';

/**
 * `npm run db:migrate`: applies pending migrations to `DATABASE_URL`, or to the embedded
 * database under `DATA_DIR` when no URL is set (starting and stopping it around the work).
 */
runCommand('db:migrate', async () => {
  const config = loadConfig();
  const database = await openDatabase({ ...config, database: { ...config.database, migrateOnStart: true } }, new Logger('db:migrate'));
  await database.embedded?.stop();
});
