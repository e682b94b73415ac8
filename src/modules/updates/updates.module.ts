import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AuditModule } from '../audit/audit.module';
import { DevicesModule } from '../devices/devices.module';
import { FirmwareModule } from '../firmware/firmware.module';
import { DEVICE_COMMAND_SINK } from './device-command-sink';
import { CampaignUpdatesRepository } from './campaign-updates.repository';
import { CampaignUpdatesService } from './campaign-updates.service';
import { DeviceCommandsWriter } from './device-commands.writer';
import { DeviceConsentService } from './device-consent.service';
import { DeviceReportsService } from './device-reports.service';
import { HealthChecksOnSeen } from './health-checks.listener';
import { HealthChecksRepository } from './health-checks.repository';
import { HealthChecksService } from './health-checks.service';
import { UpdateChanges } from './update-changes';
import { UpdateTimeoutsService } from './update-timeouts.service';
import { UpdateMetrics } from './update.metrics';
import { UpdatesFirmwareUsage, UpdatesDeviceDeletion } from './update-usage';
import { DeviceUpdatesController, UpdatesController } from './updates.controller';
import { UpdatesRepository } from './updates.repository';
import { UpdatesScheduler } from './updates.scheduler';
import { UpdatesService } from './updates.service';

/**
 * Device updates: operator requests (`UpdatesService`), the device-report state machine
 * (`DeviceReportsService`, used by the device API and the MQTT consumer), timeouts and automatic
 * retries (`UpdateTimeoutsService`), device consent and post-update health confirmation
 * (`DeviceConsentService`, `HealthChecksService`), and what each change writes besides itself (`UpdateChanges`:
 * timeline, events, device commands through `DEVICE_COMMAND_SINK`, transition listeners).
 */
@Module({
  imports: [DiscoveryModule, AuditModule, DevicesModule, FirmwareModule],
  controllers: [DeviceUpdatesController, UpdatesController],
  providers: [
    UpdatesRepository,
    UpdateChanges,
    UpdatesService,
    DeviceReportsService,
    UpdateTimeoutsService,
    CampaignUpdatesRepository,
    CampaignUpdatesService,
    UpdatesScheduler,
    UpdateMetrics,
    UpdatesFirmwareUsage,
    UpdatesDeviceDeletion,
    DeviceCommandsWriter,
    { provide: DEVICE_COMMAND_SINK, useExisting: DeviceCommandsWriter },
    DeviceConsentService,
    HealthChecksRepository,
    HealthChecksService,
    HealthChecksOnSeen,
  ],
  exports: [UpdatesService, DeviceReportsService, UpdateTimeoutsService, CampaignUpdatesService, DEVICE_COMMAND_SINK, DeviceConsentService, HealthChecksService],
})
export class UpdatesModule {}
