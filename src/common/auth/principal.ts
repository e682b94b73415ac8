import type { Role } from '../../config';

/** Who is calling, however they proved it. Attached to the request by the global guard. */
export interface Principal {
  kind: 'user' | 'api_key' | 'service';
  /** User id (`sub`), API key id, or calling service name. */
  id: string;
  /** Null for tokens without an organization; such callers cannot touch organization data. */
  organizationId: string | null;
  roles: Role[];
  email?: string;
}

/** Each role and the roles it includes: admin can do what an operator can, and so on. */
const impliedRoles: Record<Role, readonly Role[]> = {
  viewer: ['viewer'],
  operator: ['operator', 'viewer'],
  admin: ['admin', 'operator', 'viewer'],
  service: ['service', 'operator', 'viewer'],
};

/** True when any of the principal's roles includes any of `required`. */
export function hasAnyRole(principal: Principal, required: readonly Role[]): boolean {
  return principal.roles.some((role) => impliedRoles[role].some((implied) => required.includes(implied)));
}

export const ROLES: readonly Role[] = ['viewer', 'operator', 'admin', 'service'];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
