/** What is wrong with a text the database cannot store, as a validation error's `msg` and `type`. */
export interface TextProblem {
  msg: string;
  type: 'string_nul' | 'string_unicode';
}

/**
 * Why PostgreSQL could not store `value` as text or inside jsonb, or null when it can. It refuses
 * U+0000, and a lone UTF-16 surrogate, which JSON input may carry as an escape (`"\ud800"`), has
 * no UTF-8 form. Refused at the edge, either is a 422 (or a dropped message), not a database error.
 */
export function storableTextProblem(value: string): TextProblem | null {
  if (value.includes('\u0000')) return { msg: 'Text must not contain NUL (U+0000) characters', type: 'string_nul' };
  if (!value.isWellFormed()) return { msg: 'Text must be valid Unicode: no unpaired surrogate (U+D800 to U+DFFF)', type: 'string_unicode' };
  return null;
}

/** Whether the database can store `value` (see {@link storableTextProblem}). */
export function isStorableText(value: string): boolean {
  return storableTextProblem(value) === null;
}

/** Control characters cannot be typed into a path or told apart in a list (U+0000 is one of them). */
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** Text fit for an id or a name: no control characters, and storable (see {@link storableTextProblem}). */
export function isPlainName(value: string): boolean {
  return !CONTROL_CHARACTERS.test(value) && value.isWellFormed();
}
