/**
 * Rows per multi-row statement written in a transaction. Past its bind-parameter limit (32 766)
 * Prisma splits a `createMany` itself and sends the parts at once on the transaction's single
 * connection, which pg deprecates (and pg 9 refuses); chunks of this size stay under the limit for
 * tables of up to 60 columns, so each chunk is one statement, in turn. Raw inserts from one JSON
 * parameter have no such limit and use it to keep each statement's size bounded.
 */
export const ROWS_PER_STATEMENT = 500;

/** Writes `rows` chunk by chunk, each awaited before the next; returns what the chunks return, in order. */
export async function inSequentialChunks<T, R>(rows: readonly T[], write: (chunk: T[]) => Promise<R[]>, size = ROWS_PER_STATEMENT): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < rows.length; start += size) results.push(...(await write(rows.slice(start, start + size))));
  return results;
}

/**
 * Calls `remove(batchSize)` (a DELETE of at most that many rows) until a call deletes fewer: short
 * statements, so a purge never holds many row locks at once. Returns how many rows went in all.
 */
export async function deleteInBatches(remove: (limit: number) => Promise<number>, batchSize: number): Promise<number> {
  let total = 0;
  for (let deleted = batchSize; deleted === batchSize; total += deleted) deleted = await remove(batchSize);
  return total;
}
