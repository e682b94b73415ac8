import { Inject, Injectable } from '@nestjs/common';
import { type DependencyHealth, type DependencyHealthCheck, HealthIndicator } from '../../common/health/health-indicator';
import { STORAGE, type StoragePort } from './storage.port';

/**
 * Firmware storage as `checks.storage`. Not critical: without storage, uploads and downloads
 * fail but devices still check in and report, so load balancers must keep the API.
 */
@Injectable()
@HealthIndicator({ name: 'storage', critical: false })
export class StorageHealthIndicator implements DependencyHealthCheck {
  constructor(@Inject(STORAGE) private readonly storage: StoragePort) {}

  check(): Promise<DependencyHealth> {
    return this.storage.health();
  }
}
