import 'reflect-metadata';
import { constants } from 'node:os';
import { Logger } from '@nestjs/common';
import { createApp, SHUTDOWN_SIGNALS } from './app.setup';
import { ConfigValidationError, loadConfig } from './config';
import { stopAllEmbeddedPostgres } from './database/embedded/embedded-postgres';

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit();
  const releaseBootSignals = stopEmbeddedDatabaseOnSignalDuringBoot();
  const app = await createApp(config);
  // From here the application's own shutdown hooks handle signals, gracefully.
  releaseBootSignals();
  armShutdownDeadline(config.http.shutdownTimeoutMs);
  await app.listen({ host: config.http.host, port: config.http.port });

  const logger = new Logger('Bootstrap');
  const base = `http://${config.http.host === '0.0.0.0' ? 'localhost' : config.http.host}:${config.http.port}`;
  logger.log(`OTA service listening on ${base} (API docs at ${base}/docs)`);
  if (config.http.console.enabled) logger.log(`Operator console at ${base}/console`);
  if (config.auth.devTokens) {
    logger.log(
      `Dev tokens are on. Get one with: curl -s -X POST ${base}/api/v1/auth/dev-token ` +
        `-H 'content-type: application/json' -d '{"user_id":"dev","email":"dev@example.com"}'`,
    );
  }
}

function loadConfigOrExit(): ReturnType<typeof loadConfig> {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

/**
 * A signal while the embedded database starts or migrates would kill the process and leave
 * PostgreSQL running, holding the data folder; until the app can shut down gracefully, a signal
 * stops the database and exits.
 */
function stopEmbeddedDatabaseOnSignalDuringBoot(): () => void {
  const handlers = SHUTDOWN_SIGNALS.map((signal) => {
    const handler = (): void => {
      void stopAllEmbeddedPostgres()
        .catch(() => undefined)
        .finally(() => process.exit(128 + constants.signals[signal]));
    };
    process.once(signal, handler);
    return () => process.removeListener(signal, handler);
  });
  return () => handlers.forEach((remove) => remove());
}

/** Graceful shutdown waits for in-flight requests; this bounds the wait if something hangs. */
function armShutdownDeadline(timeoutMs: number): void {
  for (const signal of SHUTDOWN_SIGNALS) {
    process.once(signal, () => {
      setTimeout(() => {
        process.stderr.write(`Shutdown did not finish within ${timeoutMs} ms; exiting\n`);
        process.exit(1);
      }, timeoutMs).unref();
    });
  }
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`Failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
