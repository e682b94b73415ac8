import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { FirmwareModule } from '../firmware/firmware.module';
import { TargetingModule } from '../targeting/targeting.module';
import { UpdatesModule } from '../updates/updates.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { CampaignJoins } from './campaign-joins';
import { CampaignEventsController } from './campaign-events.controller';
import { CampaignEventsStream } from './campaign-events.stream';
import { CampaignKicks } from './campaign-kicks';
import { CampaignLifecycle } from './campaign-lifecycle';
import { CampaignPlanner } from './campaign-planner';
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
  imports: [AuditModule, FirmwareModule, TargetingModule, UpdatesModule, WebhooksModule],
  controllers: [CampaignsController, CampaignEventsController],
  providers: [
    CampaignsRepository,
    CampaignsService,
    CampaignLifecycle,
    CampaignJoins,
    CampaignPlanner,
    CampaignStatsService,
    CampaignEventsStream,
    CampaignKicks,
    CampaignTalliesListener,
    CampaignsFirmwareUsage,
    CampaignsFleetStats,
  ],
  exports: [CampaignsRepository, CampaignsService, CampaignLifecycle, CampaignJoins, CampaignStatsService, CampaignKicks],
})
export class CampaignsModule {}
