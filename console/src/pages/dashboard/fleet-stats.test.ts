import { describe, expect, it } from 'vitest';
import { breakdownRows, formatMinutes, statTilesOf, type FleetStats } from './fleet-stats';

const stats: FleetStats = {
  success_rate: 97.5,
  avg_update_time: 8.25,
  updates_by_device_type: { smart_frame: 120, unknown: 3 },
  updates_by_firmware_version: { '2.1.0': 100, '2.0.3': 23 },
  total_campaigns: 12,
  active_campaigns: 2,
  completed_campaigns: 8,
  failed_campaigns: 1,
  total_updates: 123,
  pending_updates: 4,
  in_progress_updates: 6,
  completed_updates: 78,
  failed_updates: 2,
  total_data_transferred: 3 * 1024 ** 3,
  last_24h_updates: 10,
  last_24h_failures: 1,
  last_24h_data_transferred: 512 * 1024 ** 2,
};

describe('statTilesOf', () => {
  it('shows each figure with its context', () => {
    const tiles = Object.fromEntries(statTilesOf(stats).map((tile) => [tile.label, tile]));
    expect(tiles['Active campaigns']).toEqual({ label: 'Active campaigns', value: '2', detail: '12 in all: 8 completed, 1 failed' });
    expect(tiles['Success rate']?.value).toBe('97.5 %');
    expect(tiles['Success rate']?.detail).toBe('78 completed, 2 failed of 123 updates');
    expect(tiles['Average update time']?.value).toBe('8.3 min');
    expect(tiles['Updates in progress']).toMatchObject({ value: '6', detail: '4 waiting for their device' });
    expect(tiles['Data transferred']).toMatchObject({ value: '3.0 GiB', detail: '512 MiB in the last 24 h' });
    expect(tiles['Updates in the last 24 h']).toMatchObject({ value: '10', detail: '1 failed' });
  });
});

describe('breakdownRows', () => {
  it('lists the largest first, ties by name', () => {
    expect(breakdownRows({ b: 3, a: 3, c: 10 })).toEqual([
      { key: 'c', count: 10 },
      { key: 'a', count: 3 },
      { key: 'b', count: 3 },
    ]);
    expect(breakdownRows({})).toEqual([]);
  });
});

describe('formatMinutes', () => {
  it('shows seconds below a minute and tenths of minutes above', () => {
    expect(formatMinutes(0.25)).toBe('15 s');
    expect(formatMinutes(0)).toBe('0 s');
    expect(formatMinutes(8.26)).toBe('8.3 min');
  });
});
