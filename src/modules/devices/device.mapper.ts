import type { Device } from '../../generated/prisma/client';
import type { DeviceAttributes } from './device-input';
import type { DeviceResponseDto } from './dto/device.dto';

/** The public view of a device: never its token hash or version keys. */
export function toDeviceResponse(row: Device): DeviceResponseDto {
  return {
    device_id: row.deviceId,
    device_type: row.deviceType,
    device_model: row.deviceModel,
    manufacturer: row.manufacturer,
    hardware_version: row.hardwareVersion,
    firmware_version: row.firmwareVersion,
    groups: row.groups ?? [],
    tags: row.tags ?? [],
    attributes: (row.attributes ?? {}) as DeviceAttributes,
    has_token: row.tokenHash !== null,
    token_issued_at: row.tokenIssuedAt?.toISOString() ?? null,
    last_seen_at: row.lastSeenAt?.toISOString() ?? null,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}
