import { type CanActivate, type ExecutionContext, Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '../../config';
import { ForbiddenError, UnauthenticatedError } from '../errors/domain-error';
import { ErrorCode } from '../errors/error-codes';
import { DEVICE_AUTH_KEY, IS_PUBLIC_KEY, REQUIRED_ROLES_KEY } from './auth.decorators';
import { type Authenticator, CredentialAuthenticator } from './authenticator';
import { hasAnyRole, type Principal } from './principal';

type AuthenticatedRequest = FastifyRequest & { principal?: Principal };

/**
 * The global guard: every route needs credentials unless marked `@Public()`, and `@Auth(...)`
 * roles and `@DeviceAuth()` are enforced here. Missing or bad credentials are 401; a known
 * caller without the role, or not allowed to act for the device, is 403.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate, OnModuleInit {
  private authenticators: Authenticator[] = [];

  constructor(
    private readonly reflector: Reflector,
    private readonly discovery: DiscoveryService,
  ) {}

  onModuleInit(): void {
    this.authenticators = this.discovery
      .getProviders({ metadataKey: CredentialAuthenticator.KEY })
      .map((wrapper) => ({
        instance: wrapper.instance as Authenticator,
        priority: this.discovery.getMetadataByDecorator(CredentialAuthenticator, wrapper)?.priority ?? 0,
      }))
      .sort((a, b) => a.priority - b.priority)
      .map(({ instance }) => instance);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.isPublic(targets)) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = await this.authenticate(request, context);

    const deviceParam = this.reflector.getAllAndOverride<string | undefined>(DEVICE_AUTH_KEY, targets);
    if (deviceParam !== undefined) {
      const deviceId = (request.params as Record<string, string | undefined> | undefined)?.[deviceParam];
      assertMayActForDevice(principal, deviceId);
      return true;
    }

    const required = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES_KEY, targets) ?? [];
    if (required.length > 0 && !hasAnyRole(principal, required)) {
      throw new ForbiddenError(ErrorCode.Forbidden, `This action requires the role ${required.join(' or ')}`);
    }
    return true;
  }

  /**
   * What `@DeviceAuth()` does, for the device API's hot routes that Fastify serves without Nest's
   * router (see `DeviceApiFastRoutes`): the same authenticators and the same 401/403 answers.
   * @throws UnauthenticatedError, ForbiddenError
   */
  async authenticateForDevice(request: FastifyRequest, reply: FastifyReply, deviceId: string | undefined): Promise<Principal> {
    const principal = await this.authenticate(request as AuthenticatedRequest, new ExecutionContextHost([request, reply]));
    assertMayActForDevice(principal, deviceId);
    return principal;
  }

  /** Asks the first authenticator that recognises the credentials; attaches the principal. */
  private async authenticate(request: AuthenticatedRequest, context: ExecutionContext): Promise<Principal> {
    const authenticator = this.authenticators.find((candidate) => candidate.appliesTo(request));
    if (!authenticator) {
      throw new UnauthenticatedError(
        ErrorCode.Unauthenticated,
        'Authentication required: send "Authorization: Bearer <token>", "X-API-Key: <key>" or "Authorization: Device <token>"',
      );
    }
    request.principal = await authenticator.authenticate(request, context);
    return request.principal;
  }

  /**
   * The most specific marker decides: `@Auth` on a handler of a `@Public()` controller protects
   * it, `@Public()` on a handler of an `@Auth` controller opens it. On the same level, `@Auth` wins.
   */
  private isPublic(targets: Function[]): boolean {
    for (const target of targets) {
      if (this.reflector.get<Role[] | undefined>(REQUIRED_ROLES_KEY, target) !== undefined) return false;
      if (this.reflector.get<string | undefined>(DEVICE_AUTH_KEY, target) !== undefined) return false;
      if (this.reflector.get<boolean | undefined>(IS_PUBLIC_KEY, target) === true) return true;
    }
    return false;
  }
}

/**
 * A device acts only for itself; a `device_gateway` API key for any device of its organization
 * (whether that device exists there is the route's 404 to give). Nobody else acts for devices.
 */
function assertMayActForDevice(principal: Principal, deviceId: string | undefined): void {
  if (principal.kind === 'device') {
    if (deviceId !== undefined && principal.id === deviceId) return;
    throw new ForbiddenError(ErrorCode.Forbidden, 'A device token acts only for its own device');
  }
  if (principal.kind === 'api_key' && principal.roles.includes('device_gateway')) return;
  throw new ForbiddenError(ErrorCode.Forbidden, 'This route is for devices: send a device token or a device_gateway API key');
}
