import { Inject, Injectable } from '@nestjs/common';
import { type DependencyHealth, type DependencyHealthCheck, HealthIndicator } from '../../../common/health/health-indicator';
import { DEVICE_DIRECTORY, type DeviceDirectory } from './device-directory.port';
import { RemoteDeviceDirectory } from './remote-device-directory';

/**
 * The device directory as `checks.device_directory`. Not critical: without the device service,
 * lookups answer 503 but everything else (firmware, campaigns, health itself) keeps working.
 * With the built-in registry it reports `mode: registry`; the registry lives in the database,
 * whose own check tells whether it answers.
 */
@Injectable()
@HealthIndicator({ name: 'device_directory', critical: false })
export class DeviceDirectoryHealthIndicator implements DependencyHealthCheck {
  constructor(@Inject(DEVICE_DIRECTORY) private readonly directory: DeviceDirectory) {}

  check(): Promise<DependencyHealth> {
    if (this.directory instanceof RemoteDeviceDirectory) return this.directory.health();
    return Promise.resolve({ status: 'up', mode: 'registry' });
  }
}
