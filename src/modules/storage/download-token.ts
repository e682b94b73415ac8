import { createHmac, timingSafeEqual } from 'node:crypto';
import { ForbiddenError } from '../../common/errors/domain-error';
import { ErrorCode } from '../../common/errors/error-codes';
import { isValidStorageKey } from './storage.port';

/** What a download token grants: reading one object until `expiresAt`. */
export interface DownloadGrant {
  key: string;
  fileName: string;
  expiresAt: Date;
}

interface TokenClaims {
  /** storage key */
  k: string;
  /** suggested file name */
  n: string;
  /** expiry, Unix seconds */
  e: number;
}

const TOKEN_SHAPE = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/;

/**
 * Stateless, expiring download tokens for the filesystem store: `base64url(json).base64url(mac)`
 * with an HMAC-SHA256 over the first part. Any replica holding the secret can verify them.
 */
export class DownloadTokenSigner {
  constructor(private readonly secret: string) {}

  sign(grant: DownloadGrant): string {
    const claims: TokenClaims = { k: grant.key, n: grant.fileName, e: Math.floor(grant.expiresAt.getTime() / 1000) };
    const payload = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
    return `${payload}.${this.mac(payload)}`;
  }

  /**
   * The grant a token carries. The signature is checked before anything in the payload is read.
   * @throws ForbiddenError `download/invalid_token` (malformed or tampered), `download/expired`
   */
  verify(token: string, now: Date = new Date()): DownloadGrant {
    const match = TOKEN_SHAPE.exec(token);
    if (!match) throw invalidToken();
    const [, payload, signature] = match;
    // Compared as canonical text, so a signature that only decodes to the right bytes fails too.
    const expected = Buffer.from(this.mac(payload), 'ascii');
    const given = Buffer.from(signature, 'ascii');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalidToken();
    const claims = parseClaims(payload);
    if (!claims) throw invalidToken();
    if (claims.e * 1000 <= now.getTime()) throw new ForbiddenError(ErrorCode.DownloadExpired, 'This download link has expired; ask for a new one');
    return { key: claims.k, fileName: claims.n, expiresAt: new Date(claims.e * 1000) };
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url');
  }
}

function invalidToken(): ForbiddenError {
  return new ForbiddenError(ErrorCode.DownloadInvalidToken, 'This download link is not valid');
}

function parseClaims(payload: string): TokenClaims | undefined {
  try {
    const value = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<TokenClaims> | null;
    if (typeof value !== 'object' || value === null) return undefined;
    const { k, n, e } = value;
    if (typeof k !== 'string' || !isValidStorageKey(k) || typeof n !== 'string' || !Number.isSafeInteger(e)) return undefined;
    return { k, n, e: e as number };
  } catch {
    return undefined;
  }
}
