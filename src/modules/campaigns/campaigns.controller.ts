import { Body, Controller, Get, HttpCode, HttpStatus, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { Auth, CurrentOrganization } from '../../common/auth/auth.decorators';
import { ErrorResponseDto } from '../../common/http/error-response.dto';
import { type AuditContext, CurrentAuditContext } from '../audit/audit-context';
import { CampaignsService } from './campaigns.service';
import {
  ApproveCampaignDto,
  CampaignDetailResponseDto,
  CampaignDeviceListResponseDto,
  CampaignIdParamDto,
  CampaignListResponseDto,
  CampaignReasonDto,
  CreateCampaignDto,
  ListCampaignDevicesQueryDto,
  ListCampaignsQueryDto,
  UpdateCampaignDto,
} from './dto/campaign.dto';
import { CampaignPlanResponseDto } from './dto/campaign-plan.dto';

const TRANSITION_CONFLICT = { type: ErrorResponseDto, description: '`campaign/invalid_transition`: not allowed in the current status (named in `detail`)' };

@ApiTags('campaigns')
@Controller('campaigns')
@ApiNotFoundResponse({ type: ErrorResponseDto, description: '`campaign/not_found`' })
export class CampaignsController {
  constructor(private readonly campaigns: CampaignsService) {}

  /**
   * Creates a campaign: `created`, or `pending_approval` when it requires approval. Targets are
   * resolved when it starts; `target_device_count` and `stage_plan` say what a start would select now.
   */
  @Post()
  @Auth('operator')
  @ApiCreatedResponse({ type: CampaignDetailResponseDto })
  @ApiUnprocessableEntityResponse({ type: ErrorResponseDto, description: 'A bad field, no targets (`target/no_targets`) or a bad filter (`target/invalid_filter`)' })
  createCampaign(@Body() body: CreateCampaignDto, @CurrentOrganization() organizationId: string, @CurrentAuditContext() audit: AuditContext): Promise<CampaignDetailResponseDto> {
    return this.campaigns.create(organizationId, body, audit);
  }

  /**
   * The dry run of a campaign body: what a start would select now, stage by stage, what it would
   * leave out and why, the next window openings and an estimated duration. Validated as create;
   * writes nothing.
   */
  @Post('plan')
  @HttpCode(HttpStatus.OK)
  @Auth('viewer')
  @ApiOkResponse({ type: CampaignPlanResponseDto })
  @ApiUnprocessableEntityResponse({ type: ErrorResponseDto, description: 'As create: a bad field, no targets (`target/no_targets`) or a bad filter (`target/invalid_filter`)' })
  planCampaign(@Body() body: CreateCampaignDto, @CurrentOrganization() organizationId: string): Promise<CampaignPlanResponseDto> {
    return this.campaigns.plan(organizationId, body);
  }

  /** The organization's campaigns, newest first. */
  @Get()
  @Auth('viewer')
  listCampaigns(@Query() query: ListCampaignsQueryDto, @CurrentOrganization() organizationId: string): Promise<CampaignListResponseDto> {
    return this.campaigns.list(organizationId, query);
  }

  /** The campaign with its progress, stage plan and timeline. */
  @Get(':campaign_id')
  @Auth('viewer')
  getCampaign(@Param() params: CampaignIdParamDto, @CurrentOrganization() organizationId: string): Promise<CampaignDetailResponseDto> {
    return this.campaigns.get(organizationId, params.campaign_id);
  }

  /** Changes settings before the start (409 after); an approved campaign needs approving again. */
  @Patch(':campaign_id')
  @Auth('operator')
  @ApiConflictResponse(TRANSITION_CONFLICT)
  updateCampaign(
    @Param() params: CampaignIdParamDto,
    @Body() body: UpdateCampaignDto,
    @CurrentOrganization() organizationId: string,
    @CurrentAuditContext() audit: AuditContext,
  ): Promise<CampaignDetailResponseDto> {
    return this.campaigns.update(organizationId, params.campaign_id, body, audit);
  }

  /**
   * Starts the campaign, resolving its targets now (a `scheduled` one waits for `scheduled_start`).
   * Starting a running campaign changes nothing; a paused one resumes.
   */
  @Post(':campaign_id/start')
  @HttpCode(HttpStatus.OK)
  @Auth('operator')
  @ApiOkResponse({ type: CampaignDetailResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: '`campaign/approval_required` or `campaign/invalid_transition`' })
  startCampaign(@Param() params: CampaignIdParamDto, @CurrentOrganization() organizationId: string, @CurrentAuditContext() audit: AuditContext): Promise<CampaignDetailResponseDto> {
    return this.campaigns.start(organizationId, params.campaign_id, audit);
  }

  /** Releases nothing new; updates already with devices go on and are counted. */
  @Post(':campaign_id/pause')
  @HttpCode(HttpStatus.OK)
  @Auth('operator')
  @ApiOkResponse({ type: CampaignDetailResponseDto })
  @ApiConflictResponse(TRANSITION_CONFLICT)
  pauseCampaign(
    @Param() params: CampaignIdParamDto,
    @Body() body: CampaignReasonDto,
    @CurrentOrganization() organizationId: string,
    @CurrentAuditContext() audit: AuditContext,
  ): Promise<CampaignDetailResponseDto> {
    return this.campaigns.pause(organizationId, params.campaign_id, body.reason, audit);
  }

  /** Continues a paused campaign. */
  @Post(':campaign_id/resume')
  @HttpCode(HttpStatus.OK)
  @Auth('operator')
  @ApiOkResponse({ type: CampaignDetailResponseDto })
  @ApiConflictResponse(TRANSITION_CONFLICT)
  resumeCampaign(@Param() params: CampaignIdParamDto, @CurrentOrganization() organizationId: string, @CurrentAuditContext() audit: AuditContext): Promise<CampaignDetailResponseDto> {
    return this.campaigns.resume(organizationId, params.campaign_id, audit);
  }

  /** Cancels every unfinished update; devices holding one are told, and their next check-in has none. */
  @Post(':campaign_id/cancel')
  @HttpCode(HttpStatus.OK)
  @Auth('operator')
  @ApiOkResponse({ type: CampaignDetailResponseDto })
  @ApiConflictResponse(TRANSITION_CONFLICT)
  cancelCampaign(
    @Param() params: CampaignIdParamDto,
    @Body() body: CampaignReasonDto,
    @CurrentOrganization() organizationId: string,
    @CurrentAuditContext() audit: AuditContext,
  ): Promise<CampaignDetailResponseDto> {
    return this.campaigns.cancel(organizationId, params.campaign_id, body.reason, audit);
  }

  /** Approves or rejects (for good) a campaign waiting for approval; an admin other than its creator. */
  @Post(':campaign_id/approve')
  @HttpCode(HttpStatus.OK)
  @Auth('admin')
  @ApiOkResponse({ type: CampaignDetailResponseDto })
  @ApiForbiddenResponse({ type: ErrorResponseDto, description: 'Not an admin, or `campaign/self_approval`' })
  @ApiConflictResponse(TRANSITION_CONFLICT)
  approveCampaign(
    @Param() params: CampaignIdParamDto,
    @Body() body: ApproveCampaignDto,
    @CurrentOrganization() organizationId: string,
    @CurrentAuditContext() audit: AuditContext,
  ): Promise<CampaignDetailResponseDto> {
    return this.campaigns.approve(organizationId, params.campaign_id, body, audit);
  }

  /** Rolls every device the campaign completed back to its own previous version, after cancelling what is unfinished. */
  @Post(':campaign_id/rollback')
  @HttpCode(HttpStatus.OK)
  @Auth('operator')
  @ApiOkResponse({ type: CampaignDetailResponseDto })
  @ApiConflictResponse(TRANSITION_CONFLICT)
  rollbackCampaign(
    @Param() params: CampaignIdParamDto,
    @Body() body: CampaignReasonDto,
    @CurrentOrganization() organizationId: string,
    @CurrentAuditContext() audit: AuditContext,
  ): Promise<CampaignDetailResponseDto> {
    return this.campaigns.rollback(organizationId, params.campaign_id, body.reason, audit);
  }

  /** Opens the next stage now without waiting for its gate (blue-green: switches now). */
  @Post(':campaign_id/advance')
  @HttpCode(HttpStatus.OK)
  @Auth('operator')
  @ApiOkResponse({ type: CampaignDetailResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: '`campaign/invalid_transition` unless running; `campaign/no_next_stage` at the last stage' })
  advanceCampaign(@Param() params: CampaignIdParamDto, @CurrentOrganization() organizationId: string, @CurrentAuditContext() audit: AuditContext): Promise<CampaignDetailResponseDto> {
    return this.campaigns.advance(organizationId, params.campaign_id, audit);
  }

  /**
   * Creates a campaign over the devices whose update failed (timeouts included) in this finished
   * campaign: same settings, `retry_of` naming it, those devices as its explicit targets.
   */
  @Post(':campaign_id/retry')
  @Auth('operator')
  @ApiCreatedResponse({ type: CampaignDetailResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: '`campaign/invalid_transition` unless finished; `campaign/nothing_to_retry` when no device failed' })
  retryCampaign(@Param() params: CampaignIdParamDto, @CurrentOrganization() organizationId: string, @CurrentAuditContext() audit: AuditContext): Promise<CampaignDetailResponseDto> {
    return this.campaigns.retry(organizationId, params.campaign_id, audit);
  }

  /** The campaign's devices: stage, status and update of each (and their rollback updates). */
  @Get(':campaign_id/devices')
  @Auth('viewer')
  listCampaignDevices(
    @Param() params: CampaignIdParamDto,
    @Query() query: ListCampaignDevicesQueryDto,
    @CurrentOrganization() organizationId: string,
  ): Promise<CampaignDeviceListResponseDto> {
    return this.campaigns.devices(organizationId, params.campaign_id, query);
  }
}
