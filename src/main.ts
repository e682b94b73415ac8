import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.setup';
import { ConfigValidationError, loadConfig } from './config';

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit();
  const app = await createApp(config);
  armShutdownDeadline(config.http.shutdownTimeoutMs);
  await app.listen({ host: config.http.host, port: config.http.port });

  const logger = new Logger('Bootstrap');
  const base = `http://${config.http.host === '0.0.0.0' ? 'localhost' : config.http.host}:${config.http.port}`;
  logger.log(`OTA service listening on ${base} (API docs at ${base}/docs)`);
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

/** Graceful shutdown waits for in-flight requests; this bounds the wait if something hangs. */
function armShutdownDeadline(timeoutMs: number): void {
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
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
