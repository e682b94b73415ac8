import { act, cleanup, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useCoalesced, useThrottled } from './use-timing';

beforeEach(() => vi.useFakeTimers({ now: 100_000 }));
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('useThrottled', () => {
  it('shows the first change at once and folds later ones into one at the end of the interval', () => {
    const { result, rerender } = renderHook(({ value }) => useThrottled(value, 2500), { initialProps: { value: 'a' } });
    expect(result.current).toBe('a');

    rerender({ value: 'b' });
    expect(result.current).toBe('b');

    act(() => vi.advanceTimersByTime(500));
    rerender({ value: 'c' });
    act(() => vi.advanceTimersByTime(500));
    rerender({ value: 'd' });
    expect(result.current).toBe('b');

    act(() => vi.advanceTimersByTime(1499));
    expect(result.current).toBe('b');
    act(() => vi.advanceTimersByTime(1));
    expect(result.current).toBe('d');
  });
});

describe('useCoalesced', () => {
  it('runs once after a burst of calls', () => {
    const action = vi.fn();
    const { result } = renderHook(() => useCoalesced(action, 300));
    act(() => {
      result.current();
      result.current();
    });
    act(() => vi.advanceTimersByTime(200));
    act(() => result.current());
    act(() => vi.advanceTimersByTime(299));
    expect(action).not.toHaveBeenCalled();
    act(() => vi.advanceTimersByTime(1));
    expect(action).toHaveBeenCalledTimes(1);
  });

  it('does not run after the component is gone', () => {
    const action = vi.fn();
    const { result, unmount } = renderHook(() => useCoalesced(action, 300));
    act(() => result.current());
    unmount();
    vi.advanceTimersByTime(1000);
    expect(action).not.toHaveBeenCalled();
  });
});
