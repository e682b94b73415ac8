import { isPlainName, isStorableText, storableTextProblem } from './storable-text';

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
