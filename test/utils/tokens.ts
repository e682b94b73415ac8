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
