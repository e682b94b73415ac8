import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { TEST_JWT_SECRET } from './test-app';

export interface TokenClaims {
  sub?: string;
  user_id?: string;
  organization_id?: string;
  role?: string;
  roles?: string[];
  email?: string;
  iss?: string;
  aud?: string;
}

/** Test factory: an HS256 token as the platform's auth service would issue it. */
export async function hs256Token(
  claims: TokenClaims = {},
  options: { secret?: string; expiresIn?: string | number; issuedAt?: number } = {},
): Promise<string> {
  const { iss, aud, ...rest } = claims;
  let jwt = new SignJWT({ sub: 'user-1', organization_id: 'org-a', role: 'operator', email: 'user-1@example.com', ...rest })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(options.issuedAt)
    .setExpirationTime(options.expiresIn ?? '1h');
  if (iss) jwt = jwt.setIssuer(iss);
  if (aud) jwt = jwt.setAudience(aud);
  return jwt.sign(new TextEncoder().encode(options.secret ?? TEST_JWT_SECRET));
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** A key pair published as a JWKS, for RS256/ES256 tests. */
export async function asymmetricSigner(alg: 'RS256' | 'ES256', kid: string) {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return {
    jwk,
    sign: (claims: TokenClaims = {}, expiresIn: string | number = '1h') =>
      new SignJWT({ sub: 'user-1', organization_id: 'org-a', role: 'operator', ...claims })
        .setProtectedHeader({ alg, kid, typ: 'JWT' })
        .setIssuedAt()
        .setExpirationTime(expiresIn)
        .sign(privateKey),
  };
}

/** The compact JWS with its signature replaced by one made with another key of the same length. */
export function withForgedSignature(token: string): string {
  const [header, payload, signature] = token.split('.');
  const bytes = Buffer.from(signature, 'base64url');
  for (let i = 0; i < bytes.length; i += 1) bytes[i] ^= 0x5a;
  return `${header}.${payload}.${bytes.toString('base64url')}`;
}

/** The token with its claims replaced but the original signature kept (a privilege-escalation attempt). */
export function withAlteredClaims(token: string, claims: Record<string, unknown>): string {
  const [header, payload, signature] = token.split('.');
  const altered = { ...(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as object), ...claims };
  return `${header}.${Buffer.from(JSON.stringify(altered)).toString('base64url')}.${signature}`;
}

/** An unsigned token (`alg: none`) carrying admin claims, as an attacker would send it. */
export function unsignedToken(claims: TokenClaims = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const body = { sub: 'user-1', organization_id: 'org-a', role: 'admin', iat: now, exp: now + 3600, ...claims };
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(body)}.`;
}

/** An HMAC token with another algorithm than the HS256 the service accepts (HS384, HS512). */
export async function hmacToken(alg: 'HS384' | 'HS512', claims: TokenClaims = {}, secret: string | Uint8Array = TEST_JWT_SECRET): Promise<string> {
  return new SignJWT({ sub: 'user-1', organization_id: 'org-a', role: 'admin', ...claims })
    .setProtectedHeader({ alg, typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(typeof secret === 'string' ? new TextEncoder().encode(secret) : secret);
}

/** An HS256 token that expired `secondsAgo` seconds ago. */
export function expiredHs256Token(claims: TokenClaims = {}, secondsAgo = 120): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return hs256Token(claims, { issuedAt: now - 3600, expiresIn: now - secondsAgo });
}

/** A JWKS document publishing the given public keys. */
export function jwksDocument(...keys: JWK[]): { keys: JWK[] } {
  return { keys };
}

/** Test factory: the body of `POST /api/v1/api-keys`. */
export function apiKeyRequest(overrides: Partial<{ name: string; role: string; expires_at: string | null }> & Record<string, unknown> = {}) {
  return { name: 'ci-pipeline', role: 'operator', ...overrides };
}

export function apiKeyHeader(key: string): Record<string, string> {
  return { 'x-api-key': key };
}

/** Headers of a service-to-service call, optionally acting for an organization. */
export function internalServiceHeaders(secret: string, options: { organizationId?: string; flag?: string } = {}): Record<string, string> {
  return {
    'x-internal-service': options.flag ?? 'true',
    'x-internal-service-secret': secret,
    ...(options.organizationId ? { 'x-organization-id': options.organizationId } : {}),
  };
}

export const TEST_INTERNAL_SECRET = 'internal-secret-for-tests-0123456789';
