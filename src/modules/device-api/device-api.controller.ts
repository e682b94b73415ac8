import { Controller, Get, Param } from '@nestjs/common';
import { ApiExtraModels, ApiTags } from '@nestjs/swagger';
import { CurrentOrganization, DeviceAuth } from '../../common/auth/auth.decorators';
import { DeviceIdParamDto, DeviceResponseDto } from '../devices/dto/device.dto';
import { UpdateResponseDto } from '../updates/dto/update.dto';
import { DeviceApiService } from './device-api.service';
import { DeviceCheckInDto, DeviceCheckInResponseDto, DeviceStatusReportDto } from './dto/device-api.dto';

/**
 * The device-facing API: devices call it with their own token, gateways with a `device_gateway` key.
 * Its hot routes, the check-in and the status report, are served by `DeviceApiFastRoutes`, outside
 * Nest's router; their request and answer schemas are registered here for the OpenAPI document.
 */
@ApiTags('device-api')
@ApiExtraModels(DeviceCheckInDto, DeviceCheckInResponseDto, DeviceStatusReportDto, UpdateResponseDto)
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
