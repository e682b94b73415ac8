import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Auth, CurrentOrganization } from '../../common/auth/auth.decorators';
import { DevicesService } from './devices.service';
import { DeviceGroupListResponseDto } from './dto/device.dto';

@ApiTags('devices')
@Controller('device-groups')
export class DeviceGroupsController {
  constructor(private readonly devices: DevicesService) {}

  /** Every group used by the organization's devices, by name, with its number of devices. */
  @Get()
  @Auth('viewer')
  listDeviceGroups(@CurrentOrganization() organizationId: string): Promise<DeviceGroupListResponseDto> {
    return this.devices.listGroups(organizationId);
  }
}
