import { describe, expect, it } from 'vitest';
import { offsetFromParam, pageWindow } from './pagination';

describe('pageWindow', () => {
  it('describes the first page of several', () => {
    expect(pageWindow(0, 50, 50, 120)).toEqual({ first: 1, last: 50, total: 120, previousOffset: undefined, nextOffset: 50 });
  });

  it('describes the last, partial page', () => {
    expect(pageWindow(100, 50, 20, 120)).toEqual({ first: 101, last: 120, total: 120, previousOffset: 50, nextOffset: undefined });
  });

  it('goes back to the start from an offset that is not a multiple of the page', () => {
    expect(pageWindow(30, 50, 50, 200).previousOffset).toBe(0);
  });

  it('has nothing to show for an empty list', () => {
    expect(pageWindow(0, 50, 0, 0)).toEqual({ first: 0, last: 0, total: 0, previousOffset: undefined, nextOffset: undefined });
  });
});

describe('offsetFromParam', () => {
  it('takes a whole non-negative number and nothing else', () => {
    expect(offsetFromParam('100')).toBe(100);
    expect(offsetFromParam(null)).toBe(0);
    expect(offsetFromParam('-5')).toBe(0);
    expect(offsetFromParam('2.5')).toBe(0);
    expect(offsetFromParam('abc')).toBe(0);
  });
});
