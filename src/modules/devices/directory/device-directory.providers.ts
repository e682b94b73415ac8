import type { Provider } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../../config';
import { DevicesRepository } from '../devices.repository';
import { DeviceDirectoryHealthIndicator } from './device-directory.health';
import { DEVICE_DIRECTORY, type DeviceDirectory } from './device-directory.port';
import { RegistryDeviceDirectory } from './registry-device-directory';
import { RemoteDeviceDirectory } from './remote-device-directory';

export { DEVICE_DIRECTORY } from './device-directory.port';

/** The platform device service when `DEVICE_SERVICE_URL` is set, else the built-in registry. */
export function createDeviceDirectory(config: AppConfig, devices: DevicesRepository): DeviceDirectory {
  const { url, token, timeoutMs, cacheSeconds } = config.devices.directory;
  if (url === undefined) return new RegistryDeviceDirectory(devices);
  return new RemoteDeviceDirectory({ url, token, timeoutMs, cacheSeconds, probeOrganizationId: config.auth.defaultOrganizationId });
}

/** `DEVICE_DIRECTORY` and its health; the devices module provides `DevicesRepository`. */
export const deviceDirectoryProviders: Provider[] = [
  { provide: DEVICE_DIRECTORY, inject: [APP_CONFIG, DevicesRepository], useFactory: createDeviceDirectory },
  DeviceDirectoryHealthIndicator,
];
