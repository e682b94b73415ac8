import { describe, expect, it } from 'vitest';
import { formatBytes, formatTime } from './format';

describe('formatBytes', () => {
  it('keeps small sizes in bytes', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
  });

  it('uses binary units with one decimal below ten', () => {
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MiB');
    expect(formatBytes(42 * 1024 ** 3)).toBe('42 GiB');
  });

  it('says nothing for a size that is not one', () => {
    expect(formatBytes(-1)).toBe('—');
    expect(formatBytes(Number.NaN)).toBe('—');
  });
});

describe('formatTime', () => {
  it('is a dash without a time and the local form of one', () => {
    expect(formatTime(null)).toBe('—');
    expect(formatTime('2026-01-02T03:04:05.000Z')).toBe(new Date('2026-01-02T03:04:05.000Z').toLocaleString());
  });

  it('shows text that is not a time as it is', () => {
    expect(formatTime('soon')).toBe('soon');
  });
});
