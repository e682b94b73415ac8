import { Inject, Injectable } from '@nestjs/common';
import { SignJWT } from 'jose';
import { NotFoundError, ValidationError } from '../../common/errors/domain-error';
import { ErrorCode } from '../../common/errors/error-codes';
import { APP_CONFIG, type AppConfig } from '../../config';
import type { DevTokenRequestDto, DevTokenResponseDto } from './dto/dev-token.dto';
import { JWT_SIGNING_SECRET, type JwtSigningSecret } from './jwt-keys';

const DEFAULT_TTL_SECONDS = 3600;

/** Issues HS256 tokens for development, like the platform auth service's dev-token endpoint. */
@Injectable()
export class DevTokensService {
  private readonly key: Uint8Array | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(JWT_SIGNING_SECRET) signing: JwtSigningSecret,
  ) {
    this.key = signing.secret === undefined ? undefined : new TextEncoder().encode(signing.secret);
  }

  get enabled(): boolean {
    return this.config.auth.devTokens && this.key !== undefined;
  }

  /**
   * Returns the signing key.
   * @throws NotFoundError when dev tokens are off (the endpoint does not exist then).
   */
  assertEnabled(): Uint8Array {
    if (!this.enabled || this.key === undefined) {
      throw new NotFoundError(ErrorCode.DevTokensDisabled, 'Dev tokens are disabled (set AUTH_DEV_TOKENS=true outside production)');
    }
    return this.key;
  }

  /**
   * Signs a token for the given user.
   * @throws NotFoundError when dev tokens are off (the endpoint does not exist then).
   * @throws ValidationError when `expires_in` exceeds the lifetime bearer tokens may have here.
   */
  async issue(request: DevTokenRequestDto): Promise<DevTokenResponseDto> {
    const key = this.assertEnabled();
    const { maxLifetimeSeconds } = this.config.auth;
    const expiresIn = request.expires_in ?? Math.min(DEFAULT_TTL_SECONDS, maxLifetimeSeconds);
    // A token this service would refuse is no use to anyone.
    if (expiresIn > maxLifetimeSeconds) {
      throw new ValidationError([
        { loc: ['body', 'expires_in'], msg: `expires_in must not be greater than ${maxLifetimeSeconds} (JWT_MAX_LIFETIME_SECONDS)`, type: 'max' },
      ]);
    }
    const claims = {
      user_id: request.user_id,
      email: request.email,
      organization_id: request.organization_id ?? this.config.auth.defaultOrganizationId,
      role: request.role ?? 'admin',
    };
    let jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(request.user_id)
      .setIssuedAt()
      .setExpirationTime(`${expiresIn}s`);
    if (this.config.auth.issuer) jwt = jwt.setIssuer(this.config.auth.issuer);
    if (this.config.auth.audience) jwt = jwt.setAudience(this.config.auth.audience);
    return { token: await jwt.sign(key), token_type: 'Bearer', expires_in: expiresIn, user_id: request.user_id };
  }
}
