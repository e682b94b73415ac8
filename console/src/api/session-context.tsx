import { createContext, useContext } from 'react';
import type { Session } from './session';

export const SessionContext = createContext<{ session: Session; signOut: () => void } | undefined>(undefined);

/** The signed-in session; pages render only inside the signed-in shell, so it is always there. */
export function useSession(): Session {
  const value = useContext(SessionContext);
  if (value === undefined) throw new Error('useSession outside the signed-in console');
  return value.session;
}

export function useSignOut(): () => void {
  const value = useContext(SessionContext);
  if (value === undefined) throw new Error('useSignOut outside the signed-in console');
  return value.signOut;
}
