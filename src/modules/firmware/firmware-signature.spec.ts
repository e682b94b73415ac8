import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { InvalidPublicKeyError, parseEd25519PublicKey, spkiBase64, verifyDigestSignature } from './firmware-signature';

describe('firmware signatures', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const digest = createHash('sha256').update('firmware image').digest();
  const signature = sign(null, digest, privateKey).toString('base64');

  it('accepts the public key as PEM, base64 SPKI DER and base64 raw bytes, all the same key', () => {
    const pem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const der = publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url').toString('base64');
    const forms = [pem, der, raw].map((text) => spkiBase64(parseEd25519PublicKey(text)));
    expect(new Set(forms)).toEqual(new Set([der]));
  });

  it('refuses keys that are not Ed25519 or not keys at all', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'pem', type: 'spki' }).toString();
    expect(() => parseEd25519PublicKey(rsa)).toThrow(InvalidPublicKeyError);
    expect(() => parseEd25519PublicKey('bm90IGEga2V5')).toThrow(InvalidPublicKeyError);
    expect(() => parseEd25519PublicKey('-----BEGIN PUBLIC KEY-----\ngarbage\n-----END PUBLIC KEY-----')).toThrow(InvalidPublicKeyError);
  });

  it('verifies a signature over the SHA-256 digest and nothing else', () => {
    const key = parseEd25519PublicKey(publicKey.export({ format: 'pem', type: 'spki' }).toString());
    expect(verifyDigestSignature(key, digest.toString('hex'), signature)).toBe(true);
    const otherDigest = createHash('sha256').update('another image').digest('hex');
    expect(verifyDigestSignature(key, otherDigest, signature)).toBe(false);
    const otherKey = parseEd25519PublicKey(generateKeyPairSync('ed25519').publicKey.export({ format: 'pem', type: 'spki' }).toString());
    expect(verifyDigestSignature(otherKey, digest.toString('hex'), signature)).toBe(false);
    expect(verifyDigestSignature(key, digest.toString('hex'), Buffer.from('short').toString('base64'))).toBe(false);
  });
});
