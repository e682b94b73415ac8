import { createHash } from 'node:crypto';

/**
 * Target selection's sample, worked out in JavaScript for tests to compare with: PostgreSQL's
 * `hashtextextended(device_id, seed)` (src/common/hashfn.c `hash_bytes_extended`, the
 * little-endian byte-wise path, transcribed) with the seed taken from SHA-256 of the seed string.
 */
const rot = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;

function mix(s: Uint32Array): void {
  let [a, b, c] = s;
  a = (a - c) >>> 0; a = (a ^ rot(c, 4)) >>> 0; c = (c + b) >>> 0;
  b = (b - a) >>> 0; b = (b ^ rot(a, 6)) >>> 0; a = (a + c) >>> 0;
  c = (c - b) >>> 0; c = (c ^ rot(b, 8)) >>> 0; b = (b + a) >>> 0;
  a = (a - c) >>> 0; a = (a ^ rot(c, 16)) >>> 0; c = (c + b) >>> 0;
  b = (b - a) >>> 0; b = (b ^ rot(a, 19)) >>> 0; a = (a + c) >>> 0;
  c = (c - b) >>> 0; c = (c ^ rot(b, 4)) >>> 0; b = (b + a) >>> 0;
  s[0] = a; s[1] = b; s[2] = c;
}

function final(s: Uint32Array): void {
  let [a, b, c] = s;
  c = (c ^ b) >>> 0; c = (c - rot(b, 14)) >>> 0;
  a = (a ^ c) >>> 0; a = (a - rot(c, 11)) >>> 0;
  b = (b ^ a) >>> 0; b = (b - rot(a, 25)) >>> 0;
  c = (c ^ b) >>> 0; c = (c - rot(b, 16)) >>> 0;
  a = (a ^ c) >>> 0; a = (a - rot(c, 4)) >>> 0;
  b = (b ^ a) >>> 0; b = (b - rot(a, 14)) >>> 0;
  c = (c ^ b) >>> 0; c = (c - rot(b, 24)) >>> 0;
  s[0] = a; s[1] = b; s[2] = c;
}

/** `hash_bytes_extended` as a signed 64-bit value, as SQL returns it. */
export function hashBytesExtended(key: Buffer, seed: bigint): bigint {
  let len = key.length;
  const s = new Uint32Array(3).fill((0x9e3779b9 + len + 3923095) >>> 0);
  const unsignedSeed = BigInt.asUintN(64, seed);
  if (unsignedSeed !== 0n) {
    s[0] += Number(unsignedSeed >> 32n);
    s[1] += Number(unsignedSeed & 0xffffffffn);
    mix(s);
  }
  let k = 0;
  while (len >= 12) {
    s[0] += key.readUInt32LE(k);
    s[1] += key.readUInt32LE(k + 4);
    s[2] += key.readUInt32LE(k + 8);
    mix(s);
    k += 12;
    len -= 12;
  }
  // The last 11 bytes; the lowest byte of c is left out (reserved for the length in lookup3).
  const tail: [number, number, number][] = [
    [2, 10, 24], [2, 9, 16], [2, 8, 8], [1, 7, 24], [1, 6, 16], [1, 5, 8], [1, 4, 0], [0, 3, 24], [0, 2, 16], [0, 1, 8], [0, 0, 0],
  ];
  for (const [word, index, shift] of tail.slice(11 - len)) s[word] += (key[k + index] << shift) >>> 0;
  final(s);
  return BigInt.asIntN(64, (BigInt(s[1]) << 32n) | BigInt(s[2]));
}

/** The seed string as the 64-bit seed of the hash: the first 8 bytes of its SHA-256. */
export function sampleSeed(seed: string): bigint {
  return createHash('sha256').update(seed, 'utf8').digest().readBigInt64BE(0);
}

export function sampleHash(seed: string, deviceId: string): bigint {
  return hashBytesExtended(Buffer.from(deviceId, 'utf8'), sampleSeed(seed));
}

/** The bucket (0-9999) a device falls in for a seed: the hash's high half, scaled. */
export function sampleBucket(seed: string, deviceId: string): number {
  const high = Number((sampleHash(seed, deviceId) >> 32n) + 2147483648n);
  return Math.floor((high * 10_000) / 2 ** 32);
}

/** Device ids in the sample's order for a seed (hash, then id). */
export function sampleOrder(seed: string, deviceIds: readonly string[]): string[] {
  const keyed = deviceIds.map((id) => ({ id, hash: sampleHash(seed, id) }));
  keyed.sort((x, y) => (x.hash < y.hash ? -1 : x.hash > y.hash ? 1 : x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  return keyed.map((entry) => entry.id);
}
