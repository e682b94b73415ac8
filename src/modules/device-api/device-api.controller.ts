import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiExtraModels, ApiTags } from '@nestjs/swagger';
import { CurrentOrganization, DeviceAuth } from '../../common/auth/auth.decorators';
import { DeviceIdParamDto, DeviceResponseDto } from '../devices/dto/device.dto';
import { UpdateResponseDto } from '../updates/dto/update.dto';
import { DeviceApiService } from './device-api.service';
import {
  DeviceCheckInDto,
  DeviceCheckInResponseDto,
  DeviceConfirmationDto,
  DeviceHealthReportDto,
  DeviceStatusReportDto,
  DeviceUpdateParamsDto,
} from './dto/device-api.dto';

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

  /**
   * The device's consent to an update that asks for it (`confirmation_required`): `confirmed`
   * releases it (its timeout starts), a refusal keeps it waiting and is kept in its timeline.
   * 409 `update/not_awaiting_confirmation` when the update does not wait for consent.
   */
  @Post(':device_id/updates/:update_id/confirmation')
  @HttpCode(HttpStatus.OK)
  @DeviceAuth()
  confirmDeviceUpdate(
    @Param() params: DeviceUpdateParamsDto,
    @Body() body: DeviceConfirmationDto,
    @CurrentOrganization() organizationId: string,
  ): Promise<UpdateResponseDto> {
    return this.deviceApi.confirmUpdate(organizationId, params.device_id, params.update_id, body);
  }

  /**
   * After completing a campaign update with a health window: whether the device runs the new
   * image well. `healthy: false` fails the update (`health_check`). 409 `update/no_health_check`
   * when no health window is open.
   */
  @Post(':device_id/updates/:update_id/health')
  @HttpCode(HttpStatus.OK)
  @DeviceAuth()
  reportDeviceUpdateHealth(
    @Param() params: DeviceUpdateParamsDto,
    @Body() body: DeviceHealthReportDto,
    @CurrentOrganization() organizationId: string,
  ): Promise<UpdateResponseDto> {
    return this.deviceApi.reportHealth(organizationId, params.device_id, params.update_id, body);
  }
}
