import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { decodeProtectedHeader } from 'jose';
import { passportJwtSecret } from 'jwks-rsa';
import { ExtractJwt, Strategy, type StrategyOptionsWithRequest } from 'passport-jwt';
import { isRole, type Principal } from '../../common/auth/principal';
import { UnauthenticatedError } from '../../common/errors/domain-error';
import { ErrorCode } from '../../common/errors/error-codes';
import { APP_CONFIG, type AppConfig } from '../../config';
import { JWT_SIGNING_SECRET, type JwtSigningSecret } from './jwt-keys';

/** The claims this service reads from bearer tokens (the platform's auth service issues them). */
export interface TokenClaims {
  sub?: unknown;
  user_id?: unknown;
  organization_id?: unknown;
  role?: unknown;
  roles?: unknown;
  email?: unknown;
}

/**
 * passport-jwt strategy: HS256 tokens signed with the shared secret, RS256/ES256 tokens signed
 * by a key of the configured JWKS; `exp` always, `iss`/`aud` when configured.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(JWT_SIGNING_SECRET) signing: JwtSigningSecret,
  ) {
    super(strategyOptions(config, signing));
  }

  /** Maps verified claims to the caller; tokens without a known role get the default role. */
  validate(_request: FastifyRequest, claims: TokenClaims): Principal {
    const subject = nonEmpty(claims.sub) ?? nonEmpty(claims.user_id);
    if (subject === undefined) {
      throw new UnauthenticatedError(ErrorCode.InvalidToken, 'The token names no user (sub or user_id)');
    }
    const rolesClaim = Array.isArray(claims.roles) ? (claims.roles as unknown[]) : [claims.roles];
    const roles = [claims.role, ...rolesClaim].filter(isRole);
    return {
      kind: 'user',
      id: subject,
      organizationId: nonEmpty(claims.organization_id) ?? null,
      roles: roles.length > 0 ? [...new Set(roles)] : [this.config.auth.defaultRole],
      email: nonEmpty(claims.email),
    };
  }
}

type KeyCallback = (error: Error | null, key?: string | Buffer) => void;

function strategyOptions(config: AppConfig, signing: JwtSigningSecret): StrategyOptionsWithRequest {
  const jwksKey = config.auth.jwksUrl
    ? passportJwtSecret({ jwksUri: config.auth.jwksUrl, cache: true, cacheMaxAge: 10 * 60_000, rateLimit: true, jwksRequestsPerMinute: 10 })
    : undefined;
  return {
    jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
    passReqToCallback: true,
    ignoreExpiration: false,
    algorithms: [...(signing.secret ? ['HS256' as const] : []), ...(jwksKey ? ['RS256' as const, 'ES256' as const] : [])],
    issuer: config.auth.issuer,
    audience: config.auth.audience,
    // The token's header says which kind of key verifies it; the `algorithms` list above still
    // decides what is acceptable, so a header cannot downgrade the check.
    secretOrKeyProvider: (request: unknown, rawToken: string, done: KeyCallback) => {
      const algorithm = headerAlgorithm(rawToken);
      if (algorithm === 'HS256' && signing.secret) return done(null, signing.secret);
      if (algorithm !== 'HS256' && jwksKey) return jwksKey(request as never, rawToken, done);
      return done(new UnauthenticatedError(ErrorCode.InvalidToken, `Tokens signed with ${algorithm} are not accepted`));
    },
  };
}

function headerAlgorithm(rawToken: string): string {
  try {
    return decodeProtectedHeader(rawToken).alg ?? 'none';
  } catch {
    return 'none';
  }
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
