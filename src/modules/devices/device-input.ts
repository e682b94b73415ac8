import type { FieldError } from '../../common/errors/domain-error';
import { isPlainName, isStorableText, storableTextProblem } from '../../common/text/storable-text';

/**
 * The rules for a device's registration fields, written once and used by `POST /devices`,
 * `PATCH /devices/{id}` and every row of `POST /devices/import`. Hand-written rather than
 * class-validator because an import checks up to 100 000 rows: this allocates nothing for a
 * valid row beyond what it returns, and reuses the parsed object.
 */
export const DEVICE_LIMITS = {
  deviceIdMaxLength: 255,
  /** `device_type`, `device_model`, `manufacturer`. */
  textMaxLength: 100,
  /** `hardware_version`, `firmware_version`. */
  versionMaxLength: 50,
  /** Items of `groups` and of `tags`. */
  listMaxItems: 50,
  listItemMaxLength: 100,
  attributesMaxKeys: 50,
  attributeKeyMaxLength: 100,
  attributeValueMaxLength: 500,
} as const;

export type AttributeValue = string | number | boolean;
export type DeviceAttributes = Record<string, AttributeValue>;

/**
 * A validated registration. Names are the column names of the bulk write, so a record is
 * serialized as is. A field that is null was not given: on create it is empty, on update the
 * stored value stays.
 */
export interface DeviceRecord {
  device_id: string;
  device_type: string | null;
  device_model: string | null;
  manufacturer: string | null;
  hardware_version: string | null;
  firmware_version: string | null;
  groups: string[] | null;
  tags: string[] | null;
  attributes: DeviceAttributes | null;
}

/** The replaceable collections of a device (`PATCH`); null means not given, so unchanged. */
export interface DeviceCollections {
  groups: string[] | null;
  tags: string[] | null;
  attributes: DeviceAttributes | null;
}

/**
 * Reads one registration. Problems are appended to `errors` with a `loc` relative to the object
 * (`["attributes", "color"]`); the result is null when there was any.
 */
export function readDeviceRecord(value: unknown, errors: FieldError[]): DeviceRecord | null {
  if (!isObject(value)) {
    errors.push({ loc: [], msg: 'Input should be a JSON object', type: 'object_type' });
    return null;
  }
  const before = errors.length;
  const input = value as Record<string, unknown>;
  const deviceId = readDeviceId(input.device_id, errors);
  const record: DeviceRecord = {
    device_id: deviceId as string,
    device_type: readText(input.device_type, 'device_type', DEVICE_LIMITS.textMaxLength, errors),
    device_model: readText(input.device_model, 'device_model', DEVICE_LIMITS.textMaxLength, errors),
    manufacturer: readText(input.manufacturer, 'manufacturer', DEVICE_LIMITS.textMaxLength, errors),
    hardware_version: readText(input.hardware_version, 'hardware_version', DEVICE_LIMITS.versionMaxLength, errors),
    firmware_version: readText(input.firmware_version, 'firmware_version', DEVICE_LIMITS.versionMaxLength, errors),
    groups: readList(input.groups, 'groups', errors),
    tags: readList(input.tags, 'tags', errors),
    attributes: readAttributes(input.attributes, errors),
  };
  return errors.length === before ? record : null;
}

/** Reads the body of `PATCH /devices/{id}`; null when there was any problem (see `errors`). */
export function readDeviceCollections(value: unknown, errors: FieldError[]): DeviceCollections | null {
  if (!isObject(value)) {
    errors.push({ loc: [], msg: 'Input should be a JSON object', type: 'object_type' });
    return null;
  }
  const before = errors.length;
  const input = value as Record<string, unknown>;
  const collections: DeviceCollections = {
    groups: readList(input.groups, 'groups', errors),
    tags: readList(input.tags, 'tags', errors),
    attributes: readAttributes(input.attributes, errors),
  };
  return errors.length === before ? collections : null;
}

/** True for a string usable as a device id (also the rule for the `{device_id}` path parameter). */
export function isDeviceId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= DEVICE_LIMITS.deviceIdMaxLength && isPlainName(value);
}

/** One line for an import's `failed` entry: every problem, `field: message`. */
export function describeErrors(errors: FieldError[]): string {
  return errors.map((error) => (error.loc.length > 0 ? `${error.loc.join('.')}: ${error.msg}` : error.msg)).join('; ');
}

function readDeviceId(value: unknown, errors: FieldError[]): string | null {
  if (value === undefined || value === null) {
    errors.push({ loc: ['device_id'], msg: 'Field required', type: 'missing' });
    return null;
  }
  if (!isDeviceId(value)) {
    errors.push({
      loc: ['device_id'],
      msg: `device_id must be a string of 1 to ${DEVICE_LIMITS.deviceIdMaxLength} characters without control characters or unpaired surrogates`,
      type: 'device_id',
    });
    return null;
  }
  return value;
}

function readText(value: unknown, field: string, maxLength: number, errors: FieldError[]): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') {
    errors.push({ loc: [field], msg: `${field} must be a string`, type: 'string_type' });
  } else if (value.length === 0 || value.length > maxLength) {
    errors.push({ loc: [field], msg: `${field} must be 1 to ${maxLength} characters`, type: 'string_length' });
  } else {
    const problem = storableTextProblem(value);
    if (problem === null) return value;
    errors.push({ loc: [field], ...problem });
  }
  return null;
}

/** A list of names; a name given twice is kept once, so counts per group stay true. */
function readList(value: unknown, field: 'groups' | 'tags', errors: FieldError[]): string[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value)) {
    errors.push({ loc: [field], msg: `${field} must be an array of strings`, type: 'list_type' });
    return null;
  }
  if (value.length > DEVICE_LIMITS.listMaxItems) {
    errors.push({ loc: [field], msg: `${field} must have at most ${DEVICE_LIMITS.listMaxItems} items`, type: 'too_long' });
    return null;
  }
  let valid = true;
  for (let index = 0; index < value.length; index += 1) {
    const item: unknown = value[index];
    if (typeof item !== 'string' || item.length === 0 || item.length > DEVICE_LIMITS.listItemMaxLength || !isPlainName(item)) {
      errors.push({
        loc: [field, index],
        msg: `Each item of ${field} must be a string of 1 to ${DEVICE_LIMITS.listItemMaxLength} characters without control characters or unpaired surrogates`,
        type: 'list_item',
      });
      valid = false;
    }
  }
  if (!valid) return null;
  const items = value as string[];
  return items.length > 1 && new Set(items).size !== items.length ? [...new Set(items)] : items;
}

/** A flat object: string (up to 500 characters), finite number or boolean values. */
function readAttributes(value: unknown, errors: FieldError[]): DeviceAttributes | null {
  if (value === undefined || value === null) return null;
  if (!isObject(value)) {
    errors.push({ loc: ['attributes'], msg: 'attributes must be a JSON object', type: 'dict_type' });
    return null;
  }
  let valid = true;
  let keys = 0;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    keys += 1;
    if (key.length === 0 || key.length > DEVICE_LIMITS.attributeKeyMaxLength || !isStorableText(key)) {
      errors.push({
        loc: ['attributes', key],
        msg: `Attribute names must be 1 to ${DEVICE_LIMITS.attributeKeyMaxLength} characters of storable text (no NUL, no unpaired surrogate)`,
        type: 'attribute_name',
      });
      valid = false;
      continue;
    }
    const item = (value as Record<string, unknown>)[key];
    const ok =
      typeof item === 'boolean' ||
      (typeof item === 'number' && Number.isFinite(item)) ||
      (typeof item === 'string' && item.length <= DEVICE_LIMITS.attributeValueMaxLength && isStorableText(item));
    if (!ok) {
      errors.push({
        loc: ['attributes', key],
        msg: `Attribute "${key}" must be a string of at most ${DEVICE_LIMITS.attributeValueMaxLength} characters, a finite number or a boolean`,
        type: 'attribute_value',
      });
      valid = false;
    }
  }
  if (keys > DEVICE_LIMITS.attributesMaxKeys) {
    errors.push({ loc: ['attributes'], msg: `attributes must have at most ${DEVICE_LIMITS.attributesMaxKeys} keys`, type: 'too_long' });
    valid = false;
  }
  return valid ? (value as DeviceAttributes) : null;
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
