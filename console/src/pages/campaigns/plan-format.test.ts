import { describe, expect, it } from 'vitest';
import { formatDuration } from './plan-format';

describe('formatDuration', () => {
  it('uses the two largest units', () => {
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(45.4)).toBe('45 s');
    expect(formatDuration(90)).toBe('2 min');
    expect(formatDuration(18_000)).toBe('5 h 0 min');
    expect(formatDuration(3_900)).toBe('1 h 5 min');
    expect(formatDuration(2 * 86_400 + 3 * 3_600 + 59)).toBe('2 d 3 h');
  });
});
