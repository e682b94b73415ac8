import { auditSummary, givenFields, SUMMARY_LIMITS } from './audit-summary';

describe('auditSummary', () => {
  it('keeps a small change as JSON, dropping undefined fields and turning dates and bigints into JSON values', () => {
    const at = new Date('2026-01-02T03:04:05.678Z');
    expect(auditSummary({ name: 'a', count: 3, big: 10n, at, nested: { on: true, off: undefined }, none: null, skipped: undefined })).toEqual({
      name: 'a',
      count: 3,
      big: 10,
      at: '2026-01-02T03:04:05.678Z',
      nested: { on: true },
      none: null,
    });
  });

  it('cuts long strings, long lists, wide and deep objects, and says so', () => {
    const summary = auditSummary({
      text: 'x'.repeat(SUMMARY_LIMITS.maxString + 10),
      list: Array.from({ length: SUMMARY_LIMITS.maxItems + 5 }, (_, i) => i),
      wide: Object.fromEntries(Array.from({ length: SUMMARY_LIMITS.maxKeys + 1 }, (_, i) => [`k${i}`, i])),
      deep: { a: { b: { c: { d: 'too deep' } } } },
    });
    expect(summary.text).toHaveLength(SUMMARY_LIMITS.maxString);
    expect(summary.list).toHaveLength(SUMMARY_LIMITS.maxItems);
    expect(Object.keys(summary.wide as object)).toHaveLength(SUMMARY_LIMITS.maxKeys);
    expect(summary.deep).toEqual({ a: { b: { c: null } } });
    expect(summary.truncated).toBe(true);
  });

  it('does not mark a summary that fits as truncated', () => {
    expect(auditSummary({ text: 'é'.repeat(SUMMARY_LIMITS.maxString) })).not.toHaveProperty('truncated');
  });

  it('never cuts a surrogate pair in half, and replaces what jsonb cannot hold', () => {
    const summary = auditSummary({ emoji: '😀'.repeat(SUMMARY_LIMITS.maxString + 1), nul: 'a\u0000b', lone: 'a\ud800b' });
    expect((summary.emoji as string).isWellFormed()).toBe(true);
    expect(Array.from(summary.emoji as string)).toHaveLength(SUMMARY_LIMITS.maxString);
    expect(summary.nul).toBe('a\ufffdb');
    expect((summary.lone as string).isWellFormed()).toBe(true);
  });

  it('keeps only the field names when the bounded summary is still too large', () => {
    const fields = Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`field${i}`, 'v'.repeat(SUMMARY_LIMITS.maxString)]));
    const summary = auditSummary(fields);
    expect(summary).toEqual({ fields: Object.keys(fields), truncated: true });
    expect(Buffer.byteLength(JSON.stringify(summary))).toBeLessThanOrEqual(SUMMARY_LIMITS.maxBytes);
  });
});

describe('givenFields', () => {
  it('keeps the fields that were given, false and empty ones included', () => {
    expect(givenFields({ a: 1, b: null, c: undefined, d: false, e: [] })).toEqual({ a: 1, d: false, e: [] });
  });
});
