import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
import { Auth, CurrentOrganization } from '../../common/auth/auth.decorators';
import { ErrorResponseDto } from '../../common/http/error-response.dto';
import { type AuditContext, CurrentAuditContext } from '../audit/audit-context';
import { DeviceIdParamDto } from '../devices/dto/device.dto';
import { CreateRollbackDto, RollbackResponseDto } from './dto/rollback.dto';
import { RollbackService } from './rollback.service';

@ApiTags('updates')
@Controller('devices')
export class RollbackController {
  constructor(private readonly rollbacks: RollbackService) {}

  /**
   * Rolls the device back to `to_version`: cancels its unfinished update and releases an update
   * of kind `rollback` to that firmware. `rollback.completed` follows when the device completes it.
   */
  @Post(':device_id/rollback')
  @Auth('operator')
  @ApiCreatedResponse({ type: RollbackResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: '`device/not_found` or `rollback/version_not_found`' })
  rollbackDevice(
    @Param() params: DeviceIdParamDto,
    @Body() body: CreateRollbackDto,
    @CurrentOrganization() organizationId: string,
    @CurrentAuditContext() audit: AuditContext,
  ): Promise<RollbackResponseDto> {
    return this.rollbacks.rollback(organizationId, params.device_id, body, audit);
  }
}
