import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../common/auth/principal';

/**
 * Who made a write through the API, and from where: what the audit event of the write records
 * beside the change itself. Built from the request by {@link CurrentAuditContext} and handed to
 * the service explicitly, so a service cannot write without saying on whose behalf.
 */
export interface AuditContext {
  principal: Principal;
  /** The request's id, as sent back in `X-Request-Id`; null outside a request (the `apikey:create` CLI). */
  requestId: string | null;
  /** `request.ip`: the peer address, or the client address a trusted proxy forwarded (TRUST_PROXY); null outside a request. */
  clientIp: string | null;
}

/** The {@link AuditContext} of the current request; the route must be authenticated. */
export const CurrentAuditContext = createParamDecorator((_: unknown, context: ExecutionContext): AuditContext => {
  const request = context.switchToHttp().getRequest<FastifyRequest & { principal: Principal }>();
  return { principal: request.principal, requestId: request.id, clientIp: request.ip };
});
