import { validateAs } from '../../common/http/request-validation.pipe';
import { ValidationError } from '../../common/errors/domain-error';
import { DeviceIdParamDto } from '../devices/dto/device.dto';
import { parseDeviceReport } from '../mqtt/device-report';
import { DeviceCheckInDto, DeviceUpdateParamsDto } from './dto/device-api.dto';
import { checkedCheckIn, checkedDeviceId, checkedStatusReport, checkedUpdateParams } from './fast-input';

/** The outcome of the DTO's own rules: accepted, or the 422's field errors. */
async function byDto<T extends object>(metatype: new () => T, value: unknown, location: string): Promise<'accepted' | unknown[]> {
  try {
    await validateAs(metatype, value, [location]);
    return 'accepted';
  } catch (error) {
    if (error instanceof ValidationError) return error.errors;
    throw error;
  }
}

async function byFastCheck(check: () => Promise<unknown>): Promise<'accepted' | unknown[]> {
  try {
    await check();
    return 'accepted';
  } catch (error) {
    if (error instanceof ValidationError) return error.errors;
    throw error;
  }
}

const versions: unknown[] = ['1.0.0', 'v2.3.4-rc.1+build.5', 'x', 'x'.repeat(50), 'x'.repeat(51), '', ' ', 'é', '\u{1F600}'.repeat(26), 'a\u0000b', 'tab\there', 7, true, null, undefined, {}, []];

describe('device API fast input checks accept and refuse exactly what the DTOs do', () => {
  const bodies: unknown[] = [
    ...versions.map((firmware_version) => ({ firmware_version })),
    ...versions.map((hardware_version) => ({ firmware_version: '1.0.0', hardware_version })),
    { firmware_version: '1.0.0', attributes: null },
    { firmware_version: '1.0.0', attributes: { region: 'eu', nested: { ok: true } } },
    { firmware_version: '1.0.0', attributes: { bad: 'a\u0000b' } },
    { firmware_version: '1.0.0', attributes: 'not an object' },
    { firmware_version: '1.0.0', attributes: [] },
    { firmware_version: '1.0.0', unknown_key: 'ignored' },
    {},
    [],
    null,
    'firmware_version',
  ];

  it.each(bodies.map((body) => [JSON.stringify(body) ?? String(body), body]))('check-in body %s', async (_label, body) => {
    expect(await byFastCheck(() => checkedCheckIn(body))).toEqual(await byDto(DeviceCheckInDto, body, 'body'));
  });

  const deviceIds: unknown[] = ['sf-000123', 'a', 'x'.repeat(255), 'x'.repeat(256), '', 'with space', 'slash/inside', 'ünïcode', 'a\u0000b', 'new\nline', 'del\u007f', 42];

  it.each(deviceIds.map((id) => [JSON.stringify(id), id]))('device id %s', async (_label, device_id) => {
    expect(await byFastCheck(() => checkedDeviceId({ device_id }))).toEqual(await byDto(DeviceIdParamDto, { device_id }, 'path'));
  });

  const updateParams: unknown[] = [
    { device_id: 'sf-1', update_id: '0123456789abcdef0123456789abcdef' },
    { device_id: 'sf-1', update_id: '0123456789ABCDEF0123456789abcdef' },
    { device_id: 'sf-1', update_id: '0123456789abcdef0123456789abcde' },
    { device_id: 'sf-1', update_id: 'not-an-id' },
    { device_id: 'ünï', update_id: '0123456789abcdef0123456789abcdef' },
    { device_id: 'x'.repeat(256), update_id: '0123456789abcdef0123456789abcdef' },
    { device_id: 'sf-1' },
  ];

  it.each(updateParams.map((params) => [JSON.stringify(params), params]))('status report path %s', async (_label, params) => {
    expect(await byFastCheck(() => checkedUpdateParams(params))).toEqual(await byDto(DeviceUpdateParamsDto, params, 'path'));
  });

  it('takes the fast path for a plain check-in (the input itself, no DTO instance)', async () => {
    const body = { firmware_version: '1.0.0', hardware_version: null };
    expect(await checkedCheckIn(body)).toBe(body);
    expect(await checkedCheckIn({ firmware_version: '1.0.0', attributes: {} })).toBeInstanceOf(DeviceCheckInDto);
  });
});

describe('status report body: one schema over HTTP and MQTT', () => {
  /** A body, and what it gives: the report, or each invalid field as `loc:type`. */
  const reports: [unknown, Record<string, unknown> | string[]][] = [
    [{ status: 'downloading' }, { status: 'downloading' }],
    [{ status: 'downloading', progress_percentage: 0, bytes_downloaded: 0 }, { status: 'downloading', progress_percentage: 0, bytes_downloaded: 0 }],
    [
      { status: 'downloading', progress_percentage: 100, bytes_downloaded: Number.MAX_SAFE_INTEGER },
      { status: 'downloading', progress_percentage: 100, bytes_downloaded: Number.MAX_SAFE_INTEGER },
    ],
    [{ status: 'downloading', progress_percentage: 37.5 }, { status: 'downloading', progress_percentage: 37.5 }],
    [{ status: 'downloading', progress_percentage: 100.01 }, ['body.progress_percentage:too_big']],
    [{ status: 'downloading', progress_percentage: -1 }, ['body.progress_percentage:too_small']],
    [{ status: 'downloading', progress_percentage: '50' }, ['body.progress_percentage:invalid_type']],
    [{ status: 'downloading', bytes_downloaded: 1.5 }, ['body.bytes_downloaded:invalid_type']],
    [{ status: 'downloading', bytes_downloaded: -1 }, ['body.bytes_downloaded:too_small']],
    [{ status: 'downloading', bytes_downloaded: Number.MAX_SAFE_INTEGER + 1 }, ['body.bytes_downloaded:too_big']],
    [{ status: 'downloading', bytes_downloaded: '10' }, ['body.bytes_downloaded:invalid_type']],
    [
      { status: 'failed', error_code: 'E_FLASH', error_message: 'write failed at block 12' },
      { status: 'failed', error_code: 'E_FLASH', error_message: 'write failed at block 12' },
    ],
    [{ status: 'failed', error_code: '', error_message: '' }, ['body.error_code:too_small']],
    [
      { status: 'failed', error_code: 'x'.repeat(100), error_message: 'x'.repeat(2000) },
      { status: 'failed', error_code: 'x'.repeat(100), error_message: 'x'.repeat(2000) },
    ],
    [{ status: 'failed', error_code: 'x'.repeat(101) }, ['body.error_code:too_big']],
    [{ status: 'failed', error_message: 'x'.repeat(2001) }, ['body.error_message:too_big']],
    [{ status: 'failed', error_message: 'Prüfsumme' }, { status: 'failed', error_message: 'Prüfsumme' }],
    [{ status: 'failed', error_message: 'nul \u0000 inside' }, ['body.error_message:string_nul']],
    [{ status: 'failed', error_code: 'lone \ud800' }, ['body.error_code:string_unicode']],
    [
      { status: 'failed', error_code: null, error_message: null, progress_percentage: null, bytes_downloaded: null, firmware_version: null },
      { status: 'failed' },
    ],
    [{ status: 'completed', firmware_version: '2.1.0' }, { status: 'completed', firmware_version: '2.1.0' }],
    [{ status: 'completed', firmware_version: '' }, ['body.firmware_version:too_small']],
    [{ status: 'completed', firmware_version: 'x'.repeat(101) }, ['body.firmware_version:too_big']],
    [{ status: 'completed', firmware_version: 21 }, ['body.firmware_version:invalid_type']],
    [{ status: 'scheduled' }, ['body.status:invalid_value']],
    [{ status: 'COMPLETED' }, ['body.status:invalid_value']],
    [{ status: null }, ['body.status:invalid_value']],
    [{ status: 'verifying', extra: true }, { status: 'verifying' }],
    [{}, ['body.status:missing']],
    [[], ['body:invalid_type']],
    [null, ['body:invalid_type']],
  ];

  const overHttp = (body: unknown): Record<string, unknown> | string[] => {
    try {
      return checkedStatusReport(body);
    } catch (error) {
      if (error instanceof ValidationError) return error.errors.map((e) => `${e.loc.join('.')}:${e.type}`);
      throw error;
    }
  };

  it.each(reports.map(([body, expected]) => [JSON.stringify(body), body, expected]))('%s', (_label, body, expected) => {
    expect(overHttp(body)).toEqual(expected);
    // The same body with the update id MQTT adds: the same verdict from the same schema.
    const overMqtt = parseDeviceReport(JSON.stringify(isObject(body) ? { update_id: UPDATE_ID, ...body } : body));
    if (Array.isArray(expected)) expect(overMqtt).toMatchObject({ ok: false, reason: 'invalid_report' });
    else expect(overMqtt).toEqual({ ok: true, report: { update_id: UPDATE_ID, ...expected } });
  });

  it('names every invalid field at once, with a message', () => {
    expect(() => checkedStatusReport({ status: 'nope', progress_percentage: 101 })).toThrow(
      expect.objectContaining({
        errors: [
          { loc: ['body', 'status'], msg: expect.stringContaining('in_progress'), type: 'invalid_value' },
          { loc: ['body', 'progress_percentage'], msg: expect.stringContaining('100'), type: 'too_big' },
        ],
      }),
    );
  });
});

const UPDATE_ID = '0123456789abcdef0123456789abcdef';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
