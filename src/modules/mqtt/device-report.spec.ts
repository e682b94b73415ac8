import { parseDeviceReport } from './device-report';

const UPDATE_ID = 'a'.repeat(32);

describe('parseDeviceReport', () => {
  it('keeps the fields given and drops nulls', () => {
    expect(parseDeviceReport(JSON.stringify({ update_id: UPDATE_ID, status: 'failed', error_code: 'disk_full', error_message: null }))).toEqual({
      ok: true,
      report: { update_id: UPDATE_ID, status: 'failed', error_code: 'disk_full' },
    });
  });

  it('refuses text the database cannot store as an invalid report, naming the field', () => {
    for (const [field, value] of [
      ['error_message', 'flash \ud800 worn'],
      ['error_code', 'e\u0000'],
      ['firmware_version', '2.0\udc00'],
    ]) {
      const parsed = parseDeviceReport(JSON.stringify({ update_id: UPDATE_ID, status: 'failed', [field]: value }));
      expect(parsed).toEqual({ ok: false, reason: 'invalid_report', detail: expect.stringContaining(field) });
    }
  });

  it('tells malformed JSON apart', () => {
    expect(parseDeviceReport('{"update_id":')).toMatchObject({ ok: false, reason: 'malformed_json' });
  });
});
