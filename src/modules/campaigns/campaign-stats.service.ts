import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/time/clock';
import type { Campaign, CampaignStage } from '../../generated/prisma/client';
import { type CampaignTallies, CampaignsRepository } from './campaigns.repository';
import { CampaignsService } from './campaigns.service';
import { totalProgress } from './campaign.mapper';
import { keyOf } from './campaign-lifecycle';
import type { DeploymentStrategy } from './domain/campaign-state';
import { emptyCounts, failureCounting, failureRate, progressOf, TALLY_BUCKETS, type TallyCounts } from './domain/campaign-tallies';
import { nextWindowAt, WindowCalendar } from './domain/maintenance-windows';
import { ratePerMinute, rolloutRateOf } from './domain/rollout-rate';
import { gateMinutes } from './domain/stage-plan';
import type { CampaignStageStatsDto, CampaignStatsResponseDto } from './dto/campaign.dto';

/** Live figures of one campaign, from its counts (a cost that does not grow with the campaign). */
@Injectable()
export class CampaignStatsService {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly repository: CampaignsRepository,
    private readonly clock: Clock,
  ) {}

  /** Remembers maintenance window states between reads (see `WindowCalendar`). */
  private readonly calendar = new WindowCalendar();

  /** @throws NotFoundError `campaign/not_found`. */
  async stats(organizationId: string, campaignId: string): Promise<CampaignStatsResponseDto> {
    const campaign = await this.campaigns.require(organizationId, campaignId);
    const key = keyOf(campaign);
    const now = this.clock.now();
    const [tallies, stages, releasedLastMinute] = await Promise.all([
      this.repository.tallies(key),
      this.repository.stages(key),
      this.repository.releasedSince(key, new Date(now.getTime() - 60_000)),
    ]);
    return { ...campaignStats(campaign, tallies, stages, releasedLastMinute), ...this.policyStats(campaign, tallies, now) };
  }

  /** The maintenance windows' next opening and the ramp's rate now. */
  private policyStats(campaign: Campaign, tallies: CampaignTallies, now: Date): Pick<CampaignStatsResponseDto, 'next_window_at' | 'ramp_rate_per_minute'> {
    const rate = rolloutRateOf(campaign);
    return {
      next_window_at: nextWindowAt(this.calendar, campaign, now)?.toISOString() ?? null,
      ramp_rate_per_minute: rate === null ? null : round2(ratePerMinute(rate, totalProgress(tallies).completed)),
    };
  }
}

/** The stats of a campaign from its counts and stages. */
export function campaignStats(
  campaign: Campaign,
  tallies: CampaignTallies,
  stages: CampaignStage[],
  releasesPerMinute: number,
): Omit<CampaignStatsResponseDto, 'next_window_at' | 'ramp_rate_per_minute'> {
  const total = totalProgress(tallies);
  const counts = [...tallies.stages.values()].reduce((sum: TallyCounts, stage) => {
    for (const bucket of TALLY_BUCKETS) sum[bucket] += stage[bucket];
    return sum;
  }, emptyCounts());
  const counting = failureCounting(campaign.rollbackTriggers);
  const rate = failureRate(total, counting);
  const finished = total.completed + total.failed + total.timedOut + total.healthFailed + total.cancelled + total.rolledBack;
  // A completed device whose health window is open is neither a success nor a failure yet.
  const succeeded = total.completed + total.rolledBack;
  const failed = total.failed + total.timedOut + total.healthFailed;
  const remaining = total.unreleased + total.inFlight + total.awaiting + total.awaitingConfirmation + total.healthPending;
  const rollback = progressOf(tallies.rollback);
  return {
    campaign_id: campaign.campaignId,
    status: campaign.status,
    progress_percentage: total.total === 0 ? (campaign.totalDevices === null ? 0 : 100) : round2((finished / total.total) * 100),
    successful_updates: succeeded,
    failed_updates: failed,
    pending_updates: total.unreleased,
    avg_update_time: succeeded === 0 ? 0 : round2(tallies.completedSeconds / succeeded / 60),
    success_rate: succeeded + failed === 0 ? 0 : round2((succeeded / (succeeded + failed)) * 100),
    counts: { ...counts },
    waiting_busy: counts.waiting_busy,
    awaiting_confirmation: counts.awaiting_confirmation,
    health_pending: counts.health_pending,
    already_on_target_version: campaign.alreadyOnTargetVersion,
    stages: stages.map((stage) => stageStats(campaign, stage, tallies.stages.get(stage.stage) ?? emptyCounts(), stages.length)),
    failure_rate: rate.rate === null ? null : round2(rate.rate * 100),
    failure_threshold_percent: campaign.failureThresholdPercent,
    eta_seconds: remaining === 0 ? 0 : releasesPerMinute > 0 ? Math.round((remaining / releasesPerMinute) * 60) : null,
    releases_per_minute: releasesPerMinute,
    rollback: rollback.total === 0 ? null : { planned: rollback.total, pending: rollback.unreleased, in_flight: rollback.inFlight, completed: rollback.completed, failed: rollback.failed + rollback.timedOut },
  };
}

function stageStats(campaign: Campaign, stage: CampaignStage, counts: TallyCounts, stageCount: number): CampaignStageStatsDto {
  const progress = progressOf(counts);
  const rate = failureRate(progress, failureCounting(campaign.rollbackTriggers));
  const gate = gateMinutes(
    { strategy: campaign.deploymentStrategy as DeploymentStrategy, stageSoakMinutes: campaign.stageSoakMinutes, canaryDurationMinutes: campaign.canaryDurationMinutes },
    stage.stage,
  );
  const last = stage.stage >= stageCount - 1;
  return {
    stage: stage.stage,
    percentage: stage.percentage,
    planned: stage.planned,
    released: stage.released,
    in_flight: progress.inFlight + progress.awaiting + progress.awaitingConfirmation,
    completed: progress.completed + progress.rolledBack,
    failed: progress.failed + progress.timedOut + progress.healthFailed,
    cancelled: progress.cancelled,
    failure_rate: rate.rate === null ? null : round2(rate.rate * 100),
    opened_at: stage.openedAt?.toISOString() ?? null,
    gate_opens_at: last || stage.finishedAt === null ? null : new Date(stage.finishedAt.getTime() + (stage.planned > 0 ? gate : 0) * 60_000).toISOString(),
  };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
