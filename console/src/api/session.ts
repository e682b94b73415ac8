import createClient from 'openapi-fetch';
import { authorizationOf, createOtaClient, type OtaClient, type OtaCredentials, type components, type paths } from '../../../clients/typescript';

export type CurrentPrincipal = components['schemas']['CurrentPrincipalResponseDto'];

/** A signed-in operator: the credentials sent with every call and who the service says they are. */
export interface Session {
  credentials: OtaCredentials;
  principal: CurrentPrincipal;
  client: OtaClient;
  /** Operators and admins (and services) write; viewers only read. The service still decides. */
  canWrite: boolean;
  /** Headers for calls made outside the typed client (uploads with progress, event streams). */
  authorization: Record<string, string>;
}

// Kept for the tab only: closing it signs out, and no other site or tab can read it.
const STORAGE_KEY = 'ota-console-credentials';

const WRITE_ROLES = new Set(['operator', 'admin', 'service']);

export function sessionOf(credentials: OtaCredentials, principal: CurrentPrincipal): Session {
  return {
    credentials,
    principal,
    client: clientFor(credentials),
    canWrite: principal.roles.some((role) => WRITE_ROLES.has(role)),
    authorization: authorizationOf(credentials),
  };
}

export function clientFor(credentials: OtaCredentials): OtaClient {
  return createOtaClient(window.location.origin, credentials);
}

/** For the public routes (the development token). */
export function anonymousClient(): OtaClient {
  return createClient<paths>({ baseUrl: window.location.origin });
}

export function rememberCredentials(credentials: OtaCredentials | undefined): void {
  if (credentials === undefined) sessionStorage.removeItem(STORAGE_KEY);
  else sessionStorage.setItem(STORAGE_KEY, JSON.stringify(credentials));
}

export function rememberedCredentials(): OtaCredentials | undefined {
  const stored = sessionStorage.getItem(STORAGE_KEY);
  if (stored === null) return undefined;
  try {
    const value: unknown = JSON.parse(stored);
    if (typeof value === 'object' && value !== null && ('bearer' in value || 'apiKey' in value)) return value as OtaCredentials;
  } catch {
    // A damaged entry is the same as none.
  }
  sessionStorage.removeItem(STORAGE_KEY);
  return undefined;
}

/** A pasted credential: a JWT has three dot-separated parts; anything else is taken for an API key. */
export function credentialsFromPaste(text: string): OtaCredentials {
  const value = text.trim().replace(/^bearer\s+/i, '');
  return /^[\w-]+\.[\w-]+\.[\w-]+$/.test(value) ? { bearer: value } : { apiKey: value };
}
