import { describe, expect, it } from 'vitest';
import { isMoving, listFiltersOf, listQueryOf, pageSummary, PAGE_SIZE, progressOf, withFilter, withOffset } from './campaign-list-model';

const FIRMWARE = 'c7f4756d26c469010c107119fd675c1c';

describe('listFiltersOf', () => {
  it('reads the filters in the address', () => {
    const params = new URLSearchParams(`status=in_progress&priority=high&deployment_strategy=canary&firmware_id=${FIRMWARE}&offset=25`);
    expect(listFiltersOf(params)).toEqual({ status: 'in_progress', priority: 'high', deployment_strategy: 'canary', firmware_id: FIRMWARE, offset: 25 });
  });

  it('drops what the API would refuse', () => {
    expect(listFiltersOf(new URLSearchParams('status=running&priority=&firmware_id=abc&offset=-3'))).toEqual({
      status: undefined,
      priority: undefined,
      deployment_strategy: undefined,
      firmware_id: undefined,
      offset: 0,
    });
  });
});

describe('listQueryOf', () => {
  it('sends the page and only the filters set', () => {
    expect(listQueryOf({ status: 'paused', offset: 50 })).toEqual({ limit: PAGE_SIZE, offset: 50, status: 'paused' });
    expect(listQueryOf({ offset: 0 })).toEqual({ limit: PAGE_SIZE, offset: 0 });
  });
});

describe('withFilter and withOffset', () => {
  it('sets or clears a filter and goes back to the first page', () => {
    const params = new URLSearchParams('status=paused&offset=25');
    expect(withFilter(params, 'priority', 'high').toString()).toBe('status=paused&priority=high');
    expect(withFilter(params, 'status', '').toString()).toBe('');
  });

  it('moves between pages', () => {
    expect(withOffset(new URLSearchParams('status=paused'), 25).toString()).toBe('status=paused&offset=25');
    expect(withOffset(new URLSearchParams('offset=25'), 0).toString()).toBe('');
  });
});

describe('progressOf', () => {
  const counts = { completed_devices: 0, failed_devices: 0, cancelled_devices: 0 };

  it('is the finished share of the devices the campaign holds', () => {
    expect(progressOf({ ...counts, total_devices: 8, completed_devices: 3, failed_devices: 1, cancelled_devices: 1 })).toEqual({ finished: 5, total: 8, percent: 62.5 });
  });

  it('is 0 before the start and 100 for a started campaign without devices', () => {
    expect(progressOf({ ...counts, total_devices: null })).toEqual({ finished: 0, total: 0, percent: 0 });
    expect(progressOf({ ...counts, total_devices: 0 })).toEqual({ finished: 0, total: 0, percent: 100 });
  });
});

describe('isMoving', () => {
  it('is true while the scheduler works on the campaign', () => {
    expect(isMoving('in_progress')).toBe(true);
    expect(isMoving('rolling_back')).toBe(true);
    expect(isMoving('completed')).toBe(false);
    expect(isMoving('paused')).toBe(false);
  });
});

describe('pageSummary', () => {
  it('says which rows of how many are shown', () => {
    expect(pageSummary(25, 25, 120)).toBe('26–50 of 120');
    expect(pageSummary(0, 0, 0)).toBe('0 of 0');
  });
});
