import type { operations } from '../../../../clients/typescript';

export type FirmwareQuery = NonNullable<operations['listFirmware']['parameters']['query']>;

/** The list's filters as typed; `''` is "any". */
export interface FirmwareFilters {
  deviceModel: string;
  manufacturer: string;
  beta: '' | 'true' | 'false';
  securityUpdate: '' | 'true' | 'false';
}

export const NO_FIRMWARE_FILTERS: FirmwareFilters = { deviceModel: '', manufacturer: '', beta: '', securityUpdate: '' };

/** `GET /firmware`'s query: empty filters left out (the API refuses empty strings), text trimmed. */
export function firmwareQuery(filters: FirmwareFilters, offset: number, limit: number): FirmwareQuery {
  const deviceModel = filters.deviceModel.trim();
  const manufacturer = filters.manufacturer.trim();
  return {
    limit,
    offset,
    ...(deviceModel && { device_model: deviceModel }),
    ...(manufacturer && { manufacturer }),
    ...(filters.beta && { is_beta: filters.beta === 'true' }),
    ...(filters.securityUpdate && { is_security_update: filters.securityUpdate === 'true' }),
  };
}

/** Filters from the page's URL, so a filtered list can be bookmarked and comes back with Back. */
export function firmwareFiltersFromParams(params: URLSearchParams): FirmwareFilters {
  const flag = (value: string | null) => (value === 'true' || value === 'false' ? value : '');
  return {
    deviceModel: params.get('device_model') ?? '',
    manufacturer: params.get('manufacturer') ?? '',
    beta: flag(params.get('is_beta')),
    securityUpdate: flag(params.get('is_security_update')),
  };
}

/** The URL parameters of a filtered page: the filters given and, past the first page, the offset. */
export function firmwareParams(filters: FirmwareFilters, offset: number): Record<string, string> {
  const { limit: _limit, offset: _offset, ...given } = firmwareQuery(filters, offset, 1);
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(given)) params[name] = String(value);
  if (offset > 0) params.offset = String(offset);
  return params;
}
