import semver from 'semver';

/**
 * Versions are stored twice: as the text the device reported and as a byte string whose plain
 * byte order (PostgreSQL compares `bytea` with memcmp, whatever the collation) is semver
 * precedence. Range filters then run in the database on an index instead of in memory.
 *
 * Layout: major, minor and patch as 8-byte big-endian integers (the 24-byte "core"), then
 * `0xff` for a release, or `0x01` followed by each prerelease identifier for a prerelease, so
 * any prerelease sorts below its release. An identifier is `0x01 <length> <digits>` when numeric
 * (digits have no leading zeros, so length then digits is numeric order) or `0x02 <text>` when
 * alphanumeric (numeric below alphanumeric, as semver says), each closed by `0x00` so that a
 * shorter run of identifiers sorts first. Build metadata does not take part, as in semver.
 */
export const VERSION_CORE_BYTES = 24;
const RELEASE = 0xff;
const PRERELEASE = 0x01;
const NUMERIC_ID = 0x01;
const ALPHANUMERIC_ID = 0x02;
const ID_END = 0x00;

/** The key of a valid semver version (a leading `v` or `=` is allowed), else null. */
export function firmwareVersionKey(version: string | null | undefined): Buffer | null {
  const parsed = version ? semver.parse(version.trim()) : null;
  return parsed ? encode(parsed) : null;
}

/**
 * The key of a hardware revision, read leniently because hardware is rarely versioned in semver:
 * `2` is 2.0.0, `v1.2` is 1.2.0, `rev3` is 3.0.0. Null when it holds no number at all.
 */
export function hardwareVersionKey(version: string | null | undefined): Buffer | null {
  const coerced = version ? semver.coerce(version) : null;
  return coerced ? encode(coerced) : null;
}

/** The 24-byte core (major, minor, patch) of a version's key. */
export function versionCore(version: semver.SemVer): Buffer {
  const core = Buffer.alloc(VERSION_CORE_BYTES);
  core.writeBigUInt64BE(BigInt(version.major), 0);
  core.writeBigUInt64BE(BigInt(version.minor), 8);
  core.writeBigUInt64BE(BigInt(version.patch), 16);
  return core;
}

export function encode(version: semver.SemVer): Buffer {
  if (version.prerelease.length === 0) return Buffer.concat([versionCore(version), Buffer.of(RELEASE)]);
  const parts: Buffer[] = [versionCore(version), Buffer.of(PRERELEASE)];
  for (const identifier of version.prerelease) {
    const text = String(identifier);
    parts.push(
      /^[0-9]+$/.test(text) ? Buffer.concat([Buffer.of(NUMERIC_ID, text.length), Buffer.from(text, 'ascii')]) : Buffer.concat([Buffer.of(ALPHANUMERIC_ID), Buffer.from(text, 'ascii')]),
      Buffer.of(ID_END),
    );
  }
  return Buffer.concat(parts);
}
