import { createHash } from 'node:crypto';
import { type FieldError, ValidationError } from '../../common/errors/domain-error';
import { ErrorCode } from '../../common/errors/error-codes';
import { firmwareVersionKey } from '../../common/versions/version-key';
import { hardwareBounds } from '../firmware/compatibility';
import { Prisma } from '../../generated/prisma/client';
import { filterConditions, TARGET_FILTERS_LOC } from './target-filters';
import { type ResolvedTarget, SAMPLE_BUCKETS, type TargetFirmware, type TargetSpec } from './target-spec';

/**
 * Builds the SQL of a target spec without touching the database (see `ResolvedTarget`).
 * @throws ValidationError `target/no_targets` when no devices, groups or filter keys are given;
 *   `target/invalid_filter` naming each unknown key, wrongly typed value or invalid range;
 *   `request/validation_failed` for a rollout percentage outside 1-100.
 */
export function resolveTarget(organizationId: string, spec: TargetSpec, firmware: TargetFirmware | null): ResolvedTarget {
  const rolloutPercentage = spec.rolloutPercentage ?? 100;
  if (!Number.isFinite(rolloutPercentage) || rolloutPercentage < 1 || rolloutPercentage > 100) {
    throw new ValidationError([{ loc: ['body', 'rollout_percentage'], msg: 'rollout_percentage must be between 1 and 100', type: 'range' }]);
  }
  const target = targetCondition(spec);
  const matched = Prisma.sql`(d.organization_id = ${organizationId} AND ${target})`;
  const compatibility = firmware ? compatibilityCondition(firmware) : null;
  const onTargetVersion = firmware ? onVersionCondition(firmware.version) : null;
  const hash = sampleHash(spec.seed);
  // The hash's high 32 bits, shifted from signed to 0..2^32-1 (order kept), scaled to the buckets.
  const bucket = Prisma.sql`((((${hash} >> 32) + 2147483648) * ${Prisma.raw(String(SAMPLE_BUCKETS))}) >> 32)`;
  // Buckets are whole hundredths of a percent; 100 % needs no hashing at all.
  const threshold = Math.round(rolloutPercentage * (SAMPLE_BUCKETS / 100));
  const sample = threshold >= SAMPLE_BUCKETS ? null : Prisma.sql`(${bucket} < ${threshold})`;

  const compatible = compatibility ? Prisma.sql`(${matched} AND ${compatibility})` : matched;
  const notOnTarget = onTargetVersion ? [Prisma.sql`NOT ${onTargetVersion}`] : [];
  return {
    organizationId,
    seed: spec.seed,
    rolloutPercentage,
    firmware,
    matched,
    compatible,
    alreadyOnTargetVersion: onTargetVersion ? Prisma.sql`(${compatible} AND ${onTargetVersion})` : Prisma.sql`FALSE`,
    selected: Prisma.sql`(${Prisma.join([compatible, ...notOnTarget, ...(sample ? [sample] : [])], ' AND ')})`,
    // Buckets rise with the hash, so a sample is a prefix of this order; the id breaks (rare) ties.
    order: Prisma.sql`${hash}, d.device_id`,
    hash,
    bucket,
    parts: { matched, compatibility, onTargetVersion, sample },
  };
}

/** The union of the three kinds of target; a kind left out adds nothing. */
function targetCondition(spec: TargetSpec): Prisma.Sql {
  const branches: Prisma.Sql[] = [];
  const devices = unique(spec.targetDevices);
  if (devices.length > 0) branches.push(Prisma.sql`d.device_id = ANY(${devices}::text[])`);
  const groups = unique(spec.targetGroups);
  if (groups.length > 0) branches.push(Prisma.sql`d.groups && ${groups}::text[]`);

  const filters = spec.targetFilters;
  if (filters !== undefined && filters !== null) {
    if (typeof filters !== 'object' || Array.isArray(filters)) {
      throw invalidFilters([{ loc: [...TARGET_FILTERS_LOC], msg: 'target_filters must be an object', type: 'object_type' }]);
    }
    const result = filterConditions(filters);
    if (!result.ok) throw invalidFilters(result.errors);
    // `{}` is not a target: it would otherwise mean "every device".
    if (result.conditions.length > 0) branches.push(Prisma.sql`(${Prisma.join(result.conditions, ' AND ')})`);
  }

  if (branches.length === 0) {
    throw new ValidationError(
      [{ loc: ['body'], msg: 'Give at least one of target_devices, target_groups or target_filters (with at least one key)', type: 'no_targets' }],
      'No targets: give target_devices, target_groups or target_filters',
      ErrorCode.TargetNoTargets,
    );
  }
  const union = branches.length === 1 ? branches[0] : Prisma.sql`(${Prisma.join(branches, ' OR ')})`;
  const excluded = unique(spec.excludeDevices);
  return excluded.length === 0 ? union : Prisma.sql`(${union} AND NOT d.device_id = ANY(${excluded}::text[]))`;
}

/**
 * The firmware's model and hardware bounds, by the rules of `incompatibility` (firmware/compatibility.ts):
 * a blank bound is no bound; a device whose hardware version has no key is outside any bound; a
 * bound that itself has no key ("n/a") admits no device.
 */
function compatibilityCondition(firmware: TargetFirmware): Prisma.Sql {
  const conditions = [Prisma.sql`d.device_model = ${firmware.device_model}`];
  const { min, max } = hardwareBounds(firmware);
  for (const [limit, operator] of [
    [min, '>='],
    [max, '<='],
  ] as const) {
    if (limit === null) continue;
    conditions.push(limit.key ? Prisma.sql`d.hardware_version_key ${Prisma.raw(operator)} ${limit.key}` : Prisma.sql`FALSE`);
  }
  return Prisma.sql`(${Prisma.join(conditions, ' AND ')})`;
}

/**
 * `isSameVersion` (firmware/compatibility.ts) in SQL: the same semver precedence ("v2.1.0" is
 * 2.1.0), or the same text. Never null, so it can be negated.
 */
function onVersionCondition(version: string): Prisma.Sql {
  const key = firmwareVersionKey(version);
  const same = key
    ? Prisma.sql`d.firmware_version = ${version} OR d.firmware_version_key = ${key}`
    : Prisma.sql`d.firmware_version = ${version}`;
  return Prisma.sql`((${same}) IS TRUE)`;
}

/**
 * A device's place in the sample: PostgreSQL's `hashtextextended` (the hash behind hash
 * partitioning, so it cannot change across versions without breaking those; ~30x cheaper than
 * md5, which mattered at a million devices) of the device id, seeded with the first 8 bytes of
 * SHA-256 of the seed. A signed 64-bit value.
 */
function sampleHash(seed: string): Prisma.Sql {
  return Prisma.sql`hashtextextended(d.device_id, ${sampleSeed(seed)}::bigint)`;
}

/** The 64-bit seed `hashtextextended` takes for a seed string. */
export function sampleSeed(seed: string): bigint {
  return createHash('sha256').update(seed, 'utf8').digest().readBigInt64BE(0);
}

function invalidFilters(errors: FieldError[]): ValidationError {
  return new ValidationError(errors, `Invalid target_filters: ${errors.map((e) => e.msg).join('; ')}`, ErrorCode.TargetInvalidFilter);
}

function unique(values: readonly string[] | undefined): string[] {
  return values ? [...new Set(values)] : [];
}
