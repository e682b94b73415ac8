import type { Role } from '../../config';
import { hasAnyRole, type Principal } from './principal';

function caller(...roles: Role[]): Principal {
  return { kind: 'user', id: 'u', organizationId: 'org', roles };
}

describe('hasAnyRole', () => {
  it.each<[Role, Role, boolean]>([
    ['admin', 'admin', true],
    ['admin', 'operator', true],
    ['admin', 'viewer', true],
    ['operator', 'viewer', true],
    ['operator', 'operator', true],
    ['operator', 'admin', false],
    ['viewer', 'operator', false],
    ['viewer', 'viewer', true],
    ['service', 'operator', true],
    ['service', 'admin', false],
    ['admin', 'service', false],
  ])('a %s caller satisfies %s: %s', (has, required, expected) => {
    expect(hasAnyRole(caller(has), [required])).toBe(expected);
  });

  it('accepts any of several required roles and any of several held roles', () => {
    expect(hasAnyRole(caller('viewer'), ['admin', 'viewer'])).toBe(true);
    expect(hasAnyRole(caller('viewer', 'admin'), ['admin'])).toBe(true);
    expect(hasAnyRole(caller(), ['viewer'])).toBe(false);
  });
});
