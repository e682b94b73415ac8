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

/** A string, or an object key, somewhere in a JSON value that the database cannot store. */
export interface UnstorableText {
  /** Keys and indexes leading to it from the value's root, after `at`. */
  path: (string | number)[];
  problem: TextProblem;
}

/** One step from a JSON value's root: the key or index, and the step before it. */
interface PathStep {
  key: string | number;
  parent: PathStep | undefined;
}

/**
 * Every string and object key inside a JSON value that the database cannot store (see
 * {@link storableTextProblem}), in document order, each with its path prefixed by `at`. Iterative
 * rather than recursive: the nesting of a request's JSON is the caller's choice, and a recursive
 * walk over one nested thousands deep overflows the stack. Paths are linked steps, spelled out
 * only for what is found, so the walk stays linear however deep the value goes.
 */
export function unstorableTexts(value: unknown, at: (string | number)[] = []): UnstorableText[] {
  const found: UnstorableText[] = [];
  const report = (step: PathStep | undefined, problem: TextProblem): void => {
    const path: (string | number)[] = [];
    for (let current = step; current !== undefined; current = current.parent) path.push(current.key);
    found.push({ path: [...at, ...path.reverse()], problem });
  };
  // A key the database cannot store is reported in place of its value, in document order too.
  const pending: { value: unknown; step: PathStep | undefined; keyProblem?: TextProblem }[] = [{ value, step: undefined }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value: item, step, keyProblem } = next;
    if (keyProblem) {
      report(step, keyProblem);
    } else if (typeof item === 'string') {
      const problem = storableTextProblem(item);
      if (problem) report(step, problem);
    } else if (Array.isArray(item)) {
      // Children go on the stack last to first, so they come off it in document order.
      for (let index = item.length - 1; index >= 0; index -= 1) pending.push({ value: item[index], step: { key: index, parent: step } });
    } else if (typeof item === 'object' && item !== null) {
      const entries = Object.entries(item);
      for (let index = entries.length - 1; index >= 0; index -= 1) {
        const [key, child] = entries[index];
        pending.push({ value: child, step: { key, parent: step }, keyProblem: storableTextProblem(key) ?? undefined });
      }
    }
  }
  return found;
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
