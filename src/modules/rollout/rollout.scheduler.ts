import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { APP_CONFIG, type AppConfig } from '../../config';
import { CampaignKicks } from '../campaigns/campaign-kicks';
import type { CampaignKey } from '../campaigns/campaigns.repository';
import { RolloutService } from './rollout.service';

/**
 * Only triggers: a tick every `SCHEDULER_TICK_MS` on each replica with the scheduler enabled, and
 * a campaign's own tick right after an operator gave it work (start, resume, advance, rollback).
 */
@Injectable()
export class RolloutScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger('RolloutScheduler');
  private running = false;

  constructor(
    private readonly rollout: RolloutService,
    private readonly kicks: CampaignKicks,
    private readonly registry: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.scheduler.enabled) return;
    this.kicks.onKick((campaign) => setImmediate(() => void this.kick(campaign)));
    const timer = setInterval(() => void this.tick(), this.config.scheduler.tickMs);
    this.registry.addInterval('rollout', timer);
  }

  /** One tick; skipped while the previous one still runs on this replica. */
  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.rollout.tick();
    } catch (error) {
      this.logger.error(`Rollout tick failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.running = false;
    }
  }

  private async kick(campaign: CampaignKey): Promise<void> {
    try {
      await this.rollout.tickCampaign(campaign);
    } catch (error) {
      this.logger.error(`Rollout of campaign ${campaign.campaignId} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
