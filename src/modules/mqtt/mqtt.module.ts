import { Module } from '@nestjs/common';
import { DeviceCommandRelay } from './device-command-relay';
import { DeviceCommandRelayScheduler } from './device-command-relay.scheduler';
import { DeviceCommandRepository } from './device-command.repository';
import { DeviceReportConsumer } from './device-report.consumer';
import { MqttConnection } from './mqtt-connection';
import { MqttHealthIndicator } from './mqtt.health';
import { MqttMetrics } from './mqtt.metrics';

/**
 * The MQTT bridge (`MQTT_URL`): relays `ota.device_commands` to devices and consumes their status
 * reports. Off without `MQTT_URL`; devices then use HTTP only. Reports are consumed only when a
 * provider of `DEVICE_REPORT_HANDLER` is visible here (a global module, or one imported here).
 */
@Module({
  providers: [
    MqttConnection,
    MqttMetrics,
    DeviceCommandRepository,
    DeviceCommandRelay,
    DeviceCommandRelayScheduler,
    DeviceReportConsumer,
    MqttHealthIndicator,
  ],
  exports: [DeviceCommandRelay],
})
export class MqttModule {}
