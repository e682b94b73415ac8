import { validateAs } from '../../common/http/request-validation.pipe';
import { parseOrThrow } from '../../common/http/zod-validation';
import { DEVICE_LIMITS } from '../devices/device-input';
import { DeviceIdParamDto } from '../devices/dto/device.dto';
import { type DeviceReport, deviceReportBody } from '../updates/domain/device-report';
import { DeviceCheckInDto, DeviceUpdateParamsDto } from './dto/device-api.dto';

/**
 * Input checks for the device API's fast routes. The path and the check-in body: "validate fast,
 * explain slowly". A cheap test accepts the common, plainly valid input (printable ASCII within
 * the limits, where character counts cannot differ between JavaScript and class-validator);
 * anything else goes through the DTO and the global pipe's rules, which either accept it too or
 * answer the usual 422 naming each field. So they accept and refuse exactly what the DTOs do, at a
 * fraction of the cost. The status report body has one zod schema, shared with MQTT, fast itself.
 */

const printableAscii = (max: number) => new RegExp(`^[\\x20-\\x7e]{1,${max}}$`);
const PLAIN_DEVICE_ID = printableAscii(DEVICE_LIMITS.deviceIdMaxLength);
const PLAIN_VERSION = printableAscii(DEVICE_LIMITS.versionMaxLength);
const UPDATE_ID = /^[0-9a-f]{32}$/;

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

/** A status report body, by the one report schema that MQTT payloads go through too. @throws ValidationError naming each invalid field. */
export function checkedStatusReport(body: unknown): DeviceReport {
  return parseOrThrow(deviceReportBody, body, ['body']);
}
