import { Injectable } from '@nestjs/common';
import type { DeviceResponseDto } from '../devices/dto/device.dto';
import { DevicesService } from '../devices/devices.service';
import { LastSeenBuffer } from '../devices/last-seen-buffer';

/** What devices (or gateways acting for them) ask of the service. */
@Injectable()
export class DeviceApiService {
  constructor(
    private readonly devices: DevicesService,
    private readonly lastSeen: LastSeenBuffer,
  ) {}

  /**
   * The device's own registration; the call counts as the device being seen.
   * @throws NotFoundError when the organization has no such device.
   */
  async getRegistration(organizationId: string, deviceId: string): Promise<DeviceResponseDto> {
    const device = await this.devices.get(organizationId, deviceId);
    this.lastSeen.record(organizationId, deviceId, { seenAt: new Date() });
    return device;
  }
}
