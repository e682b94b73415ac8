import { Module } from '@nestjs/common';
import { Clock } from '../../common/time/clock';
import { AuditModule } from '../audit/audit.module';
import { FirmwareModule } from '../firmware/firmware.module';
import { TargetingModule } from '../targeting/targeting.module';
import { UpdatesModule } from '../updates/updates.module';
import { CampaignKicks } from './campaign-kicks';
import { CampaignLifecycle } from './campaign-lifecycle';
import { CampaignStatsService } from './campaign-stats.service';
import { CampaignTalliesListener } from './campaign-tallies.listener';
import { CampaignsFirmwareUsage, CampaignsFleetStats } from './campaign-usage';
import { CampaignsController } from './campaigns.controller';
import { CampaignsRepository } from './campaigns.repository';
import { CampaignsService } from './campaigns.service';

/**
 * Campaigns: create, read, change, approve and act on them (start, pause, resume, cancel,
 * rollback, advance), their counts (kept by `CampaignTalliesListener` through the updates
 * module's hook), stats, timeline and events. The rollout module drives them from there.
 */
@Module({
  imports: [AuditModule, FirmwareModule, TargetingModule, UpdatesModule],
  controllers: [CampaignsController],
  providers: [
    Clock,
    CampaignsRepository,
    CampaignsService,
    CampaignLifecycle,
    CampaignStatsService,
    CampaignKicks,
    CampaignTalliesListener,
    CampaignsFirmwareUsage,
    CampaignsFleetStats,
  ],
  exports: [Clock, CampaignsRepository, CampaignsService, CampaignLifecycle, CampaignStatsService, CampaignKicks],
})
export class CampaignsModule {}
