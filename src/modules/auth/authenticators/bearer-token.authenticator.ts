import { type ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { type Authenticator, CredentialAuthenticator } from '../../../common/auth/authenticator';
import type { Principal } from '../../../common/auth/principal';
import { DomainError, UnauthenticatedError } from '../../../common/errors/domain-error';
import { ErrorCode } from '../../../common/errors/error-codes';

const BEARER = /^bearer\s+/i;

/** `Authorization: Bearer <jwt>`, verified by passport-jwt through {@link JwtStrategy}. */
@Injectable()
@CredentialAuthenticator({ priority: 30 })
export class BearerTokenAuthenticator extends AuthGuard('jwt') implements Authenticator {
  appliesTo(request: FastifyRequest): boolean {
    return BEARER.test(request.headers.authorization ?? '');
  }

  async authenticate(request: FastifyRequest, context: ExecutionContext): Promise<Principal> {
    await this.canActivate(context);
    return (request as FastifyRequest & { user: Principal }).user;
  }

  /** passport reports failures as `err` or `info`; both become a 401 that says what was wrong. */
  override handleRequest<TUser = Principal>(error: unknown, user: TUser | false, info: unknown): TUser {
    if (user) return user;
    throw toUnauthenticated(error ?? info);
  }
}

/** Errors of the JWT library, whose messages say what is wrong with the token and nothing else. */
const TOKEN_ERRORS = new Set(['JsonWebTokenError', 'TokenExpiredError', 'NotBeforeError']);

function toUnauthenticated(reason: unknown): DomainError {
  if (reason instanceof DomainError) return reason;
  // Matched by name, not `instanceof`: errors raised inside Node's own modules (sockets, crypto)
  // may come from another realm, and their messages must not reach clients anyway.
  const { name, message } = typeof reason === 'object' && reason !== null ? (reason as { name?: unknown; message?: unknown }) : {};
  if (name === 'TokenExpiredError') return new UnauthenticatedError(ErrorCode.TokenExpired, 'Token expired');
  if (name === 'NotBeforeError') return new UnauthenticatedError(ErrorCode.InvalidToken, 'Token not yet valid');
  const detail = typeof name === 'string' && TOKEN_ERRORS.has(name) && typeof message === 'string' && message ? message : 'invalid token';
  return new UnauthenticatedError(ErrorCode.InvalidToken, `Invalid bearer token: ${detail}`);
}
