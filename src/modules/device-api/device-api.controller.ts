import { Body, Controller, Get, Headers, HttpCode, HttpStatus, Param, Post, Res } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentOrganization, DeviceAuth } from '../../common/auth/auth.decorators';
import { ErrorResponseDto } from '../../common/http/error-response.dto';
import { DeviceIdParamDto, DeviceResponseDto } from '../devices/dto/device.dto';
import { UpdateResponseDto } from '../updates/dto/update.dto';
import { DeviceApiService } from './device-api.service';
import { DeviceCheckInDto, DeviceCheckInResponseDto, DeviceStatusReportDto, DeviceUpdateParamsDto } from './dto/device-api.dto';

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

  /**
   * The device's periodic check-in: records that it was seen and the firmware it runs, and
   * answers its released, unfinished update (null when there is none) with a download link and
   * when to check in next. Send the `ETag` of the last answer in `If-None-Match`: 304 (no body)
   * while nothing changed. The link is stable for half its lifetime, then a new one is handed out.
   */
  @Post(':device_id/check-in')
  @HttpCode(HttpStatus.OK)
  @DeviceAuth()
  @ApiOkResponse({
    type: DeviceCheckInResponseDto,
    headers: { ETag: { description: 'Strong validator of this answer, for `If-None-Match`', schema: { type: 'string' } } },
  })
  @ApiResponse({ status: 304, description: 'Same answer as the one with the ETag sent in `If-None-Match`; no body' })
  async checkInDevice(
    @Param() params: DeviceIdParamDto,
    @Body() body: DeviceCheckInDto,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @CurrentOrganization() organizationId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DeviceCheckInResponseDto | undefined> {
    const answer = await this.deviceApi.checkIn(organizationId, params.device_id, body, ifNoneMatch);
    void reply.header('etag', answer.etag).header('cache-control', 'no-cache');
    if (answer.notModified) {
      void reply.status(HttpStatus.NOT_MODIFIED);
      return undefined;
    }
    return answer.body;
  }

  /**
   * The device reports the phase of one of its updates (and progress within it). Phases may be
   * skipped, never gone back; repeating the current phase updates progress (written at most once
   * a second); `completed` records the device's new version (another version than the update's
   * fails it with `version_mismatch`).
   */
  @Post(':device_id/updates/:update_id/status')
  @HttpCode(HttpStatus.OK)
  @DeviceAuth()
  @ApiOkResponse({ type: UpdateResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such update for this device (`update/not_found`)' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The update is finished (`update/terminal`) or the phase goes back (`update/invalid_transition`)' })
  reportDeviceUpdateStatus(
    @Param() params: DeviceUpdateParamsDto,
    @Body() body: DeviceStatusReportDto,
    @CurrentOrganization() organizationId: string,
  ): Promise<UpdateResponseDto> {
    return this.deviceApi.reportStatus(organizationId, params.device_id, params.update_id, body);
  }
}
