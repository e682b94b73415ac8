import { validateAs } from '../../common/http/request-validation.pipe';
import { ValidationError } from '../../common/errors/domain-error';
import { DeviceIdParamDto } from '../devices/dto/device.dto';
import { DeviceCheckInDto, DeviceStatusReportDto, DeviceUpdateParamsDto } from './dto/device-api.dto';
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

  const reports: unknown[] = [
    { status: 'downloading' },
    { status: 'downloading', progress_percentage: 0, bytes_downloaded: 0 },
    { status: 'downloading', progress_percentage: 100, bytes_downloaded: Number.MAX_SAFE_INTEGER },
    { status: 'downloading', progress_percentage: 37.5 },
    { status: 'downloading', progress_percentage: -0 },
    { status: 'downloading', progress_percentage: 100.01 },
    { status: 'downloading', progress_percentage: -1 },
    { status: 'downloading', progress_percentage: '50' },
    { status: 'downloading', bytes_downloaded: 1.5 },
    { status: 'downloading', bytes_downloaded: -1 },
    { status: 'downloading', bytes_downloaded: Number.MAX_SAFE_INTEGER + 1 },
    { status: 'downloading', bytes_downloaded: '10' },
    { status: 'failed', error_code: 'E_FLASH', error_message: 'write failed at block 12' },
    { status: 'failed', error_code: '', error_message: '' },
    { status: 'failed', error_code: 'x'.repeat(100), error_message: 'x'.repeat(2000) },
    { status: 'failed', error_code: 'x'.repeat(101) },
    { status: 'failed', error_message: 'x'.repeat(2001) },
    { status: 'failed', error_message: 'Flash schreiben fehlgeschlagen: Prüfsumme' },
    { status: 'failed', error_message: 'nul \u0000 inside' },
    { status: 'failed', error_code: null, error_message: null, progress_percentage: null, bytes_downloaded: null, firmware_version: null },
    { status: 'completed', firmware_version: '2.1.0' },
    { status: 'completed', firmware_version: '' },
    { status: 'completed', firmware_version: 'x'.repeat(101) },
    { status: 'completed', firmware_version: 21 },
    { status: 'scheduled' },
    { status: 'COMPLETED' },
    { status: 'verifying', extra: true },
    {},
    [],
    null,
  ];

  it.each(reports.map((body) => [JSON.stringify(body) ?? String(body), body]))('status report %s', async (_label, body) => {
    expect(await byFastCheck(() => checkedStatusReport(body))).toEqual(await byDto(DeviceStatusReportDto, body, 'body'));
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
