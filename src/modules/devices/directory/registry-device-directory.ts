import type { Device } from '../../../generated/prisma/client';
import type { DeviceDirectory, DirectoryDevice } from './device-directory.port';

/**
 * The default directory: the service's own registry (`ota.devices`). Its availability is the
 * database's, which `/health/detailed` already reports, and it is never cached: a device
 * registered a moment ago must be found at once.
 */
/** The registry reads the adapter needs (of `DevicesRepository`). */
export interface RegistryDeviceReader {
  findById(organizationId: string, deviceId: string): Promise<Device | null>;
  findManyByIds(organizationId: string, deviceIds: string[]): Promise<Device[]>;
}

export class RegistryDeviceDirectory implements DeviceDirectory {
  readonly mode = 'registry';

  constructor(private readonly devices: RegistryDeviceReader) {}

  async find(organizationId: string, deviceId: string): Promise<DirectoryDevice | null> {
    const row = await this.devices.findById(organizationId, deviceId);
    return row ? toDirectoryDevice(row) : null;
  }

  /** One query, whatever the count. */
  async findMany(organizationId: string, deviceIds: readonly string[]): Promise<Map<string, DirectoryDevice>> {
    const rows = deviceIds.length === 0 ? [] : await this.devices.findManyByIds(organizationId, [...deviceIds]);
    return new Map(rows.map((row) => [row.deviceId, toDirectoryDevice(row)]));
  }
}

function toDirectoryDevice(row: Device): DirectoryDevice {
  return {
    deviceId: row.deviceId,
    deviceType: row.deviceType,
    deviceModel: row.deviceModel,
    manufacturer: row.manufacturer,
    hardwareVersion: row.hardwareVersion,
    firmwareVersion: row.firmwareVersion,
  };
}
