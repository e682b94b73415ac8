import { Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
import { Auth, CurrentOrganization } from '../../common/auth/auth.decorators';
import { ErrorResponseDto } from '../../common/http/error-response.dto';
import { ApiKeyIdParamDto } from '../../common/http/id-params.dto';
import { type AuditContext, CurrentAuditContext } from '../audit/audit-context';
import { ApiKeysService } from './api-keys.service';
import {
  ApiKeyListResponseDto,
  ApiKeyResponseDto,
  CreateApiKeyDto,
  CreatedApiKeyResponseDto,
  ListApiKeysQueryDto,
} from './dto/api-key.dto';

@ApiTags('api-keys')
@Auth('admin')
@Controller('api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  /** Creates an API key for the caller's organization. The response is the only place the key appears. */
  @Post()
  createApiKey(
    @Body() body: CreateApiKeyDto,
    @CurrentOrganization() organizationId: string,
    @CurrentAuditContext() audit: AuditContext,
  ): Promise<CreatedApiKeyResponseDto> {
    return this.apiKeys.create({ organizationId, name: body.name, role: body.role, expiresAt: body.expires_at }, audit);
  }

  /** Lists the organization's API keys, newest first (secrets are never shown). */
  @Get()
  listApiKeys(@Query() query: ListApiKeysQueryDto, @CurrentOrganization() organizationId: string): Promise<ApiKeyListResponseDto> {
    return this.apiKeys.list(organizationId, query);
  }

  /** Revokes an API key; it stops working at once. Revoking a revoked key is harmless. */
  @Delete(':api_key_id')
  @ApiNotFoundResponse({ description: 'No such key in this organization', type: ErrorResponseDto })
  revokeApiKey(
    @Param() params: ApiKeyIdParamDto,
    @CurrentOrganization() organizationId: string,
    @CurrentAuditContext() audit: AuditContext,
  ): Promise<ApiKeyResponseDto> {
    return this.apiKeys.revoke(params.api_key_id, organizationId, audit);
  }
}
