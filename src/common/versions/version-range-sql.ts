import semver from 'semver';
import { Prisma } from '../../generated/prisma/client';
import { encode, VERSION_CORE_BYTES, versionCore } from './version-key';

/**
 * The most a range may ask of the database. Every alternative (`||`) is one more condition tested
 * on each candidate device: 5 000 of them kept PostgreSQL busy for 15 s per query. Real ranges
 * have a handful.
 */
export const VERSION_RANGE_LIMITS = { maxLength: 256, maxAlternatives: 32 } as const;

/** Thrown for a string that is not a semver range, or one past the limits; callers turn it into a 422 naming their field. */
export class InvalidVersionRangeError extends Error {
  constructor(
    readonly range: string,
    message = `"${range}" is not a valid semver range`,
  ) {
    super(message);
  }
}

/**
 * Parses a range the way node-semver does (`<2.0.0`, `>=1.2.0 <1.5.0`, `1.x`, `~1.4`, `^2`,
 * `1.2.3 || 2.x`, an exact version). Empty or blank input is refused rather than read as `*`, and
 * so is a range past {@link VERSION_RANGE_LIMITS} (its length is checked before it is parsed).
 */
export function parseVersionRange(range: string): semver.Range {
  if (range.trim() === '') throw new InvalidVersionRangeError(range);
  const { maxLength, maxAlternatives } = VERSION_RANGE_LIMITS;
  if (range.length > maxLength) {
    throw new InvalidVersionRangeError(range, `The semver range is ${range.length} characters long; at most ${maxLength} are allowed`);
  }
  let parsed: semver.Range;
  try {
    parsed = new semver.Range(range);
  } catch {
    throw new InvalidVersionRangeError(range);
  }
  if (parsed.set.length > maxAlternatives) {
    throw new InvalidVersionRangeError(range, `The semver range has ${parsed.set.length} alternatives (||); at most ${maxAlternatives} are allowed`);
  }
  return parsed;
}

/**
 * A SQL condition that is true exactly when the version whose key (see version-key.ts) is in
 * `keyColumn` satisfies `range` by node-semver's rules, including its prerelease rule: a
 * prerelease version only matches when a comparator of the same comparator set names a
 * prerelease of the same major.minor.patch. A null key (no valid version) never matches.
 */
export function versionRangeCondition(range: semver.Range, keyColumn: Prisma.Sql): Prisma.Sql {
  const sets = range.set.map((comparators) => comparatorSetCondition(comparators, keyColumn));
  return Prisma.sql`(${keyColumn} IS NOT NULL AND (${Prisma.join(sets, ' OR ')}))`;
}

function comparatorSetCondition(comparators: readonly semver.Comparator[], key: Prisma.Sql): Prisma.Sql {
  const conditions: Prisma.Sql[] = [];
  const prereleaseCores: Buffer[] = [];
  for (const comparator of comparators) {
    // `*` matches every version; node-semver gives that comparator an empty value.
    if (comparator.value === '') continue;
    conditions.push(Prisma.sql`${key} ${Prisma.raw(sqlOperator(comparator.operator))} ${encode(comparator.semver)}`);
    if (comparator.semver.prerelease.length > 0) prereleaseCores.push(versionCore(comparator.semver));
  }
  const isRelease = Prisma.sql`get_byte(${key}, ${VERSION_CORE_BYTES}) <> 1`;
  const prereleaseAllowed = prereleaseCores.length
    ? Prisma.sql`(${isRelease} OR substring(${key} FROM 1 FOR ${VERSION_CORE_BYTES}) IN (${Prisma.join(prereleaseCores)}))`
    : isRelease;
  return Prisma.sql`(${Prisma.join([...conditions, prereleaseAllowed], ' AND ')})`;
}

function sqlOperator(operator: semver.Comparator['operator']): string {
  switch (operator) {
    case '':
    case '=':
      return '=';
    case '<':
    case '<=':
    case '>':
    case '>=':
      return operator;
  }
}
