import { Module } from '@nestjs/common';
import { RouteCatalog } from './route-catalog';
import { ServiceStatsController } from './service-stats.controller';
import { ServiceStatsService } from './service-stats.service';

@Module({
  controllers: [ServiceStatsController],
  providers: [RouteCatalog, ServiceStatsService],
  exports: [RouteCatalog],
})
export class StatsModule {}
