import { createHash } from 'node:crypto';
import { firmwareIdOf } from './firmware-id';

describe('firmwareIdOf', () => {
  it('is the first 32 hex characters of SHA-256 of name:version:device_model', () => {
    const expected = createHash('sha256').update('SmartFrame Firmware:2.1.0:SF-2024-Pro').digest('hex').slice(0, 32);
    expect(firmwareIdOf('SmartFrame Firmware', '2.1.0', 'SF-2024-Pro')).toBe(expected);
    expect(expected).toMatch(/^[0-9a-f]{32}$/);
  });

  it('differs when any part differs', () => {
    const base = firmwareIdOf('a', '1.0.0', 'm');
    expect(firmwareIdOf('b', '1.0.0', 'm')).not.toBe(base);
    expect(firmwareIdOf('a', '1.0.1', 'm')).not.toBe(base);
    expect(firmwareIdOf('a', '1.0.0', 'n')).not.toBe(base);
  });
});
