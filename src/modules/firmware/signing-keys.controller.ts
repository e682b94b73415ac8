import { Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
import { Auth, CurrentOrganization } from '../../common/auth/auth.decorators';
import { ErrorResponseDto } from '../../common/http/error-response.dto';
import { PaginationQueryDto } from '../../common/http/pagination.dto';
import { type AuditContext, CurrentAuditContext } from '../audit/audit-context';
import { CreateSigningKeyDto, SigningKeyIdParamDto, SigningKeyListResponseDto, SigningKeyResponseDto } from './dto/signing-key.dto';
import { SigningKeysService } from './signing-keys.service';

@ApiTags('signing-keys')
@Controller('signing-keys')
export class SigningKeysController {
  constructor(private readonly signingKeys: SigningKeysService) {}

  /** Registers an Ed25519 public key that verifies firmware signatures of this organization. */
  @Post()
  @Auth('admin')
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The key id is taken' })
  createSigningKey(
    @Body() body: CreateSigningKeyDto,
    @CurrentOrganization() organizationId: string,
    @CurrentAuditContext() audit: AuditContext,
  ): Promise<SigningKeyResponseDto> {
    return this.signingKeys.register(organizationId, body, audit);
  }

  /** The keys that can verify this organization's firmware: configured ones and registered ones. */
  @Get()
  @Auth('viewer')
  listSigningKeys(@Query() query: PaginationQueryDto, @CurrentOrganization() organizationId: string): Promise<SigningKeyListResponseDto> {
    return this.signingKeys.list(organizationId, query);
  }

  /** Removes a registered key; firmware it verified stays verified. */
  @Delete(':key_id')
  @Auth('admin')
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The key comes from configuration' })
  deleteSigningKey(
    @Param() params: SigningKeyIdParamDto,
    @CurrentOrganization() organizationId: string,
    @CurrentAuditContext() audit: AuditContext,
  ): Promise<SigningKeyResponseDto> {
    return this.signingKeys.remove(organizationId, params.key_id, audit);
  }
}
