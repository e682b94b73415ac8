import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiPayloadTooLargeResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Auth, CurrentOrganization } from '../../common/auth/auth.decorators';
import { ErrorResponseDto } from '../../common/http/error-response.dto';
import { type AuditContext, CurrentAuditContext } from '../audit/audit-context';
import type { DeviceCollections, DeviceRecord } from './device-input';
import { DeviceCollectionsPipe, DeviceRecordPipe } from './device-input.pipes';
import { DevicesService } from './devices.service';
import {
  DeviceIdParamDto,
  DeviceImportResponseDto,
  DeviceListResponseDto,
  DeviceRegistrationResponseDto,
  DeviceResponseDto,
  DeviceTokenResponseDto,
  ListDevicesQueryDto,
  RegisterDeviceDto,
  UpdateDeviceDto,
} from './dto/device.dto';
import { DEVICE_IMPORT_ROUTE, NDJSON_CONTENT_TYPES } from './import/device-import-body';
import { DeviceImportService } from './import/device-import.service';

@ApiTags('devices')
@Controller('devices')
export class DevicesController {
  constructor(
    private readonly devices: DevicesService,
    private readonly imports: DeviceImportService,
  ) {}

  /**
   * Registers a device (201, with its `device_token`, shown only this once), or updates the
   * device with the same `device_id` (200, no token; absent fields keep their values).
   */
  @Post()
  @Auth('operator')
  @ApiBody({ type: RegisterDeviceDto })
  @ApiCreatedResponse({ type: DeviceRegistrationResponseDto, description: 'Registered; `device_token` is in the answer' })
  @ApiOkResponse({ type: DeviceRegistrationResponseDto, description: 'Already registered: updated, token unchanged and not shown' })
  async registerDevice(
    @Body(DeviceRecordPipe) body: DeviceRecord,
    @CurrentOrganization() organizationId: string,
    @CurrentAuditContext() audit: AuditContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DeviceRegistrationResponseDto> {
    const result = await this.devices.register(organizationId, body, audit);
    void reply.status(result.created ? HttpStatus.CREATED : HttpStatus.OK);
    return result.device;
  }

  /**
   * Registers or updates up to 100 000 devices: a JSON array, or NDJSON (one device object per
   * line, read as a stream), each with the fields of `POST /devices`. Bad rows are reported in
   * `failed` (with their 0-based index) and do not stop the good ones; the good rows are written
   * all together or, on a server failure, not at all. A `device_id` repeated in one import is taken
   * from its first row; later rows with it are reported in `failed`. Imported devices get **no
   * token**: issue one with `POST /devices/{device_id}/token`. More than 100 000 rows, or a body
   * over `DEVICE_IMPORT_MAX_BYTES`, is refused with 413 and nothing is written.
   */
  @Post('import')
  @HttpCode(HttpStatus.OK)
  @Auth('operator')
  @RouteConfig(DEVICE_IMPORT_ROUTE)
  @ApiConsumes('application/json', ...NDJSON_CONTENT_TYPES)
  @ApiBody({ type: RegisterDeviceDto, isArray: true })
  @ApiOkResponse({ type: DeviceImportResponseDto })
  @ApiPayloadTooLargeResponse({
    type: ErrorResponseDto,
    description: 'More than 100 000 rows (`device/import_too_large`), or a body over DEVICE_IMPORT_MAX_BYTES',
  })
  importDevices(
    @Req() request: FastifyRequest,
    @CurrentOrganization() organizationId: string,
    @CurrentAuditContext() audit: AuditContext,
  ): Promise<DeviceImportResponseDto> {
    const declared = Number(request.headers['content-length']);
    return this.imports.import(organizationId, request.body, audit, { declaredBytes: Number.isFinite(declared) ? declared : undefined });
  }

  /** Lists the organization's devices, newest first, with filters. */
  @Get()
  @Auth('viewer')
  listDevices(@Query() query: ListDevicesQueryDto, @CurrentOrganization() organizationId: string): Promise<DeviceListResponseDto> {
    return this.devices.list(organizationId, query);
  }

  /** One device. */
  @Get(':device_id')
  @Auth('viewer')
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  getDevice(@Param() params: DeviceIdParamDto, @CurrentOrganization() organizationId: string): Promise<DeviceResponseDto> {
    return this.devices.get(organizationId, params.device_id);
  }

  /** Replaces the device's `groups`, `tags` and/or `attributes` (each one given). */
  @Patch(':device_id')
  @Auth('operator')
  @ApiBody({ type: UpdateDeviceDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  updateDevice(
    @Param() params: DeviceIdParamDto,
    @Body(DeviceCollectionsPipe) body: DeviceCollections,
    @CurrentOrganization() organizationId: string,
    @CurrentAuditContext() audit: AuditContext,
  ): Promise<DeviceResponseDto> {
    return this.devices.update(organizationId, params.device_id, body, audit);
  }

  /** Deletes the device (its unfinished updates are cancelled) and emits `device.deleted`. */
  @Delete(':device_id')
  @Auth('operator')
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  deleteDevice(
    @Param() params: DeviceIdParamDto,
    @CurrentOrganization() organizationId: string,
    @CurrentAuditContext() audit: AuditContext,
  ): Promise<DeviceResponseDto> {
    return this.devices.delete(organizationId, params.device_id, audit);
  }

  /** Issues a new device token (shown only in this answer); the previous token stops working at once. */
  @Post(':device_id/token')
  @HttpCode(HttpStatus.OK)
  @Auth('operator')
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  rotateDeviceToken(
    @Param() params: DeviceIdParamDto,
    @CurrentOrganization() organizationId: string,
    @CurrentAuditContext() audit: AuditContext,
  ): Promise<DeviceTokenResponseDto> {
    return this.devices.rotateToken(organizationId, params.device_id, audit);
  }
}
