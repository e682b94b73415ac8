import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { type Authenticator, CredentialAuthenticator } from '../../../common/auth/authenticator';
import type { Principal } from '../../../common/auth/principal';
import { ApiKeysService } from '../api-keys.service';

export const API_KEY_HEADER = 'x-api-key';

@Injectable()
@CredentialAuthenticator({ priority: 20 })
export class ApiKeyAuthenticator implements Authenticator {
  constructor(private readonly apiKeys: ApiKeysService) {}

  appliesTo(request: FastifyRequest): boolean {
    return request.headers[API_KEY_HEADER] !== undefined;
  }

  authenticate(request: FastifyRequest): Promise<Principal> {
    const header = request.headers[API_KEY_HEADER];
    return this.apiKeys.authenticate(typeof header === 'string' ? header.trim() : '');
  }
}
