import { jsonNestsDeeperThan } from './json-body';

const nestedObjects = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const nestedArrays = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('jsonNestsDeeperThan', () => {
  it('counts objects and arrays alike, the outermost as level 1', () => {
    for (const nested of [nestedObjects, nestedArrays]) {
      expect(jsonNestsDeeperThan(nested(32), 32)).toBe(false);
      expect(jsonNestsDeeperThan(nested(33), 32)).toBe(true);
    }
    expect(jsonNestsDeeperThan('{"a":[{"b":[]}],"c":{}}', 4)).toBe(false);
    expect(jsonNestsDeeperThan('{"a":[{"b":[]}],"c":{}}', 3)).toBe(true);
    expect(jsonNestsDeeperThan('"scalar"', 1)).toBe(false);
  });

  it('measures the deepest branch, not the number of brackets', () => {
    const wide = `[${Array.from({ length: 1000 }, () => '{"x":[1]}').join(',')}]`;
    expect(jsonNestsDeeperThan(wide, 3)).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ text: '[[[[{{{{ "\\" [[[[', other: '\\' });
    expect(jsonNestsDeeperThan(text, 1)).toBe(false);
    expect(jsonNestsDeeperThan(`{"a":"\\"[[[","b":[[1]]}`, 2)).toBe(true);
    // An escaped backslash ends right before the closing quote; an escaped quote does not close.
    expect(jsonNestsDeeperThan('{"a":"\\\\","b":[[1]]}', 2)).toBe(true);
    expect(jsonNestsDeeperThan('{"a":"\\\\\\"[[[","b":1}', 1)).toBe(false);
    expect(jsonNestsDeeperThan('"unterminated [[[[', 1)).toBe(false);
  });

  it('refuses a body nested thousands deep at once', () => {
    expect(jsonNestsDeeperThan(nestedArrays(100_000), 32)).toBe(true);
  });
});
