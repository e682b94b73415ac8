import type { Principal } from '../../src/common/auth/principal';
import type { AuditContext } from '../../src/modules/audit/audit-context';

/** Test factory: the audit context of an operator's request, for tests that call services directly. */
export function auditContext(principal: Partial<Principal> = {}): AuditContext {
  return {
    principal: { kind: 'user', id: 'op-1', organizationId: 'org-a', roles: ['operator'], ...principal },
    requestId: 'test-request',
    clientIp: '127.0.0.1',
  };
}
