import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { type Authenticator, CredentialAuthenticator } from '../../../common/auth/authenticator';
import type { Principal } from '../../../common/auth/principal';
import { DevicesService } from '../devices.service';

/** `Authorization: Device <token>`; the scheme is case-insensitive, as HTTP auth schemes are. */
const DEVICE_SCHEME = /^device\s+/i;

/** A device's own credential: the token issued at registration or rotation. */
@Injectable()
@CredentialAuthenticator({ priority: 40 })
export class DeviceTokenAuthenticator implements Authenticator {
  constructor(private readonly devices: DevicesService) {}

  appliesTo(request: FastifyRequest): boolean {
    return DEVICE_SCHEME.test(request.headers.authorization ?? '');
  }

  authenticate(request: FastifyRequest): Promise<Principal> {
    return this.devices.authenticateToken((request.headers.authorization ?? '').replace(DEVICE_SCHEME, '').trim());
  }
}
