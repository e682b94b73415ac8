import { Inject, Injectable, Logger } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { decodeProtectedHeader } from 'jose';
import { passportJwtSecret } from 'jwks-rsa';
import { ExtractJwt, Strategy, type StrategyOptionsWithRequest } from 'passport-jwt';
import { isIdentifier, isRole, ORGANIZATION_ID_MAX_LENGTH, type Principal, PRINCIPAL_ID_MAX_LENGTH } from '../../common/auth/principal';
import { DependencyUnavailableError, type DomainError, ForbiddenError, UnauthenticatedError } from '../../common/errors/domain-error';
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
  iss?: unknown;
  /** Verified by passport-jwt when present: a number, in seconds. */
  exp?: unknown;
  iat?: unknown;
}

/**
 * passport-jwt strategy: HS256 tokens signed with the shared secret, RS256/ES256 tokens signed
 * by a key of the configured JWKS; `exp` always (required, and its lifetime bounded, unless
 * configured otherwise), `iss`/`aud` when configured.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(JWT_SIGNING_SECRET) signing: JwtSigningSecret,
  ) {
    super(strategyOptions(config, signing));
  }

  /**
   * Maps verified claims to the caller; tokens without a known role get the default role.
   * @throws UnauthenticatedError for a token without `exp` or with too long a lifetime, or without a usable user id.
   * @throws ForbiddenError for a token claiming the `service` role from an issuer not trusted for it.
   */
  validate(_request: FastifyRequest, claims: TokenClaims): Principal {
    this.assertBoundedLifetime(claims);
    const subject = nonEmpty(claims.sub) ?? nonEmpty(claims.user_id);
    if (subject === undefined) {
      throw new UnauthenticatedError(ErrorCode.InvalidToken, 'The token names no user (sub or user_id)');
    }
    if (!isIdentifier(subject, PRINCIPAL_ID_MAX_LENGTH)) {
      throw new UnauthenticatedError(ErrorCode.InvalidToken, `The token's user id must be at most ${PRINCIPAL_ID_MAX_LENGTH} printable characters`);
    }
    const organizationId = nonEmpty(claims.organization_id) ?? null;
    if (organizationId !== null && !isIdentifier(organizationId, ORGANIZATION_ID_MAX_LENGTH)) {
      throw new UnauthenticatedError(
        ErrorCode.InvalidToken,
        `The token's organization_id must be at most ${ORGANIZATION_ID_MAX_LENGTH} printable characters`,
      );
    }
    const rolesClaim = Array.isArray(claims.roles) ? (claims.roles as unknown[]) : [claims.roles];
    const roles = [claims.role, ...rolesClaim].filter(isRole);
    if (roles.includes('service') && !this.config.auth.serviceIssuers.includes(nonEmpty(claims.iss) ?? '')) {
      // Refused rather than dropped: a token that asks for more than it may have is a mistake or an attack.
      throw new ForbiddenError(
        ErrorCode.Forbidden,
        'Bearer tokens cannot grant the service role; it belongs to the internal service credential (or to issuers listed in JWT_SERVICE_ISSUERS)',
      );
    }
    return {
      kind: 'user',
      id: subject,
      organizationId,
      roles: roles.length > 0 ? [...new Set(roles)] : [this.config.auth.defaultRole],
      email: nonEmpty(claims.email),
      expiresAt: typeof claims.exp === 'number' ? new Date(claims.exp * 1000) : undefined,
    };
  }

  /** A token that never expires, or lives longer than allowed, cannot be contained once it leaks. */
  private assertBoundedLifetime(claims: TokenClaims): void {
    const { requireExp, maxLifetimeSeconds } = this.config.auth;
    if (typeof claims.exp !== 'number') {
      if (requireExp) throw new UnauthenticatedError(ErrorCode.InvalidToken, 'Invalid bearer token: it has no expiry (exp)');
      return;
    }
    const issuedAt = typeof claims.iat === 'number' ? claims.iat : Date.now() / 1000;
    const lifetime = Math.ceil(claims.exp - issuedAt);
    if (lifetime > maxLifetimeSeconds) {
      throw new UnauthenticatedError(
        ErrorCode.InvalidToken,
        `Invalid bearer token: its lifetime of ${lifetime} s exceeds the accepted maximum of ${maxLifetimeSeconds} s`,
      );
    }
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
      if (algorithm !== 'HS256' && jwksKey) {
        return jwksKey(request as never, rawToken, (error, key) => {
          if (error) return done(jwksFailure(error));
          // No key: an unknown `kid`, or an algorithm the JWKS cannot serve.
          return key ? done(null, key) : done(noSigningKey());
        });
      }
      return done(new UnauthenticatedError(ErrorCode.InvalidToken, `Tokens signed with ${algorithm} are not accepted`));
    },
  };
}

const logger = new Logger('Auth');

/**
 * An unreachable JWKS is our outage, not a bad token: 503, so clients retry instead of dropping a
 * valid token. Neither answer repeats the underlying error, which names internal addresses.
 */
function jwksFailure(error: Error): DomainError {
  if ((error as { isEndpointUnavailable?: unknown }).isEndpointUnavailable === true) {
    logger.warn(`JWKS endpoint unavailable: ${error.message}`);
    return new DependencyUnavailableError(ErrorCode.DependencyUnavailable, 'The keys that verify bearer tokens cannot be fetched right now');
  }
  return noSigningKey();
}

function noSigningKey(): DomainError {
  return new UnauthenticatedError(ErrorCode.InvalidToken, 'Invalid bearer token: no published key verifies it');
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
