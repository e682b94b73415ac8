import type { Role } from '../../config';
import { isPlainName } from '../text/storable-text';

/** Who is calling, however they proved it. Attached to the request by the global guard. */
export interface Principal {
  kind: 'user' | 'api_key' | 'service' | 'device';
  /** User id (`sub`), API key id, calling service name, or the device's `device_id`. */
  id: string;
  /** Null for tokens without an organization; such callers cannot touch organization data. */
  organizationId: string | null;
  roles: Role[];
  email?: string;
  /** When the credential stops being valid (a token's `exp`, an API key's expiry); undefined: no set end. */
  expiresAt?: Date;
}

/** A copy the caller may change (roles included) without touching a cached original. */
export function copyOfPrincipal(principal: Principal): Principal {
  return { ...principal, roles: [...principal.roles] };
}

/** Organization ids are stored in columns of this size; longer ones cannot own anything. */
export const ORGANIZATION_ID_MAX_LENGTH = 100;
/** User, key and service ids are recorded (e.g. as `created_by`) in columns of this size. */
export const PRINCIPAL_ID_MAX_LENGTH = 255;

/**
 * True for an id this service can store and compare: 1 to `maxLength` characters, no control
 * characters (PostgreSQL text cannot even hold U+0000) and no unpaired surrogate (no UTF-8 form).
 */
export function isIdentifier(value: unknown, maxLength: number): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= maxLength && isPlainName(value);
}

/** Each role and the roles it includes: admin can do what an operator can, and so on. */
const impliedRoles: Record<Role, readonly Role[]> = {
  viewer: ['viewer'],
  operator: ['operator', 'viewer'],
  admin: ['admin', 'operator', 'viewer'],
  service: ['service', 'operator', 'viewer'],
  // Acts for the devices of its organization on the device API, and nothing else.
  device_gateway: ['device_gateway'],
};

/** True when any of the principal's roles includes any of `required`. */
export function hasAnyRole(principal: Principal, required: readonly Role[]): boolean {
  return principal.roles.some((role) => impliedRoles[role].some((implied) => required.includes(implied)));
}

export const ROLES: readonly Role[] = ['viewer', 'operator', 'admin', 'service', 'device_gateway'];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
