import { useEffect } from 'react';
import type { Session } from './session';

/** The longest delay `setTimeout` keeps (about 24.8 days); a later expiry is looked at again then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Calls `onExpired` when the session's credentials expire (`expires_at` of `GET /auth/me`; API
 * keys and tokens without one never do), so the console goes back to its sign-in page saying why
 * instead of answering every click with the API's 401. A session already past it expires at once.
 */
export function useSessionExpiry(session: Session | undefined, onExpired: (expiredAt: Date) => void): void {
  useEffect(() => {
    const expiresAt = session?.principal.expires_at ?? null;
    if (expiresAt === null) return;
    const at = new Date(expiresAt);
    let timer: ReturnType<typeof setTimeout>;
    const wait = () => {
      const left = at.getTime() - Date.now();
      if (left <= 0) onExpired(at);
      else timer = setTimeout(wait, Math.min(left, MAX_TIMER_MS));
    };
    wait();
    return () => clearTimeout(timer);
    // onExpired is left out on purpose: a new handler each render must not restart the wait.
  }, [session]);
}
