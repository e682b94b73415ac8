import { describe, expect, it } from 'vitest';
import { deviceFiltersFromParams, deviceIdFromRoute, deviceParams, devicePath, deviceQuery, deviceStatusOf, NO_DEVICE_FILTERS } from './device-query';

describe('deviceQuery', () => {
  it('sends the filters given, trimmed, with the page', () => {
    const filters = { ...NO_DEVICE_FILTERS, q: ' sf-0 ', firmware_version: '>=1.2.0 <2.0.0', group: 'lab', tag: '  ' };
    expect(deviceQuery(filters, 100, 50)).toEqual({ limit: 50, offset: 100, q: 'sf-0', firmware_version: '>=1.2.0 <2.0.0', group: 'lab' });
  });

  it('is the bare page without filters', () => {
    expect(deviceQuery(NO_DEVICE_FILTERS, 0, 50)).toEqual({ limit: 50, offset: 0 });
  });
});

describe('device filters in the URL', () => {
  it('go to the URL and come back the same', () => {
    const filters = { ...NO_DEVICE_FILTERS, device_model: 'SF-1', firmware_version: '<2.0.0' };
    const params = deviceParams(filters, 50);
    expect(params).toEqual({ device_model: 'SF-1', firmware_version: '<2.0.0', offset: '50' });
    expect(deviceFiltersFromParams(new URLSearchParams(params))).toEqual(filters);
  });

  it('leave out empty filters and the first page', () => {
    expect(deviceParams({ ...NO_DEVICE_FILTERS, tag: ' ' }, 0)).toEqual({});
  });
});

describe('deviceStatusOf', () => {
  it('tells a device that checked in from one that cannot yet', () => {
    expect(deviceStatusOf({ has_token: true, last_seen_at: '2026-01-01T00:00:00Z' })).toBe('checked in');
    expect(deviceStatusOf({ has_token: true, last_seen_at: null })).toBe('never seen');
    expect(deviceStatusOf({ has_token: false, last_seen_at: null })).toBe('no token');
  });
});

describe('device ids in paths', () => {
  it('survive the round trip through a link and the router', () => {
    for (const id of ['sf-0001', 'site/a b', 'mac:00:11', '50%']) {
      // The router decodes the path with decodeURI before matching.
      const param = decodeURI(devicePath(id).slice('/devices/'.length));
      expect(deviceIdFromRoute(param)).toBe(id);
    }
  });

  it('takes an id typed with a bare % as it is', () => {
    expect(deviceIdFromRoute('50%')).toBe('50%');
  });
});
