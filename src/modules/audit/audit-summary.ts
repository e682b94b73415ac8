/** Limits that keep one audit row small whatever a request carried (a 100 000-device import, a long description). */
export const SUMMARY_LIMITS = { maxString: 200, maxItems: 20, maxKeys: 50, maxDepth: 4, maxBytes: 8 * 1024 } as const;

export type SummaryValue = string | number | boolean | null | SummaryValue[] | { [key: string]: SummaryValue };

/**
 * The summary stored with an audit event: `change` as JSON, with long strings, lists and objects
 * cut to {@link SUMMARY_LIMITS} and `truncated: true` added when anything was cut. A summary still
 * over `maxBytes` keeps only the names of its fields. Callers pass only what may be shown to an
 * admin: never tokens, key secrets or passwords.
 */
export function auditSummary(change: Record<string, unknown>): { [key: string]: SummaryValue } {
  const state = { truncated: false };
  const summary = bounded(change, 0, state) as { [key: string]: SummaryValue };
  if (state.truncated) summary.truncated = true;
  if (Buffer.byteLength(JSON.stringify(summary)) <= SUMMARY_LIMITS.maxBytes) return summary;
  return { fields: Object.keys(change).slice(0, SUMMARY_LIMITS.maxKeys).map((key) => cut(key, state)), truncated: true };
}

function bounded(value: unknown, depth: number, state: { truncated: boolean }): SummaryValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return cut(value, state);
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value !== 'object') return null;
  if (depth >= SUMMARY_LIMITS.maxDepth) {
    state.truncated = true;
    return null;
  }
  if (Array.isArray(value)) {
    if (value.length > SUMMARY_LIMITS.maxItems) state.truncated = true;
    return value.slice(0, SUMMARY_LIMITS.maxItems).map((item) => bounded(item, depth + 1, state));
  }
  const entries = Object.entries(value).filter(([, item]) => item !== undefined);
  if (entries.length > SUMMARY_LIMITS.maxKeys) state.truncated = true;
  return Object.fromEntries(entries.slice(0, SUMMARY_LIMITS.maxKeys).map(([key, item]) => [cut(key, state), bounded(item, depth + 1, state)]));
}

function cut(text: string, state: { truncated: boolean }): string {
  // Inputs are checked at the edge, but jsonb refuses NUL and lone surrogates outright: a summary
  // must never be the reason a write fails.
  const storable = text.replaceAll('\u0000', '\uFFFD').toWellFormed();
  const codePoints = Array.from(storable);
  if (codePoints.length <= SUMMARY_LIMITS.maxString) return storable;
  state.truncated = true;
  return codePoints.slice(0, SUMMARY_LIMITS.maxString).join('');
}

/** The fields of a request that were given (not null or undefined): what a create set or a change replaced. */
export function givenFields(request: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(request).filter(([, value]) => value !== null && value !== undefined));
}
