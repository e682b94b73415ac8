import { Controller, Get, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentOrganization, DeviceAuth } from '../../common/auth/auth.decorators';
import { DeviceIdParamDto, DeviceResponseDto } from '../devices/dto/device.dto';
import { DeviceApiService } from './device-api.service';

/** The device-facing API: devices call it with their own token, gateways with a `device_gateway` key. */
@ApiTags('device-api')
@Controller('device-api/devices')
export class DeviceApiController {
  constructor(private readonly deviceApi: DeviceApiService) {}

  /** The device's registration as the service knows it (no token). Records that the device was seen. */
  @Get(':device_id')
  @DeviceAuth()
  getDeviceRegistration(@Param() params: DeviceIdParamDto, @CurrentOrganization() organizationId: string): Promise<DeviceResponseDto> {
    return this.deviceApi.getRegistration(organizationId, params.device_id);
  }
}
