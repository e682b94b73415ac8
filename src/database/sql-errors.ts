/** What PostgreSQL errors (through Prisma and its pg adapter) mean for the code that met them. */

/**
 * A deadlock or serialization failure (SQLSTATE 40P01, 40001): the transaction lost a race and
 * nothing of it was kept, so running it again is safe.
 */
export function isTransactionConflict(error: unknown): boolean {
  const state = sqlState(error);
  return (error as { code?: unknown }).code === 'P2034' || state === '40P01' || state === '40001';
}

/** The database refused a value (SQLSTATE classes 22 and 23): a report's data, not the batch, is at fault. */
export function isDataError(error: unknown): boolean {
  const state = sqlState(error);
  return state !== null && (state.startsWith('22') || state.startsWith('23'));
}

/** The SQLSTATE behind a Prisma error (raw queries and driver adapter errors), or null. */
function sqlState(error: unknown): string | null {
  const { meta, message } = (error ?? {}) as { meta?: { code?: unknown; driverAdapterError?: { cause?: { originalCode?: unknown } } }; message?: unknown };
  const code = meta?.driverAdapterError?.cause?.originalCode ?? meta?.code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  const quoted = typeof message === 'string' ? /Code: `([0-9A-Z]{5})`/.exec(message) : null;
  return quoted ? quoted[1] : null;
}

/** A unique index refused a row (Prisma's P2002, or SQLSTATE 23505 from a raw statement): a race lost. */
export function isUniqueViolation(error: unknown): boolean {
  const { code, meta, message } = error as { code?: unknown; meta?: { code?: unknown }; message?: unknown };
  return code === 'P2002' || (code === 'P2010' && meta?.code === '23505') || (typeof message === 'string' && message.includes('23505'));
}

/** Prisma's codes for a database it cannot reach, a timeout, a full pool, or a lost connection. */
const UNAVAILABLE_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2037']);
/**
 * SQLSTATEs of a database that cannot serve now: a statement cancelled by `statement_timeout`
 * (57014), a server shutting down or restarting (57P01-57P03), too many connections or out of
 * resources (53300, 53400), and every connection exception (class 08).
 */
const UNAVAILABLE_SQL_STATES = new Set(['57014', '57P01', '57P02', '57P03', '53300', '53400']);
/** The pg adapter's names for what its socket met. */
const UNAVAILABLE_ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
/** What pg and its pool throw as plain errors (Prisma passes them on unwrapped) when a connection or a query times out or drops. */
const UNAVAILABLE_DRIVER_MESSAGES = new Set([
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'Connection terminated unexpectedly',
  'Connection terminated due to connection timeout',
  'Connection terminated',
  'Client has encountered a connection error and is not queryable',
]);

/**
 * The database could not serve the request in time, and a retry later may succeed: unreachable
 * or stalled, a full pool, a statement cancelled by its timeout, a connection lost or refused.
 * The request is not at fault, nor is the service's code, so it answers 503 rather than 500.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message, meta } = error as { code?: unknown; message?: unknown; meta?: { driverAdapterError?: { cause?: { kind?: unknown } } } };
  if (typeof code === 'string' && UNAVAILABLE_PRISMA_CODES.has(code)) return true;
  // Prisma's `maxWait` (no connection for an interactive transaction in time) and `timeout` (its
  // statements took too long: a stalled server, a lock held elsewhere).
  if (code === 'P2028' && typeof message === 'string' && /Unable to start a transaction in the given time|on an expired transaction/.test(message)) return true;
  const kind = meta?.driverAdapterError?.cause?.kind;
  if (typeof kind === 'string' && UNAVAILABLE_ADAPTER_KINDS.has(kind)) return true;
  const state = sqlState(error);
  if (state !== null && (UNAVAILABLE_SQL_STATES.has(state) || state.startsWith('08'))) return true;
  return error instanceof Error && UNAVAILABLE_DRIVER_MESSAGES.has(error.message);
}
