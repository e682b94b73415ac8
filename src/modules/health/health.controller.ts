import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../../common/auth/auth.decorators';
import { DependencyHealthDto, DetailedHealthResponseDto, HealthResponseDto } from './dto/health.dto';
import { HealthService } from './health.service';

@ApiTags('health')
@ApiExtraModels(DependencyHealthDto)
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** Liveness: 200 while the process serves requests. */
  @Get()
  getHealth(): HealthResponseDto {
    return this.health.basic();
  }

  /** Readiness with a report per dependency; 503 when a required one (the database) is down. */
  @Get('detailed')
  @ApiOkResponse({ type: DetailedHealthResponseDto })
  @ApiServiceUnavailableResponse({ description: 'A required dependency is down', type: DetailedHealthResponseDto })
  async getDetailedHealth(@Res({ passthrough: true }) reply: FastifyReply): Promise<DetailedHealthResponseDto> {
    const report = await this.health.detailed();
    if (report.status === 'unhealthy') void reply.status(HttpStatus.SERVICE_UNAVAILABLE);
    return report;
  }
}
