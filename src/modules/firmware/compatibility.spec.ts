import { incompatibility, isSameVersion } from './compatibility';

const firmware = { device_model: 'M1', min_hardware_version: '1.2', max_hardware_version: '2' };

describe('incompatibility', () => {
  it.each([
    [{ deviceModel: 'M1', hardwareVersion: '1.2' }, null],
    [{ deviceModel: 'M1', hardwareVersion: 'v2.0.0' }, null],
    [{ deviceModel: 'M1', hardwareVersion: 'rev1.5' }, null],
    [{ deviceModel: 'M2', hardwareVersion: '1.5' }, /model M1/],
    [{ deviceModel: null, hardwareVersion: '1.5' }, /model M1/],
    [{ deviceModel: 'M1', hardwareVersion: '1.1.9' }, /at least 1.2/],
    [{ deviceModel: 'M1', hardwareVersion: '2.0.1' }, /at most 2/],
    [{ deviceModel: 'M1', hardwareVersion: null }, /no known hardware/],
    [{ deviceModel: 'M1', hardwareVersion: 'n/a' }, /at least/],
  ])('%j → %p', (device, expected) => {
    const result = incompatibility(device, firmware);
    if (expected === null) expect(result).toBeNull();
    else expect(result).toMatch(expected);
  });

  it.each(['', '   '])('reads a blank bound %p as no bound', (blank) => {
    expect(incompatibility({ deviceModel: 'M1', hardwareVersion: null }, { device_model: 'M1', min_hardware_version: blank, max_hardware_version: blank })).toBeNull();
    expect(incompatibility({ deviceModel: 'M1', hardwareVersion: '0.1' }, { device_model: 'M1', min_hardware_version: blank, max_hardware_version: '1' })).toBeNull();
  });

  it('admits hardware equal to both bounds', () => {
    expect(incompatibility({ deviceModel: 'M1', hardwareVersion: '2.0.0' }, { device_model: 'M1', min_hardware_version: '2', max_hardware_version: 'v2' })).toBeNull();
  });

  it('admits any hardware when the firmware has no bounds, and nothing under an unreadable bound', () => {
    expect(incompatibility({ deviceModel: 'M1', hardwareVersion: null }, { device_model: 'M1', min_hardware_version: null, max_hardware_version: null })).toBeNull();
    expect(incompatibility({ deviceModel: 'M1', hardwareVersion: '1.0' }, { device_model: 'M1', min_hardware_version: 'n/a', max_hardware_version: null })).not.toBeNull();
  });
});

describe('isSameVersion', () => {
  it.each([
    ['1.2.3', '1.2.3', true],
    ['v1.2.3', '1.2.3', true],
    ['1.2.3+build', '1.2.3', true],
    ['1.2.3', '1.2.4', false],
    ['1.2.3-rc.1', '1.2.3', false],
    ['custom', 'custom', true],
    ['custom', 'other', false],
    [null, '1.0.0', false],
  ])('%p vs %p → %p', (installed, target, expected) => {
    expect(isSameVersion(installed, target)).toBe(expected);
  });
});
