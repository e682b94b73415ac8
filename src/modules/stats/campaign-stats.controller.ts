import { Controller, Get, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
import { Auth, CurrentOrganization } from '../../common/auth/auth.decorators';
import { ErrorResponseDto } from '../../common/http/error-response.dto';
import { CampaignStatsService } from '../campaigns/campaign-stats.service';
import { CampaignIdParamDto, CampaignStatsResponseDto } from '../campaigns/dto/campaign.dto';

@ApiTags('stats')
@Controller('stats/campaigns')
export class CampaignStatsController {
  constructor(private readonly stats: CampaignStatsService) {}

  /**
   * A campaign's progress: the original's keys, counts by state, each stage against the threshold,
   * the failure rate, the release rate over the last minute and an ETA.
   */
  @Get(':campaign_id')
  @Auth('viewer')
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: '`campaign/not_found`' })
  getCampaignStats(@Param() params: CampaignIdParamDto, @CurrentOrganization() organizationId: string): Promise<CampaignStatsResponseDto> {
    return this.stats.stats(organizationId, params.campaign_id);
  }
}
