import { createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';

const RAW_ED25519_KEY_BYTES = 32;
const ED25519_SIGNATURE_BYTES = 64;

export class InvalidPublicKeyError extends Error {}

/**
 * Reads an Ed25519 public key given as PEM (SPKI), base64 SPKI DER, or base64 of the 32 raw
 * bytes (what most signing tools print).
 * @throws InvalidPublicKeyError when it is none of these or not an Ed25519 key.
 */
export function parseEd25519PublicKey(text: string): KeyObject {
  const trimmed = text.trim();
  let key: KeyObject;
  try {
    if (trimmed.startsWith('-----BEGIN')) {
      key = createPublicKey({ key: trimmed, format: 'pem' });
    } else {
      const bytes = Buffer.from(trimmed, 'base64');
      key =
        bytes.length === RAW_ED25519_KEY_BYTES
          ? createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: bytes.toString('base64url') }, format: 'jwk' })
          : createPublicKey({ key: bytes, format: 'der', type: 'spki' });
    }
  } catch {
    throw new InvalidPublicKeyError('not a PEM or base64 public key');
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new InvalidPublicKeyError(`an Ed25519 key is required, got ${key.asymmetricKeyType ?? 'an unknown key type'}`);
  }
  return key;
}

/** The key as stored and compared: base64 of its SPKI DER. */
export function spkiBase64(key: KeyObject): string {
  return key.export({ format: 'der', type: 'spki' }).toString('base64');
}

export function spkiPem(key: KeyObject): string {
  return key.export({ format: 'pem', type: 'spki' }).toString();
}

export function fingerprint(key: KeyObject): string {
  return createHash('sha256').update(key.export({ format: 'der', type: 'spki' })).digest('hex');
}

/**
 * True when `signatureBase64` is the Ed25519 signature, by `key`, of the 32-byte SHA-256 digest
 * whose hex is `sha256Hex` (signing the digest lets devices and tools sign without re-reading the
 * whole image).
 */
export function verifyDigestSignature(key: KeyObject, sha256Hex: string, signatureBase64: string): boolean {
  const signature = Buffer.from(signatureBase64, 'base64');
  if (signature.length !== ED25519_SIGNATURE_BYTES) return false;
  return verify(null, Buffer.from(sha256Hex, 'hex'), key, signature);
}
