import { Module } from '@nestjs/common';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { UpdatesModule } from '../updates/updates.module';
import { RolloutPolicies } from './rollout-policies';
import { RolloutMetrics } from './rollout.metrics';
import { RolloutScheduler } from './rollout.scheduler';
import { RolloutService } from './rollout.service';

/** The rollout engine: the scheduler's tick over campaigns, deciding (`planTick`) and applying. */
@Module({
  imports: [CampaignsModule, UpdatesModule],
  providers: [RolloutService, RolloutScheduler, RolloutMetrics, RolloutPolicies],
  exports: [RolloutService],
})
export class RolloutModule {}
