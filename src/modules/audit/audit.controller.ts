import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Auth, CurrentOrganization } from '../../common/auth/auth.decorators';
import { AuditService } from './audit.service';
import { AuditEventListResponseDto, ListAuditEventsQueryDto } from './dto/audit-event.dto';

@ApiTags('audit')
@Controller('audit-events')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  /**
   * Who changed what through this API in the caller's organization (every write by a user, API
   * key or service, with its request id and client address), newest first; kept for
   * AUDIT_RETENTION_DAYS.
   */
  @Get()
  @Auth('admin')
  listAuditEvents(@Query() query: ListAuditEventsQueryDto, @CurrentOrganization() organizationId: string): Promise<AuditEventListResponseDto> {
    return this.audit.list(organizationId, query);
  }
}
