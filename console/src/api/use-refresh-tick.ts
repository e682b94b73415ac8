import { useEffect, useState } from 'react';

/**
 * A counter that goes up every `ms` while `active` and the tab is visible, and at once when it
 * becomes visible again: pass it in a `useResource` key to refresh a page without polling hidden tabs.
 */
export function useRefreshTick(ms: number, active = true): number {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!active) return;
    let timer: ReturnType<typeof setInterval> | undefined;
    const stop = () => {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
    };
    const start = () => {
      stop();
      if (document.visibilityState === 'visible') timer = setInterval(() => setTick((n) => n + 1), ms);
    };
    const onVisibilityChange = () => {
      if (document.visibilityState === 'visible') setTick((n) => n + 1);
      start();
    };
    start();
    document.addEventListener('visibilitychange', onVisibilityChange);
    return () => {
      stop();
      document.removeEventListener('visibilitychange', onVisibilityChange);
    };
  }, [ms, active]);
  return tick;
}
