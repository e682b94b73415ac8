import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '../../common/auth/auth.decorators';
import { ServiceStatsResponseDto } from './dto/service-stats.dto';
import { ServiceStatsService } from './service-stats.service';

@ApiTags('stats')
@Controller('service')
export class ServiceStatsController {
  constructor(private readonly stats: ServiceStatsService) {}

  /** Service name, version, port, endpoint counts by area and enabled features. */
  @Public()
  @Get('stats')
  getServiceStats(): ServiceStatsResponseDto {
    return this.stats.describe();
  }
}
