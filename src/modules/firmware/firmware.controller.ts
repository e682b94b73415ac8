import { Controller, Delete, Get, HttpStatus, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiExtraModels,
  ApiConflictResponse,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiPayloadTooLargeResponse,
  ApiRequestTimeoutResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Auth, CurrentOrganization, CurrentPrincipal } from '../../common/auth/auth.decorators';
import type { Principal } from '../../common/auth/principal';
import { ErrorResponseDto } from '../../common/http/error-response.dto';
import { multipartParts } from '../../common/http/multipart';
import { APP_CONFIG, type AppConfig } from '../../config';
import { type AuditContext, CurrentAuditContext } from '../audit/audit-context';
import {
  FirmwareDownloadResponseDto,
  FirmwareIdParamDto,
  FirmwareListResponseDto,
  FirmwareResponseDto,
  FirmwareUploadBodyDto,
  ListFirmwareQueryDto,
} from './dto/firmware.dto';
import { FirmwareMetadataDto } from './dto/firmware-metadata.dto';
import { FirmwareUploadService } from './firmware-upload.service';
import { FirmwareService } from './firmware.service';

/** The metadata part is a JSON object of a few kilobytes; anything near this is not metadata. */
const METADATA_PART_LIMIT = 256 * 1024;

@ApiTags('firmware')
@ApiExtraModels(FirmwareMetadataDto)
@Controller('firmware')
export class FirmwareController {
  constructor(
    private readonly firmware: FirmwareService,
    private readonly uploads: FirmwareUploadService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Uploads a firmware image: multipart with a text part `metadata` (JSON object) followed by a
   * file part `file`. 201 when created; 200 with the existing record when the same image
   * (device model, version and content) is already there. One file part only, and the body must
   * end with its closing boundary (400 otherwise).
   */
  @Post()
  @Auth('operator')
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: FirmwareUploadBodyDto })
  @ApiCreatedResponse({ type: FirmwareResponseDto, description: 'Stored' })
  @ApiOkResponse({ type: FirmwareResponseDto, description: 'The same image was already stored' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'Same device model and version with other content' })
  @ApiPayloadTooLargeResponse({ type: ErrorResponseDto, description: 'Larger than FIRMWARE_MAX_BYTES' })
  @ApiRequestTimeoutResponse({ type: ErrorResponseDto, description: 'The client sent nothing for HTTP_BODY_TIMEOUT_MS in the middle of the body; the connection is closed' })
  async uploadFirmware(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentOrganization() organizationId: string,
    @CurrentAuditContext() audit: AuditContext,
  ): Promise<FirmwareResponseDto> {
    const parts = multipartParts(request, { fileSize: this.config.firmware.maxBytes, fieldSize: METADATA_PART_LIMIT });
    const result = await this.uploads.upload(organizationId, audit, parts);
    void reply.status(result.created ? HttpStatus.CREATED : HttpStatus.OK);
    return result.firmware;
  }

  /** Lists the organization's firmware, newest first. */
  @Get()
  @Auth('viewer')
  listFirmware(@Query() query: ListFirmwareQueryDto, @CurrentOrganization() organizationId: string): Promise<FirmwareListResponseDto> {
    return this.firmware.list(organizationId, query);
  }

  /** One firmware. */
  @Get(':firmware_id')
  @Auth('viewer')
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  getFirmware(@Param() params: FirmwareIdParamDto, @CurrentOrganization() organizationId: string): Promise<FirmwareResponseDto> {
    return this.firmware.get(organizationId, params.firmware_id);
  }

  /** A short-lived URL that serves the binary (with `Range` support), plus its checksums and size. */
  @Get(':firmware_id/download')
  @Auth('viewer')
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  getFirmwareDownload(
    @Param() params: FirmwareIdParamDto,
    @CurrentOrganization() organizationId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<FirmwareDownloadResponseDto> {
    return this.firmware.issueDownload(organizationId, params.firmware_id, principal);
  }

  /** Deletes a firmware and its binary; 409 while an unfinished update or campaign uses it. */
  @Delete(':firmware_id')
  @Auth('operator')
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'In use by an unfinished update or campaign' })
  deleteFirmware(
    @Param() params: FirmwareIdParamDto,
    @CurrentOrganization() organizationId: string,
    @CurrentAuditContext() audit: AuditContext,
  ): Promise<FirmwareResponseDto> {
    return this.firmware.delete(organizationId, params.firmware_id, audit);
  }
}
