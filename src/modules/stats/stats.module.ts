import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { CampaignStatsController } from './campaign-stats.controller';
import { FleetStatsController } from './fleet-stats.controller';
import { FleetStatsRepository } from './fleet-stats.repository';
import { FleetStatsService } from './fleet-stats.service';
import { RouteCatalog } from './route-catalog';
import { ServiceStatsController } from './service-stats.controller';
import { ServiceStatsService } from './service-stats.service';

@Module({
  imports: [DiscoveryModule, CampaignsModule],
  controllers: [ServiceStatsController, FleetStatsController, CampaignStatsController],
  providers: [RouteCatalog, ServiceStatsService, FleetStatsRepository, FleetStatsService],
  exports: [RouteCatalog],
})
export class StatsModule {}
