import { describe, expect, it } from 'vitest';
import { firmwareFiltersFromParams, firmwareParams, firmwareQuery, NO_FIRMWARE_FILTERS } from './firmware-query';

describe('firmwareQuery', () => {
  it('sends only the filters given, trimmed, with booleans for the flags', () => {
    expect(firmwareQuery({ deviceModel: ' SF-1 ', manufacturer: '', beta: 'false', securityUpdate: '' }, 50, 25)).toEqual({
      limit: 25,
      offset: 50,
      device_model: 'SF-1',
      is_beta: false,
    });
  });

  it('is the bare page without filters', () => {
    expect(firmwareQuery(NO_FIRMWARE_FILTERS, 0, 50)).toEqual({ limit: 50, offset: 0 });
  });
});

describe('firmware filters in the URL', () => {
  it('go to the URL and come back the same', () => {
    const filters = { deviceModel: 'SF-1', manufacturer: 'Acme', beta: 'true', securityUpdate: '' } as const;
    const params = firmwareParams(filters, 100);
    expect(params).toEqual({ device_model: 'SF-1', manufacturer: 'Acme', is_beta: 'true', offset: '100' });
    expect(firmwareFiltersFromParams(new URLSearchParams(params))).toEqual(filters);
  });

  it('leave out the first page and ignore flags that are not booleans', () => {
    expect(firmwareParams(NO_FIRMWARE_FILTERS, 0)).toEqual({});
    expect(firmwareFiltersFromParams(new URLSearchParams('is_beta=maybe')).beta).toBe('');
  });
});
