import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { DevicesModule } from '../devices/devices.module';
import { FirmwareModule } from '../firmware/firmware.module';
import { DEVICE_COMMAND_SINK } from './device-command-sink';
import { DeviceCommandsWriter } from './device-commands.writer';
import { UpdateMetrics } from './update.metrics';
import { UpdatesFirmwareUsage, UpdatesDeviceDeletion } from './update-usage';
import { DeviceUpdatesController, UpdatesController } from './updates.controller';
import { UpdatesRepository } from './updates.repository';
import { UpdatesScheduler } from './updates.scheduler';
import { UpdatesService } from './updates.service';

/**
 * Device updates: operator requests, the device-report state machine (`UpdatesService.applyDeviceReport`,
 * used by the device API and the MQTT consumer), timeouts and automatic retries, and the device
 * commands each change causes (`DEVICE_COMMAND_SINK`, by default rows of `ota.device_commands`).
 */
@Module({
  imports: [DiscoveryModule, DevicesModule, FirmwareModule],
  controllers: [DeviceUpdatesController, UpdatesController],
  providers: [
    UpdatesRepository,
    UpdatesService,
    UpdatesScheduler,
    UpdateMetrics,
    UpdatesFirmwareUsage,
    UpdatesDeviceDeletion,
    DeviceCommandsWriter,
    { provide: DEVICE_COMMAND_SINK, useExisting: DeviceCommandsWriter },
  ],
  exports: [UpdatesService, DEVICE_COMMAND_SINK],
})
export class UpdatesModule {}
