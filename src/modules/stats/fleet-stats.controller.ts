import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Auth, CurrentOrganization } from '../../common/auth/auth.decorators';
import { FleetStatsResponseDto } from './dto/fleet-stats.dto';
import { FleetStatsService } from './fleet-stats.service';

@ApiTags('stats')
@Controller('stats')
export class FleetStatsController {
  constructor(private readonly stats: FleetStatsService) {}

  /** Campaign and update counts, success rate, average update time, data transferred, last 24 hours and breakdowns. */
  @Get()
  @Auth('viewer')
  getFleetStats(@CurrentOrganization() organizationId: string): Promise<FleetStatsResponseDto> {
    return this.stats.get(organizationId);
  }
}
