import { ConfigValidationError } from '../config';
import { stopAllEmbeddedPostgres } from '../database/embedded/embedded-postgres';

const SIGNALS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const;

/** An error whose message is all the user needs (bad arguments), printed without a prefix. */
export class UsageError extends Error {}

/**
 * Runs a one-shot database command such as `db:migrate`: exit code 0 once `main` resolves,
 * without waiting for a stray handle; 1 with a readable one-line reason when it fails; and on
 * SIGINT/SIGTERM/SIGHUP the embedded PostgreSQL is stopped first, because it would otherwise
 * outlive the command and keep its data folder locked ("already running") for the next one.
 */
export function runCommand(name: string, main: () => Promise<void>): void {
  let interrupted = false;
  for (const [signal, number] of Object.entries(SIGNALS)) {
    process.once(signal, () => {
      interrupted = true;
      process.stderr.write(`${name}: ${signal} received, stopping\n`);
      void stopAllEmbeddedPostgres()
        .catch(() => undefined)
        .finally(() => process.exit(128 + number));
    });
  }
  main().then(
    () => process.exit(0),
    async (error: unknown) => {
      // Work cut short by stopping the database on a signal is not worth a second report.
      if (interrupted) return;
      process.stderr.write(error instanceof UsageError ? `${error.message}\n` : `${name} failed: ${describeError(error)}\n`);
      await stopAllEmbeddedPostgres().catch(() => undefined);
      process.exit(1);
    },
  );
}

/**
 * The message without a stack trace (the engine's are frames of WebAssembly); the stack is kept
 * for programming errors, where it is the useful part.
 */
export function describeError(error: unknown): string {
  if (error instanceof ConfigValidationError) return error.message;
  if (error instanceof TypeError || error instanceof ReferenceError || error instanceof RangeError) {
    return error.stack ?? error.message;
  }
  if (error instanceof AggregateError && error.errors.length > 0) {
    // e.g. "localhost" resolving to both ::1 and 127.0.0.1, each refusing the connection.
    return [...new Set(error.errors.map(describeError))].join('; ');
  }
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    // Prisma's codes (P3005 …) are what its documentation is searchable by.
    const message = typeof code === 'string' && /^P\d{4}$/.test(code) ? `${error.message} (${code})` : error.message;
    return error.cause === undefined ? message : `${message}: ${describeError(error.cause)}`;
  }
  return String(error);
}
