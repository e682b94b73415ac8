import type { Device } from '../../../generated/prisma/client';
import type { DeviceDirectory, DirectoryDevice } from './device-directory.port';

/**
 * The default directory: the service's own registry (`ota.devices`). Its availability is the
 * database's, which `/health/detailed` already reports, and it is never cached: a device
 * registered a moment ago must be found at once.
 */
/** The one registry read the adapter needs (`DevicesRepository.findById`). */
export interface RegistryDeviceReader {
  findById(organizationId: string, deviceId: string): Promise<Device | null>;
}

export class RegistryDeviceDirectory implements DeviceDirectory {
  readonly mode = 'registry';

  constructor(private readonly devices: RegistryDeviceReader) {}

  async find(organizationId: string, deviceId: string): Promise<DirectoryDevice | null> {
    const row = await this.devices.findById(organizationId, deviceId);
    return row ? toDirectoryDevice(row) : null;
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
