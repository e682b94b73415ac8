import { isPlainName, isStorableText, storableTextProblem, unstorableTexts } from './storable-text';

describe('storableTextProblem', () => {
  it('accepts any well-formed text, surrogate pairs included', () => {
    for (const text of ['', 'plain', 'ünïcödé', 'emoji \ud83d\ude00', '\u0001 control']) expect(storableTextProblem(text)).toBeNull();
  });

  it('names NUL first, then unpaired surrogates', () => {
    expect(storableTextProblem('a\u0000b')?.type).toBe('string_nul');
    expect(storableTextProblem('a\u0000\ud800')?.type).toBe('string_nul');
    for (const text of ['\ud800', 'x\udc00', '\ude00\ud83d', 'end \ud83d']) expect(storableTextProblem(text)?.type).toBe('string_unicode');
  });

  it('isStorableText agrees', () => {
    expect(isStorableText('ok')).toBe(true);
    expect(isStorableText('\ud800')).toBe(false);
    expect(isStorableText('\u0000')).toBe(false);
  });
});

describe('isPlainName', () => {
  it('refuses control characters and unstorable text, accepts the rest', () => {
    for (const name of ['sf-000123', 'ünï cödé', 'emoji \ud83d\ude00']) expect(isPlainName(name)).toBe(true);
    for (const name of ['tab\there', 'nul\u0000', 'del\u007f', 'half \ud800']) expect(isPlainName(name)).toBe(false);
  });
});

describe('unstorableTexts', () => {
  it('finds strings and keys the database cannot store, in document order, under the given path', () => {
    const value = { ok: 'fine', list: ['x', 'nul\u0000', { 'bad\ud800key': 1 }], nested: { deeper: '\udc00' } };
    expect(unstorableTexts(value, ['body'])).toEqual([
      { path: ['body', 'list', 1], problem: expect.objectContaining({ type: 'string_nul' }) },
      { path: ['body', 'list', 2, 'bad\ud800key'], problem: expect.objectContaining({ type: 'string_unicode' }) },
      { path: ['body', 'nested', 'deeper'], problem: expect.objectContaining({ type: 'string_unicode' }) },
    ]);
    expect(unstorableTexts('\u0000')).toEqual([{ path: [], problem: expect.objectContaining({ type: 'string_nul' }) }]);
    expect(unstorableTexts({ a: [1, true, null, 'ok'] })).toEqual([]);
  });

  it('walks a value nested far deeper than the call stack allows', () => {
    const depth = 200_000;
    let value: unknown = 'bottom \u0000';
    for (let level = 0; level < depth; level += 1) value = level % 2 === 0 ? [value] : { a: value };
    const [found] = unstorableTexts(value);
    expect(found.problem.type).toBe('string_nul');
    expect(found.path).toHaveLength(depth);
  });
});
