import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Auth, CurrentOrganization } from '../../common/auth/auth.decorators';
import { ErrorResponseDto } from '../../common/http/error-response.dto';
import { type AuditContext, CurrentAuditContext } from '../audit/audit-context';
import { DeviceIdParamDto } from '../devices/dto/device.dto';
import {
  BulkDeviceUpdateDto,
  BulkUpdateResponseDto,
  CreateDeviceUpdateDto,
  DeviceUpdateHistoryQueryDto,
  DeviceUpdateHistoryResponseDto,
  UpdateDetailResponseDto,
  UpdateIdParamDto,
} from './dto/update.dto';
import { UpdatesService } from './updates.service';

/** Updates addressed through their device: create (one or many) and history. */
@ApiTags('updates')
@Controller('devices')
export class DeviceUpdatesController {
  constructor(private readonly updates: UpdatesService) {}

  /**
   * Creates an update for each listed device (up to 10 000) in a few statements. Every device's
   * outcome is reported on its own (`device/not_found`, `update/incompatible`,
   * `update/device_busy`, `update/duplicate_device_id` for an id listed again); the others go ahead.
   */
  @Post('bulk/update')
  @HttpCode(HttpStatus.OK)
  @Auth('operator')
  @ApiOkResponse({ type: BulkUpdateResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such firmware' })
  bulkUpdateDevices(
    @Body() body: BulkDeviceUpdateDto,
    @CurrentOrganization() organizationId: string,
    @CurrentAuditContext() audit: AuditContext,
  ): Promise<BulkUpdateResponseDto> {
    return this.updates.bulkCreate(organizationId, body, audit);
  }

  /**
   * Creates an update of the device to a firmware and releases it at once. The firmware must fit
   * the device (model, hardware range) unless `force_update`; a device with an unfinished update
   * is 409 unless `force_update`, which cancels that one first; a device already on the version
   * gets an update that is completed at once.
   */
  @Post(':device_id/update')
  @Auth('operator')
  @ApiCreatedResponse({ type: UpdateDetailResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such device or firmware' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: '`update/device_busy` or `update/incompatible`' })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'The remote device directory is down' })
  createDeviceUpdate(
    @Param() params: DeviceIdParamDto,
    @Body() body: CreateDeviceUpdateDto,
    @CurrentOrganization() organizationId: string,
    @CurrentAuditContext() audit: AuditContext,
  ): Promise<UpdateDetailResponseDto> {
    return this.updates.create(organizationId, params.device_id, body, audit);
  }

  /** The device's newest updates with counts over all of them. */
  @Get(':device_id/updates')
  @Auth('viewer')
  listDeviceUpdates(
    @Param() params: DeviceIdParamDto,
    @Query() query: DeviceUpdateHistoryQueryDto,
    @CurrentOrganization() organizationId: string,
  ): Promise<DeviceUpdateHistoryResponseDto> {
    return this.updates.history(organizationId, params.device_id, query.limit);
  }
}

/** One update: read with its timeline, cancel, retry. */
@ApiTags('updates')
@Controller('updates')
export class UpdatesController {
  constructor(private readonly updates: UpdatesService) {}

  /** The update, its firmware and its timeline of status changes. */
  @Get(':update_id')
  @Auth('viewer')
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  getUpdate(@Param() params: UpdateIdParamDto, @CurrentOrganization() organizationId: string): Promise<UpdateDetailResponseDto> {
    return this.updates.get(organizationId, params.update_id);
  }

  /** Cancels an unfinished update and tells the device; 409 `update/invalid_transition` once it finished. */
  @Post(':update_id/cancel')
  @HttpCode(HttpStatus.OK)
  @Auth('operator')
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'Already finished' })
  cancelUpdate(
    @Param() params: UpdateIdParamDto,
    @CurrentOrganization() organizationId: string,
    @CurrentAuditContext() audit: AuditContext,
  ): Promise<UpdateDetailResponseDto> {
    return this.updates.cancel(organizationId, params.update_id, audit);
  }

  /**
   * Releases a failed update again now (`retry_count` + 1); 409 unless it failed
   * (`update/invalid_transition`) or when its retries are used up (`update/retries_exhausted`).
   */
  @Post(':update_id/retry')
  @HttpCode(HttpStatus.OK)
  @Auth('operator')
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'Not failed, retries used up, or the device is busy' })
  retryUpdate(
    @Param() params: UpdateIdParamDto,
    @CurrentOrganization() organizationId: string,
    @CurrentAuditContext() audit: AuditContext,
  ): Promise<UpdateDetailResponseDto> {
    return this.updates.retry(organizationId, params.update_id, audit);
  }
}
