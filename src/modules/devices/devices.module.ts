import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AuditModule } from '../audit/audit.module';
import { DeviceTokenAuthenticator } from './authenticators/device-token.authenticator';
import { DeviceGroupsController } from './device-groups.controller';
import { DeviceCreatedSubscriber, DeviceDeletedSubscriber, DeviceMirror, DeviceUpdatedSubscriber } from './device-mirror.subscriber';
import { DevicesController } from './devices.controller';
import { DevicesRepository } from './devices.repository';
import { DevicesService } from './devices.service';
import { DEVICE_DIRECTORY, deviceDirectoryProviders } from './directory/device-directory.providers';
import { DeviceImportService } from './import/device-import.service';
import { LastSeenBuffer } from './last-seen-buffer';

/**
 * The device registry: registration and bulk import, device tokens (and their authenticator),
 * groups, deletion with hooks, the buffered last-seen times, the mirror of the platform device
 * service's events, and the `DeviceDirectory` other modules look single devices up in (this
 * registry, or a platform device service).
 */
@Module({
  imports: [DiscoveryModule, AuditModule],
  controllers: [DevicesController, DeviceGroupsController],
  providers: [
    DevicesRepository,
    DevicesService,
    DeviceImportService,
    LastSeenBuffer,
    DeviceTokenAuthenticator,
    ...deviceDirectoryProviders,
    DeviceMirror,
    DeviceCreatedSubscriber,
    DeviceUpdatedSubscriber,
    DeviceDeletedSubscriber,
  ],
  exports: [DevicesService, LastSeenBuffer, DEVICE_DIRECTORY],
})
export class DevicesModule {}
