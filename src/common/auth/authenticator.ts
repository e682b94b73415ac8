import type { ExecutionContext } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { Principal } from './principal';

/**
 * One way of proving identity (bearer JWT, API key, internal secret, device token). The global
 * guard asks each, in `priority` order, whether the request carries its kind of credential; the
 * first that does decides: it returns the principal or throws `UnauthenticatedError`.
 */
export interface Authenticator {
  appliesTo(request: FastifyRequest): boolean;
  authenticate(request: FastifyRequest, context: ExecutionContext): Promise<Principal>;
}

export interface AuthenticatorOptions {
  /** Lower runs first. */
  priority: number;
}

export const CredentialAuthenticator = DiscoveryService.createDecorator<AuthenticatorOptions>();
