import { type FieldError } from '../../common/errors/domain-error';
import { InvalidVersionRangeError, parseVersionRange, versionRangeCondition } from '../../common/versions/version-range-sql';
import { Prisma } from '../../generated/prisma/client';
import { DEVICE_LIMITS } from '../devices/device-input';

/** Where filter problems are reported; campaigns and the preview both take `target_filters` in the body. */
export const TARGET_FILTERS_LOC = ['body', 'target_filters'] as const;

const EQUALITY_KEYS = {
  device_type: 'd.device_type',
  device_model: 'd.device_model',
  manufacturer: 'd.manufacturer',
  hardware_version: 'd.hardware_version',
} as const;
const ATTRIBUTE_PREFIX = 'attributes.';

/**
 * How much a filter may ask of the database. Values are bounded by what a device can store (a
 * longer value, or more tags than a device can have, could match nothing anyway); keys and the
 * whole object are bounded so that no filter costs the database more than a handful of indexed
 * conditions. The size is checked first, before anything in the filter is read.
 */
export const TARGET_FILTER_LIMITS = {
  maxKeys: 32,
  maxJsonLength: 16_384,
  maxTags: DEVICE_LIMITS.listMaxItems,
} as const;

/** The longest value each equality key can match: the registry's own limit for that field. */
const EQUALITY_MAX_LENGTH: Record<keyof typeof EQUALITY_KEYS, number> = {
  device_type: DEVICE_LIMITS.textMaxLength,
  device_model: DEVICE_LIMITS.textMaxLength,
  manufacturer: DEVICE_LIMITS.textMaxLength,
  hardware_version: DEVICE_LIMITS.versionMaxLength,
};

export const TARGET_FILTER_KEYS = [...Object.keys(EQUALITY_KEYS), 'firmware_version', 'tags', 'group', `${ATTRIBUTE_PREFIX}<name>`] as const;
const ALLOWED = `allowed keys: ${TARGET_FILTER_KEYS.join(', ')}`;

/** The outcome of reading `target_filters`: one condition per key, or what is wrong with each bad key. */
export type FilterConditions = { ok: true; conditions: Prisma.Sql[] } | { ok: false; errors: FieldError[] };

/**
 * Turns `target_filters` into SQL conditions over `ota.devices d`, one per key (a device must
 * meet all of them). Every key is checked, so one answer lists every bad key. Values are taken
 * only with their documented type: no string is read as a number or a list, so a typo cannot
 * quietly widen a rollout.
 */
export function filterConditions(filters: Record<string, unknown>): FilterConditions {
  const tooLarge = sizeProblem(filters);
  if (tooLarge !== null) return { ok: false, errors: [{ loc: [...TARGET_FILTERS_LOC], msg: tooLarge, type: 'target_filter_size' }] };
  const conditions: Prisma.Sql[] = [];
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(filters)) {
    const result = filterCondition(key, value);
    if (typeof result === 'string') errors.push({ loc: [...TARGET_FILTERS_LOC, key], msg: result, type: 'target_filter' });
    else conditions.push(result);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, conditions };
}

/** The condition for one key, or the message saying why the key or its value is refused. */
function filterCondition(key: string, value: unknown): Prisma.Sql | string {
  if (Object.hasOwn(EQUALITY_KEYS, key)) {
    if (typeof value !== 'string') return `Filter "${key}" must be a string`;
    const field = key as keyof typeof EQUALITY_KEYS;
    if (value.length > EQUALITY_MAX_LENGTH[field]) return tooLong(key, EQUALITY_MAX_LENGTH[field]);
    return Prisma.sql`${Prisma.raw(EQUALITY_KEYS[field])} = ${value}`;
  }
  switch (key) {
    case 'firmware_version': {
      if (typeof value !== 'string') return `Filter "${key}" must be a semver range string such as "<2.0.0" or "1.x"`;
      try {
        // Devices whose version is not semver have a null key and never match a range.
        return versionRangeCondition(parseVersionRange(value), Prisma.raw('d.firmware_version_key'));
      } catch (error) {
        if (error instanceof InvalidVersionRangeError) return `Filter "${key}": ${error.message}`;
        throw error;
      }
    }
    case 'tags':
      if (!Array.isArray(value) || !value.every((tag) => typeof tag === 'string')) return `Filter "${key}" must be an array of strings`;
      // "Has all of no tags" would match every device: refused rather than read as "everyone".
      if (value.length === 0) return `Filter "${key}" must name at least one tag`;
      // A device has at most this many tags, so "all of more" could match none.
      if (value.length > TARGET_FILTER_LIMITS.maxTags) return `Filter "${key}" names ${value.length} tags; at most ${TARGET_FILTER_LIMITS.maxTags} are allowed`;
      if (value.some((tag: string) => tag.length > DEVICE_LIMITS.listItemMaxLength)) return `Filter "${key}": a tag has at most ${DEVICE_LIMITS.listItemMaxLength} characters`;
      return Prisma.sql`d.tags @> ${[...new Set(value as string[])]}::text[]`;
    case 'group':
      if (typeof value !== 'string') return `Filter "${key}" must be a string (one group; use target_groups for several)`;
      if (value.length > DEVICE_LIMITS.listItemMaxLength) return tooLong(key, DEVICE_LIMITS.listItemMaxLength);
      return Prisma.sql`d.groups @> ARRAY[${value}]::text[]`;
  }
  if (key.startsWith(ATTRIBUTE_PREFIX) && key.length > ATTRIBUTE_PREFIX.length) {
    const name = key.slice(ATTRIBUTE_PREFIX.length);
    if (name.length > DEVICE_LIMITS.attributeKeyMaxLength) return `Filter key "${key.slice(0, 40)}…": attribute names have at most ${DEVICE_LIMITS.attributeKeyMaxLength} characters`;
    if (!isAttributeValue(value)) return `Filter "${key}" must be a string, a number or a boolean`;
    if (typeof value === 'string' && value.length > DEVICE_LIMITS.attributeValueMaxLength) return tooLong(key, DEVICE_LIMITS.attributeValueMaxLength);
    // Containment rather than `->>` equality keeps the value's JSON type (1 is not "1") and can
    // use the jsonb_path_ops index.
    return Prisma.sql`d.attributes @> ${JSON.stringify({ [name]: value })}::jsonb`;
  }
  return `Unknown filter key "${key}"; ${ALLOWED}`;
}

function isAttributeValue(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

function tooLong(key: string, maxLength: number): string {
  return `Filter "${key}" is longer than ${maxLength} characters, the most a device's value can have`;
}

/** Why the filter object as a whole is too large to read, or null. */
function sizeProblem(filters: Record<string, unknown>): string | null {
  const { maxKeys, maxJsonLength } = TARGET_FILTER_LIMITS;
  const keys = Object.keys(filters).length;
  if (keys > maxKeys) return `target_filters has ${keys} keys; at most ${maxKeys} are allowed`;
  const length = JSON.stringify(filters).length;
  if (length > maxJsonLength) return `target_filters is ${length} characters long as JSON; at most ${maxJsonLength} are allowed`;
  return null;
}
