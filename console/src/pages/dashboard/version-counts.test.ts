import { describe, expect, it } from 'vitest';
import { chartColumns, compareVersions, countVersions, exactRangeOf, OTHER_VERSIONS, versionBars, versionsToCount } from './version-counts';

describe('exactRangeOf', () => {
  it('turns a semver version into the range that matches only it', () => {
    expect(exactRangeOf('1.4.2')).toBe('1.4.2');
    expect(exactRangeOf('v2.0.0-rc.1')).toBe('2.0.0-rc.1');
    expect(exactRangeOf(' 1.0.0+build.7 ')).toBe('1.0.0');
  });

  it('refuses what a range filter could never match', () => {
    expect(exactRangeOf('build-42')).toBeUndefined();
    expect(exactRangeOf('1.2')).toBeUndefined();
    expect(exactRangeOf('>=1.0.0')).toBeUndefined();
  });
});

describe('compareVersions', () => {
  it('orders by semver, prereleases before their release, text last', () => {
    const versions = ['10.0.0', 'nightly', '2.0.0', '2.0.0-rc.10', '2.0.0-rc.2', '2.0.0-beta', '1.9.9'];
    expect([...versions].sort(compareVersions)).toEqual(['1.9.9', '2.0.0-beta', '2.0.0-rc.2', '2.0.0-rc.10', '2.0.0', '10.0.0', 'nightly']);
  });
});

describe('versionsToCount', () => {
  it('takes the commonest device versions first, then firmware versions, each once', () => {
    const devices = ['1.0.0', '2.0.0', '2.0.0', null, 'custom', 'v2.0.0'];
    expect(versionsToCount(devices, ['3.0.0', '2.0.0', 'not-semver'])).toEqual(['2.0.0', '1.0.0', '3.0.0']);
  });

  it('stops at the limit of calls', () => {
    const firmware = Array.from({ length: 20 }, (_, index) => `1.${index}.0`);
    expect(versionsToCount([], firmware, 5)).toEqual(['1.0.0', '1.1.0', '1.2.0', '1.3.0', '1.4.0']);
  });
});

describe('countVersions', () => {
  it('counts a whole fleet exactly, devices without a version under the catch-all', () => {
    expect(countVersions(['2.0.0', '1.0.0', '2.0.0', null, 'custom'])).toEqual([
      { version: '1.0.0', devices: 1 },
      { version: '2.0.0', devices: 2 },
      { version: 'custom', devices: 1 },
      { version: OTHER_VERSIONS, devices: 1 },
    ]);
  });
});

describe('versionBars', () => {
  it('drops empty versions and groups the devices not counted', () => {
    const counts = [
      { version: '2.0.0', devices: 700 },
      { version: '1.0.0', devices: 250 },
      { version: '3.0.0', devices: 0 },
    ];
    expect(versionBars(counts, 1000)).toEqual([
      { version: '1.0.0', devices: 250 },
      { version: '2.0.0', devices: 700 },
      { version: OTHER_VERSIONS, devices: 50 },
    ]);
  });

  it('has no catch-all when every device was counted', () => {
    expect(versionBars([{ version: '1.0.0', devices: 3 }], 3)).toEqual([{ version: '1.0.0', devices: 3 }]);
  });
});

describe('chartColumns', () => {
  it('places bars at 0, 1, 2… with the counts as heights', () => {
    expect(chartColumns([{ version: '1.0.0', devices: 4 }, { version: '2.0.0', devices: 9 }])).toEqual([[0, 1], [4, 9]]);
  });
});
