import { applyDecorators, createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiNotFoundResponse, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Role } from '../../config';
import { ErrorCode } from '../errors/error-codes';
import { ForbiddenError } from '../errors/domain-error';
import { ErrorResponseDto } from '../http/error-response.dto';
import type { Principal } from './principal';

export const IS_PUBLIC_KEY = 'auth:public';
export const REQUIRED_ROLES_KEY = 'auth:roles';
/** Marks a device-facing route; the value is the name of the path parameter holding the device id. */
export const DEVICE_AUTH_KEY = 'auth:device';

/** Opens a route to anonymous callers; everything else needs credentials. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC_KEY, true);

/**
 * Requires credentials with at least one of `roles` (roles include lower ones: admin ⊃ operator ⊃
 * viewer), and documents the accepted credentials and the 401/403 answers in OpenAPI.
 */
export function Auth(...roles: [Role, ...Role[]]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(REQUIRED_ROLES_KEY, roles),
    ApiBearerAuth('bearer'),
    ApiSecurity('api_key'),
    ApiSecurity('internal_service'),
    ApiUnauthorizedResponse({ description: 'Missing, invalid or expired credentials', type: ErrorResponseDto }),
    ApiForbiddenResponse({ description: `Requires role: ${roles.join(' or ')}`, type: ErrorResponseDto }),
  );
}

/**
 * A device-facing route addressing one device through the path parameter `param`: a device
 * (`Authorization: Device <token>`) may call it for itself only, an API key with the role
 * `device_gateway` for any device of its organization (the route's own lookup answers 404 for a
 * device of another organization). Everyone else, users and other keys included, gets 403.
 */
export function DeviceAuth(param = 'device_id'): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(DEVICE_AUTH_KEY, param),
    ApiSecurity('device'),
    ApiSecurity('api_key'),
    ApiUnauthorizedResponse({ description: 'Missing or invalid device token or API key', type: ErrorResponseDto }),
    ApiForbiddenResponse({
      description: 'Not this device: another device\'s token, or credentials that are neither a device token nor a device_gateway API key',
      type: ErrorResponseDto,
    }),
    ApiNotFoundResponse({ description: 'No such device in the organization', type: ErrorResponseDto }),
  );
}

/** The authenticated caller. */
export const CurrentPrincipal = createParamDecorator(
  (_: unknown, context: ExecutionContext): Principal => context.switchToHttp().getRequest<{ principal: Principal }>().principal,
);

/**
 * The caller's organization, for organization-scoped resources. Callers without one (a token
 * with no `organization_id`) are refused, so no query ever runs unscoped.
 */
export const CurrentOrganization = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const { principal } = context.switchToHttp().getRequest<{ principal: Principal }>();
  return requireOrganization(principal);
});

export function requireOrganization(principal: Principal): string {
  if (principal.organizationId === null) {
    throw new ForbiddenError(ErrorCode.NoOrganization, 'These credentials are not bound to an organization');
  }
  return principal.organizationId;
}
