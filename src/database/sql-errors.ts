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
