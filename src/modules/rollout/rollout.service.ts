import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/time/clock';
import { APP_CONFIG, type AppConfig } from '../../config';
import { PrismaService, type TransactionClient } from '../../database/prisma.service';
import { isTransactionConflict } from '../../database/sql-errors';
import type { Campaign } from '../../generated/prisma/client';
import { CampaignJoins } from '../campaigns/campaign-joins';
import { CampaignLifecycle, keyOf, SCHEDULER } from '../campaigns/campaign-lifecycle';
import { type CampaignKey, CampaignsRepository } from '../campaigns/campaigns.repository';
import type { DeploymentStrategy } from '../campaigns/domain/campaign-state';
import { emptyCounts } from '../campaigns/domain/campaign-tallies';
import { gateMinutes } from '../campaigns/domain/stage-plan';
import { CampaignUpdatesService, type OpenWindow } from '../updates/campaign-updates.service';
import { joinsNow, planTick, type RolloutCampaign, type RolloutPlan } from './domain/rollout-plan';
import { RolloutPolicies } from './rollout-policies';
import { RolloutMetrics } from './rollout.metrics';

/** Campaigns looked at per tick, highest priority first. */
const CAMPAIGNS_PER_TICK = 1_000;
/** Staged blue-green rows switched per statement; a tick switches until none is left. */
const ACTIVATION_CHUNK = 10_000;
/** A campaign's row whose device was busy is looked at again after this many ticks. */
const BUSY_RECHECK_TICKS = 5;
/**
 * Share of a tick period that must pass between two scheduled ticks of one campaign, whichever
 * replicas run them: with three replicas a campaign still moves one batch per period, not three.
 * Under 1 so a replica whose timer runs a little early is not skipped a whole period.
 */
const TICK_SPACING = 0.8;

/**
 * The rollout engine. Each tick looks at every campaign with rollout work, highest priority
 * first; each campaign is claimed with FOR UPDATE SKIP LOCKED (so replicas share the work and a
 * campaign is never worked on twice at once), its counts folded, what to do decided by
 * `planTick` (pure) and applied in the same transaction. Everything is driven by database state,
 * so a missed, repeated or concurrent tick does no harm, and a replica killed mid-tick loses
 * nothing (its transaction rolls back).
 */
@Injectable()
export class RolloutService {
  private readonly logger = new Logger('Rollout');

  constructor(
    private readonly prisma: PrismaService,
    private readonly campaigns: CampaignsRepository,
    private readonly lifecycle: CampaignLifecycle,
    private readonly joins: CampaignJoins,
    private readonly updates: CampaignUpdatesService,
    private readonly clock: Clock,
    private readonly metrics: RolloutMetrics,
    private readonly policies: RolloutPolicies,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * One tick over every campaign with work that no replica ticked within most of a tick period;
   * returns how many this replica worked on.
   */
  async tick(): Promise<number> {
    const stop = this.metrics.tickStarted();
    const minIntervalMs = this.config.scheduler.tickMs * TICK_SPACING;
    try {
      let worked = 0;
      for (const campaign of await this.campaigns.listActive(CAMPAIGNS_PER_TICK)) {
        if (await this.tickCampaign(campaign, minIntervalMs)) worked += 1;
      }
      return worked;
    } finally {
      stop();
    }
  }

  /**
   * One campaign's tick, in one transaction; false when another replica holds the campaign, it has
   * no rollout work, or (with `minIntervalMs`) a replica ticked it more recently than that. An
   * operator's kick passes none: it goes at once. A lost lock race (deadlock) is logged and left
   * for the next tick.
   */
  async tickCampaign(key: CampaignKey, minIntervalMs: number | null = null): Promise<boolean> {
    try {
      return await this.prisma.longTransaction(async (tx) => {
        const campaign = await this.campaigns.lockForTick(key.organizationId, key.campaignId, minIntervalMs, tx);
        if (campaign === null) return false;
        // Devices that came to match join first, so this tick's plan counts (and releases) them.
        if (joinsNow(rolloutCampaign(campaign), this.clock.now())) await this.joins.join(tx, campaign);
        await this.campaigns.foldDeltas(key, tx);
        const { plan, window } = await this.policies.restrict(tx, campaign, await this.plan(campaign, tx));
        await this.apply(tx, campaign, plan, window);
        return true;
      });
    } catch (error) {
      if (!isTransactionConflict(error)) throw error;
      this.logger.warn(`Campaign ${key.campaignId} met a lock conflict; the next tick takes it up`);
      return false;
    }
  }

  private async plan(campaign: Campaign, tx: TransactionClient): Promise<RolloutPlan> {
    const key = keyOf(campaign);
    const [tallies, stages] = await Promise.all([this.campaigns.tallies(key, tx), this.campaigns.stages(key, tx)]);
    const settings = {
      strategy: campaign.deploymentStrategy as DeploymentStrategy,
      stageSoakMinutes: campaign.stageSoakMinutes,
      canaryDurationMinutes: campaign.canaryDurationMinutes,
    };
    return planTick({
      now: this.clock.now(),
      campaign: rolloutCampaign(campaign),
      stages: stages.map((stage) => ({
        stage: stage.stage,
        planned: stage.planned,
        openedAt: stage.openedAt,
        finishedAt: stage.finishedAt,
        gateMs: gateMinutes(settings, stage.stage) * 60_000,
        counts: tallies.stages.get(stage.stage) ?? emptyCounts(),
      })),
      rollback: tallies.rollback,
    });
  }

  /** Applies a plan in its documented order (see `RolloutPlan`). */
  private async apply(tx: TransactionClient, initial: Campaign, plan: RolloutPlan, window: OpenWindow | undefined): Promise<void> {
    let campaign = initial;
    const key = keyOf(campaign);
    if (plan.start) {
      await this.lifecycle.begin(tx, campaign, SCHEDULER);
      return;
    }
    for (const stage of plan.finishedStages) await this.campaigns.updateStage(key, stage, { finishedAt: this.clock.now() }, tx);
    if (plan.fail) {
      await this.lifecycle.fail(tx, campaign, plan.fail.breach, plan.fail);
      return;
    }
    if (plan.stopReleasing) await this.lifecycle.stopReleasing(tx, campaign, campaign.deploymentStrategy === 'blue_green' && campaign.activatedAt === null);
    if (plan.openStage !== null) campaign = await this.lifecycle.openStage(tx, campaign, plan.openStage, SCHEDULER, 'The previous stage finished under the threshold and its gate opened');
    if (plan.activate) {
      campaign = await this.lifecycle.activate(tx, campaign, SCHEDULER, `${100 - campaign.failureThresholdPercent}% or more of the devices staged the image`);
    }
    if (plan.activate || plan.sweepActivation) await this.switchStaged(tx, campaign);
    if (plan.release > 0) await this.release(tx, campaign, 'update', plan.release, window);
    if (plan.releaseRetries > 0) await this.updates.releaseDueRetries(tx, key, plan.releaseRetries);
    if (plan.releaseRollback > 0) await this.release(tx, campaign, 'rollback', plan.releaseRollback);
    if (plan.complete !== null) await this.lifecycle.complete(tx, campaign, plan.complete);
    if (plan.rolledBack) await this.lifecycle.finishRollback(tx, campaign);
  }

  /** Releases up to `limit` rows of the open stages (a rollback's rows are all one stage) and counts them. */
  /** `window`: the maintenance window update rows go in (a rollback is not held to windows). */
  private async release(tx: TransactionClient, campaign: Campaign, kind: 'update' | 'rollback', limit: number, window?: OpenWindow): Promise<void> {
    const key = keyOf(campaign);
    const stages = kind === 'rollback' ? [0] : Array.from({ length: (campaign.openStage ?? 0) + 1 }, (_, stage) => stage);
    const released = await this.updates.release(
      tx,
      // A rollback restores the image the device ran: it does not wait for consent.
      { ...key, kind, stages, awaitConfirmation: kind === 'update' && campaign.requiresDeviceConfirmation, window },
      limit,
      BUSY_RECHECK_TICKS * this.config.scheduler.tickMs,
      kind === 'rollback' ? `Rolled back by campaign ${campaign.campaignId}` : `Released by campaign ${campaign.campaignId}`,
    );
    if (released.length === 0) return;
    if (kind === 'update') {
      const byStage = new Map<number, number>();
      for (const row of released) byStage.set(row.campaignStage ?? 0, (byStage.get(row.campaignStage ?? 0) ?? 0) + 1);
      await this.campaigns.addReleased(key, byStage, tx);
    }
    await this.campaigns.recordRelease(key, released.length, tx);
    this.metrics.released(kind, released.length);
  }

  /** Blue-green's switch for every staged row, a chunk per statement. */
  private async switchStaged(tx: TransactionClient, campaign: Campaign): Promise<void> {
    const detail = `Switched by campaign ${campaign.campaignId}: activate now`;
    while ((await this.updates.activate(tx, keyOf(campaign), ACTIVATION_CHUNK, detail)) === ACTIVATION_CHUNK);
  }
}

function rolloutCampaign(campaign: Campaign): RolloutCampaign {
  return {
    status: campaign.status as RolloutCampaign['status'],
    strategy: campaign.deploymentStrategy as DeploymentStrategy,
    openStage: campaign.openStage,
    activatedAt: campaign.activatedAt,
    scheduledStart: campaign.scheduledStart,
    scheduledEnd: campaign.scheduledEnd,
    batchSize: campaign.batchSize,
    maxConcurrentUpdates: campaign.maxConcurrentUpdates,
    failureThresholdPercent: campaign.failureThresholdPercent,
    minFailureSample: campaign.minFailureSample,
    rollbackTriggers: campaign.rollbackTriggers,
    autoRollback: campaign.autoRollback,
    continuous: campaign.continuous,
  };
}
