import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * `value`, changing at most once every `ms`: the first change shows at once, later ones within
 * the interval are folded into one at its end, so the latest value is never lost.
 */
export function useThrottled<T>(value: T, ms: number): T {
  const [shown, setShown] = useState(value);
  const lastShownAt = useRef(0);

  useEffect(() => {
    if (Object.is(value, shown)) return;
    const wait = lastShownAt.current + ms - Date.now();
    const show = () => {
      lastShownAt.current = Date.now();
      setShown(value);
    };
    if (wait <= 0) {
      show();
      return;
    }
    const timer = setTimeout(show, wait);
    return () => clearTimeout(timer);
  }, [value, shown, ms]);

  return shown;
}

/**
 * A function that runs `action` once, `ms` after the last of a burst of calls: the stream's
 * backlog of transitions then reads the campaign once, not once per transition.
 */
export function useCoalesced(action: () => void, ms: number): () => void {
  const actionRef = useRef(action);
  actionRef.current = action;
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  return useCallback(() => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => actionRef.current(), ms);
  }, [ms]);
}
