import { Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError } from '../../common/errors/domain-error';
import { onDevicePool } from '../../database/database-pools';
import type { DeviceReport as MqttDeviceReport } from '../mqtt/device-report';
import type { DeviceReportHandler, DeviceReportOutcome } from '../mqtt/device-report-handler';
import { UpdatesService } from '../updates/updates.service';
import { DeviceApiService } from './device-api.service';

/**
 * Applies status reports devices publish over MQTT (the port of the MQTT bridge). The topic names
 * the device, the payload the update: the update is found by its id (unique across organizations)
 * and must belong to that device, which gives the organization. Client errors (unknown or someone
 * else's update, a refused transition) are `rejected`, never thrown; the bridge logs and counts them.
 */
@Injectable()
export class MqttDeviceReportHandler implements DeviceReportHandler {
  constructor(
    private readonly updates: UpdatesService,
    private readonly deviceApi: DeviceApiService,
  ) {}

  handleReport(deviceId: string, report: MqttDeviceReport): Promise<DeviceReportOutcome> {
    // Device traffic, served from the device pool like the HTTP device API (see DeviceTrafficRouting).
    return onDevicePool(() => this.apply(deviceId, report));
  }

  private async apply(deviceId: string, report: MqttDeviceReport): Promise<DeviceReportOutcome> {
    const organizationId = await this.updates.organizationOfUpdate(report.update_id, deviceId);
    if (organizationId === null) {
      return { outcome: 'rejected', reason: `update/not_found: update ${report.update_id} is not an update of this device` };
    }
    const { update_id: updateId, ...rest } = report;
    this.deviceApi.recordSeen(organizationId, deviceId, rest);
    try {
      await this.deviceApi.applyReport('mqtt', organizationId, deviceId, updateId, rest);
      return { outcome: 'applied' };
    } catch (error) {
      if (error instanceof NotFoundError || error instanceof ConflictError) return { outcome: 'rejected', reason: `${error.code}: ${error.message}` };
      throw error;
    }
  }
}
