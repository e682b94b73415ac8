import { hash, randomBytes } from 'node:crypto';

/** Recognisable in logs and secret scanners, like the `ota_` of API keys. */
export const DEVICE_TOKEN_PREFIX = 'dvt_';

/** A new device token: 256 random bits, base64url, with the prefix. */
export function generateDeviceToken(): string {
  return `${DEVICE_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** Tokens carry 256 random bits, so a fast hash is enough: there is nothing to brute-force. */
export function hashDeviceToken(token: string): string {
  return hash('sha256', token, 'hex');
}
