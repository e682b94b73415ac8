import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { type Authenticator, CredentialAuthenticator } from '../../../common/auth/authenticator';
import type { Principal } from '../../../common/auth/principal';
import { UnauthenticatedError } from '../../../common/errors/domain-error';
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

  appliesTo(request: FastifyRequest): boolean {
    return request.headers[FLAG_HEADER] !== undefined;
  }

  async authenticate(request: FastifyRequest): Promise<Principal> {
    if (this.expectedDigest === undefined) {
      throw new UnauthenticatedError(ErrorCode.InvalidServiceCredentials, 'Internal service calls are not enabled');
    }
    const flag = request.headers[FLAG_HEADER];
    const secret = request.headers[SECRET_HEADER];
    // Hashing first gives both sides the same length, which timingSafeEqual requires.
    const valid = flag === 'true' && typeof secret === 'string' && timingSafeEqual(digest(secret), this.expectedDigest);
    if (!valid) throw new UnauthenticatedError(ErrorCode.InvalidServiceCredentials, 'Invalid internal service credentials');

    const organization = request.headers[ORGANIZATION_HEADER];
    const serviceName = request.headers[SERVICE_NAME_HEADER];
    return {
      kind: 'service',
      id: typeof serviceName === 'string' && serviceName !== '' ? serviceName : 'internal',
      organizationId: typeof organization === 'string' && organization !== '' ? organization : null,
      roles: ['service'],
    };
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
