import { validateAs } from '../../common/http/request-validation.pipe';
import { DEVICE_LIMITS } from '../devices/device-input';
import { DeviceIdParamDto } from '../devices/dto/device.dto';
import { DEVICE_REPORT_LIMITS } from '../updates/domain/device-report';
import { DEVICE_REPORTED_STATUSES } from '../updates/domain/update-state';
import { DeviceCheckInDto, DeviceStatusReportDto, DeviceUpdateParamsDto } from './dto/device-api.dto';

/**
 * Input checks for the device API's fast routes: "validate fast, explain slowly". A cheap test
 * accepts the common, plainly valid input (printable ASCII within the limits, where character
 * counts cannot differ between JavaScript and class-validator); anything else goes through the
 * DTO and the global pipe's rules, which either accept it too or answer the usual 422 naming each
 * field. So the fast routes accept and refuse exactly what the DTOs do, at a fraction of the cost.
 */

const printableAscii = (max: number) => new RegExp(`^[\\x20-\\x7e]{1,${max}}$`);
const PLAIN_DEVICE_ID = printableAscii(DEVICE_LIMITS.deviceIdMaxLength);
const PLAIN_VERSION = printableAscii(DEVICE_LIMITS.versionMaxLength);
const PLAIN_ERROR_CODE = printableAscii(DEVICE_REPORT_LIMITS.errorCodeMaxLength);
const PLAIN_ERROR_MESSAGE = new RegExp(`^[\\x20-\\x7e]{0,${DEVICE_REPORT_LIMITS.errorMessageMaxLength}}$`);
const PLAIN_REPORTED_VERSION = printableAscii(DEVICE_REPORT_LIMITS.firmwareVersionMaxLength);
const UPDATE_ID = /^[0-9a-f]{32}$/;
const REPORTED_STATUSES = new Set<unknown>(DEVICE_REPORTED_STATUSES);

/** The `{device_id}` of the path. @throws ValidationError as `DeviceIdParamDto` would. */
export async function checkedDeviceId(params: unknown): Promise<string> {
  const deviceId = (params as { device_id?: unknown } | undefined)?.device_id;
  if (typeof deviceId === 'string' && PLAIN_DEVICE_ID.test(deviceId)) return deviceId;
  return (await validateAs(DeviceIdParamDto, params, ['path'])).device_id;
}

/** `{device_id}` and `{update_id}` of a status report. @throws ValidationError as `DeviceUpdateParamsDto` would. */
export async function checkedUpdateParams(params: unknown): Promise<{ device_id: string; update_id: string }> {
  const { device_id: deviceId, update_id: updateId } = (params ?? {}) as { device_id?: unknown; update_id?: unknown };
  if (typeof deviceId === 'string' && PLAIN_DEVICE_ID.test(deviceId) && typeof updateId === 'string' && UPDATE_ID.test(updateId)) {
    return { device_id: deviceId, update_id: updateId };
  }
  return validateAs(DeviceUpdateParamsDto, params, ['path']);
}

/** A check-in body. @throws ValidationError as `DeviceCheckInDto` would. */
export async function checkedCheckIn(body: unknown): Promise<DeviceCheckInDto> {
  if (isPlainCheckIn(body)) return body;
  return validateAs(DeviceCheckInDto, body, ['body']);
}

function isPlainCheckIn(body: unknown): body is DeviceCheckInDto {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const { firmware_version: firmware, hardware_version: hardware, attributes } = body as Record<string, unknown>;
  return (
    typeof firmware === 'string' &&
    PLAIN_VERSION.test(firmware) &&
    (hardware == null || (typeof hardware === 'string' && PLAIN_VERSION.test(hardware))) &&
    // Attributes are rare on a check-in and nest arbitrarily: the DTO's rules judge them.
    attributes == null
  );
}

/** A status report body. @throws ValidationError as `DeviceStatusReportDto` would. */
export async function checkedStatusReport(body: unknown): Promise<DeviceStatusReportDto> {
  if (isPlainStatusReport(body)) return body;
  return validateAs(DeviceStatusReportDto, body, ['body']);
}

function isPlainStatusReport(body: unknown): body is DeviceStatusReportDto {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const report = body as Record<string, unknown>;
  const progress = report.progress_percentage;
  const bytes = report.bytes_downloaded;
  return (
    REPORTED_STATUSES.has(report.status) &&
    (progress == null || (typeof progress === 'number' && progress >= 0 && progress <= 100)) &&
    (bytes == null || (Number.isSafeInteger(bytes) && (bytes as number) >= 0)) &&
    isAbsentOr(report.error_code, PLAIN_ERROR_CODE) &&
    isAbsentOr(report.error_message, PLAIN_ERROR_MESSAGE) &&
    isAbsentOr(report.firmware_version, PLAIN_REPORTED_VERSION)
  );
}

function isAbsentOr(value: unknown, plain: RegExp): boolean {
  return value == null || (typeof value === 'string' && plain.test(value));
}
