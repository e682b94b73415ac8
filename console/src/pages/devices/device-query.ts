import type { components, operations } from '../../../../clients/typescript';

export type DeviceQuery = NonNullable<operations['listDevices']['parameters']['query']>;
export type Device = components['schemas']['DeviceResponseDto'];

/** The list's filters as typed; `''` is "any". Named as the API's query parameters. */
export interface DeviceFilters {
  q: string;
  device_type: string;
  device_model: string;
  firmware_version: string;
  group: string;
  tag: string;
}

export const NO_DEVICE_FILTERS: DeviceFilters = { q: '', device_type: '', device_model: '', firmware_version: '', group: '', tag: '' };

const FILTER_NAMES = Object.keys(NO_DEVICE_FILTERS) as (keyof DeviceFilters)[];

/** `GET /devices`'s query: text trimmed, empty filters left out (the API refuses empty strings). */
export function deviceQuery(filters: DeviceFilters, offset: number, limit: number): DeviceQuery {
  const query: DeviceQuery = { limit, offset };
  for (const name of FILTER_NAMES) {
    const value = filters[name].trim();
    if (value !== '') query[name] = value;
  }
  return query;
}

/** Filters from the page's URL (the API's parameter names), so Back and bookmarks keep them. */
export function deviceFiltersFromParams(params: URLSearchParams): DeviceFilters {
  const filters = { ...NO_DEVICE_FILTERS };
  for (const name of FILTER_NAMES) filters[name] = params.get(name) ?? '';
  return filters;
}

/** The URL parameters of a filtered page: the non-empty filters and, past the first page, the offset. */
export function deviceParams(filters: DeviceFilters, offset: number): Record<string, string> {
  const { limit: _limit, offset: _offset, ...rest } = deviceQuery(filters, offset, 1);
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(rest)) if (typeof value === 'string') params[name] = value;
  if (offset > 0) params.offset = String(offset);
  return params;
}

/**
 * Devices have no status field; what the console can say from the API is whether the device can
 * reach the device API (it has a token) and whether it has done so.
 */
export function deviceStatusOf(device: Pick<Device, 'has_token' | 'last_seen_at'>): 'no token' | 'never seen' | 'checked in' {
  if (device.last_seen_at !== null) return 'checked in';
  return device.has_token ? 'never seen' : 'no token';
}

/**
 * The device id of a `/devices/:id` link. Links encode the id with `encodeURIComponent`; the
 * router decodes the path with `decodeURI`, which leaves `%2F` and the like, so decode the rest
 * here. An id that is not valid percent-encoding (a typed `%`) is taken as it is.
 */
export function deviceIdFromRoute(param: string): string {
  try {
    return decodeURIComponent(param);
  } catch {
    return param;
  }
}

/** The path of a device's page (relative to the console). */
export function devicePath(deviceId: string): string {
  return `/devices/${encodeURIComponent(deviceId)}`;
}
