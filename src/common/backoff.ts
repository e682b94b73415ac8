/**
 * `baseMs` for attempt 1 (and for 0 or less), doubling with each further attempt, never above
 * `capMs`: how long to wait before trying again something that keeps failing.
 */
export function exponentialBackoffMs(attempt: number, baseMs: number, capMs: number): number {
  return Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
}
