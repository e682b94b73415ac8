import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { type Authenticator, CredentialAuthenticator } from '../../../common/auth/authenticator';
import { isIdentifier, ORGANIZATION_ID_MAX_LENGTH, type Principal, PRINCIPAL_ID_MAX_LENGTH } from '../../../common/auth/principal';
import { BadRequestError, UnauthenticatedError } from '../../../common/errors/domain-error';
import { ErrorCode } from '../../../common/errors/error-codes';
import { APP_CONFIG, type AppConfig } from '../../../config';

const FLAG_HEADER = 'x-internal-service';
const SECRET_HEADER = 'x-internal-service-secret';
/** Internal callers act for the organization they name; without one they see no organization data. */
const ORGANIZATION_HEADER = 'x-organization-id';
const SERVICE_NAME_HEADER = 'x-service-name';

/**
 * Service-to-service calls with the shared secret. Off unless `INTERNAL_SERVICE_SECRET` is set;
 * the secret is compared in constant time.
 */
@Injectable()
@CredentialAuthenticator({ priority: 10 })
export class InternalServiceAuthenticator implements Authenticator {
  private readonly expectedDigest: Buffer | undefined;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.expectedDigest = config.auth.internalSecret === undefined ? undefined : digest(config.auth.internalSecret);
  }

  /** Only `X-Internal-Service: true` claims an internal call; `false` leaves the other credentials to decide. */
  appliesTo(request: FastifyRequest): boolean {
    const flag = request.headers[FLAG_HEADER];
    return typeof flag === 'string' && flag.trim().toLowerCase() === 'true';
  }

  async authenticate(request: FastifyRequest): Promise<Principal> {
    if (this.expectedDigest === undefined) {
      throw new UnauthenticatedError(ErrorCode.InvalidServiceCredentials, 'Internal service calls are not enabled');
    }
    const secret = request.headers[SECRET_HEADER];
    // Hashing first gives both sides the same length, which timingSafeEqual requires.
    const valid = typeof secret === 'string' && timingSafeEqual(digest(secret), this.expectedDigest);
    if (!valid) throw new UnauthenticatedError(ErrorCode.InvalidServiceCredentials, 'Invalid internal service credentials');

    const organization = optionalHeader(request, ORGANIZATION_HEADER, ORGANIZATION_ID_MAX_LENGTH);
    const serviceName = optionalHeader(request, SERVICE_NAME_HEADER, PRINCIPAL_ID_MAX_LENGTH);
    return { kind: 'service', id: serviceName ?? 'internal', organizationId: organization ?? null, roles: ['service'] };
  }
}

/**
 * The header's value, undefined when absent or empty; one that cannot be stored is refused. Sent
 * twice it is refused too: Node joins repeated headers with ", ", which would name another
 * organization (or service) than either copy.
 */
function optionalHeader(request: FastifyRequest, name: string, maxLength: number): string | undefined {
  const sent = occurrences(request, name);
  if (sent > 1) throw new BadRequestError(ErrorCode.BadRequest, `${name} must be sent once, not ${sent} times`);
  const value = request.headers[name];
  if (value === undefined || value === '') return undefined;
  if (!isIdentifier(value, maxLength)) {
    throw new UnauthenticatedError(ErrorCode.InvalidServiceCredentials, `${name} must be 1 to ${maxLength} printable characters`);
  }
  return value;
}

/** How often the header was sent; `rawHeaders` keeps each occurrence, with names as sent. */
function occurrences(request: FastifyRequest, name: string): number {
  const raw = request.raw.rawHeaders;
  let count = 0;
  for (let i = 0; i < raw.length; i += 2) if (raw[i].toLowerCase() === name) count += 1;
  return count;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
