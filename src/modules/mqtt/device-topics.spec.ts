import { parseDeviceReport } from './device-report';
import { commandTopic, decodeDeviceId, deviceIdOfStatusTopic, encodeDeviceId, statusTopic } from './device-topics';

describe('device topics', () => {
  it('uses ordinary device ids as they are', () => {
    expect(commandTopic('sensor-01:ab_CD.9')).toBe('ota/v1/devices/sensor-01:ab_CD.9/commands');
    expect(statusTopic('sensor-01')).toBe('ota/v1/devices/sensor-01/status');
  });

  it('percent-encodes /, +, # and % so any device id is one topic level, and decodes it back', () => {
    const ids = ['a/b', 'x+y', 'z#', '100%', '%2F', 'a/+#%/b', 'ünï çødé'];
    for (const id of ids) {
      const level = encodeDeviceId(id);
      expect(level).not.toMatch(/[/+#]/);
      expect(decodeDeviceId(level)).toBe(id);
      expect(deviceIdOfStatusTopic(statusTopic(id))).toBe(id);
    }
    expect(encodeDeviceId('a/+#%/b')).toBe('a%2F%2B%23%25%2Fb');
    // Devices may write the hex digits in lower case.
    expect(decodeDeviceId('a%2fb')).toBe('a/b');
  });

  it('refuses levels that are not a valid encoding and topics of another shape', () => {
    for (const level of ['', 'a%41', 'a%', 'a%2', '%zz']) expect(decodeDeviceId(level)).toBeUndefined();
    expect(deviceIdOfStatusTopic('ota/v1/devices/a/b/status')).toBeUndefined();
    expect(deviceIdOfStatusTopic('ota/v1/devices//status')).toBeUndefined();
    expect(deviceIdOfStatusTopic('ota/v1/devices/a/commands')).toBeUndefined();
    expect(deviceIdOfStatusTopic('other/v1/devices/a/status')).toBeUndefined();
  });
});

describe('parseDeviceReport', () => {
  const updateId = '0123456789abcdef0123456789abcdef';

  it('accepts the HTTP status report plus update_id, ignoring unknown keys and nulls', () => {
    const payload = JSON.stringify({
      update_id: updateId,
      status: 'downloading',
      progress_percentage: 42.5,
      bytes_downloaded: 1024,
      error_code: null,
      firmware_version: '1.2.3',
      extra: 'ignored',
    });
    expect(parseDeviceReport(Buffer.from(payload))).toEqual({
      ok: true,
      report: { update_id: updateId, status: 'downloading', progress_percentage: 42.5, bytes_downloaded: 1024, firmware_version: '1.2.3' },
    });
  });

  it('tells malformed JSON from a wrong shape', () => {
    expect(parseDeviceReport('{"update_id":')).toMatchObject({ ok: false, reason: 'malformed_json' });
    const wrong = [
      [],
      'completed',
      { status: 'completed' },
      { update_id: updateId.toUpperCase(), status: 'completed' },
      { update_id: updateId, status: 'scheduled' },
      { update_id: updateId, status: 'downloading', progress_percentage: 101 },
      { update_id: updateId, status: 'downloading', bytes_downloaded: -1 },
      { update_id: updateId, status: 'failed', error_message: 'x'.repeat(2001) },
    ];
    for (const body of wrong) expect(parseDeviceReport(JSON.stringify(body))).toMatchObject({ ok: false, reason: 'invalid_report' });
  });
});
