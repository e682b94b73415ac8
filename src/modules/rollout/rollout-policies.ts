import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../common/time/clock';
import { APP_CONFIG, type AppConfig } from '../../config';
import type { TransactionClient } from '../../database/prisma.service';
import type { Campaign } from '../../generated/prisma/client';
import { keyOf } from '../campaigns/campaign-lifecycle';
import { CampaignsRepository } from '../campaigns/campaigns.repository';
import { addCounts, emptyCounts, progressOf } from '../campaigns/domain/campaign-tallies';
import { type ReleaseWindow, WindowCalendar, windowsOf } from '../campaigns/domain/maintenance-windows';
import { rampAllowance, ratePerMinute, rolloutRateOf } from '../campaigns/domain/rollout-rate';
import type { OpenWindow } from '../updates/campaign-updates.service';
import type { RolloutPlan } from './domain/rollout-plan';

/** A plan held to the campaign's maintenance windows and ramp, and the window its releases go in. */
export interface RestrictedPlan {
  plan: RolloutPlan;
  /** Undefined: no windows, release any row. */
  window: OpenWindow | undefined;
}

/**
 * The campaign's release policies over a tick's plan, the strictest winning with the batch and the
 * concurrency cap already in it: maintenance windows (nothing outside them; inside, only rows of
 * the zones open now) and the exponential ramp (whole releases the rate allows since the last
 * tick, the fraction carried in `release_credit`). Stage gates, thresholds and completion are
 * left as planned. Windows are evaluated per distinct zone of the campaign, never per device.
 */
@Injectable()
export class RolloutPolicies {
  private readonly calendar = new WindowCalendar();

  constructor(
    private readonly campaigns: CampaignsRepository,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The plan with its releases held to the campaign's windows and ramp (the carried credit written), and the window they go in. */
  async restrict(tx: TransactionClient, campaign: Campaign & { sinceLastTickMs: number | null }, plan: RolloutPlan): Promise<RestrictedPlan> {
    const window = this.calendar.releaseWindow(windowsOf(campaign), campaign.deviceTimeZones, campaign.defaultTimeZone, this.clock.now());
    let { release, releaseRetries } = plan;
    if (window.kind === 'closed') {
      release = 0;
      // A retry goes out only while some window is open (it is not held to its own zone's).
      releaseRetries = 0;
    }
    const rate = rolloutRateOf(campaign);
    if (rate !== null && campaign.status === 'in_progress') {
      const tallies = await this.campaigns.tallies(keyOf(campaign), tx);
      const completed = progressOf([...tallies.stages.values()].reduce(addCounts, emptyCounts())).completed;
      // The first tick of a campaign has no tick before it: it counts as one period.
      const elapsedMs = campaign.sinceLastTickMs ?? this.config.scheduler.tickMs;
      const ramp = rampAllowance(ratePerMinute(rate, completed), elapsedMs / 60_000, campaign.releaseCredit);
      release = Math.min(release, ramp.allowed);
      if (ramp.credit !== campaign.releaseCredit) await this.campaigns.setReleaseCredit(keyOf(campaign), ramp.credit, tx);
    }
    return { plan: { ...plan, release, releaseRetries }, window: openWindow(window) };
  }
}

function openWindow(window: ReleaseWindow): OpenWindow | undefined {
  if (window.kind === 'all') return { endsAt: window.endsAt };
  if (window.kind === 'zones') return { zones: window.zones, ends: window.ends };
  return undefined;
}
