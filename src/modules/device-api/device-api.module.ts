import { Global, Module } from '@nestjs/common';
import { DevicesModule } from '../devices/devices.module';
import { FirmwareModule } from '../firmware/firmware.module';
import { DEVICE_REPORT_HANDLER } from '../mqtt/device-report-handler';
import { UpdatesModule } from '../updates/updates.module';
import { CheckInReads } from './check-in-reads';
import { CheckInAnswers } from './check-in-answers';
import { DeviceApiController } from './device-api.controller';
import { DeviceApiFastRoutes } from './device-api.fast-routes';
import { DeviceApiMetrics } from './device-api.metrics';
import { DeviceApiService } from './device-api.service';
import { MqttDeviceReportHandler } from './mqtt-report.handler';

/**
 * The API devices call (with `Authorization: Device <token>`), or gateways on their behalf, over
 * HTTP and MQTT. Global only to export `DEVICE_REPORT_HANDLER`: the MQTT bridge finds it without
 * importing this module (which would tie the transport to the update rules) and without this
 * module importing the bridge; nothing else is exported.
 */
@Global()
@Module({
  imports: [DevicesModule, FirmwareModule, UpdatesModule],
  controllers: [DeviceApiController],
  providers: [
    DeviceApiService,
    CheckInReads,
    CheckInAnswers,
    DeviceApiFastRoutes,
    DeviceApiMetrics,
    MqttDeviceReportHandler,
    { provide: DEVICE_REPORT_HANDLER, useExisting: MqttDeviceReportHandler },
  ],
  exports: [DEVICE_REPORT_HANDLER],
})
export class DeviceApiModule {}
