import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../common/time/clock';
import { APP_CONFIG, type AppConfig } from '../../config';
import type { FirmwareResponseDto } from '../firmware/dto/firmware.dto';
import { TargetSelectionService } from '../targeting/target-selection.service';
import type { TargetSpec } from '../targeting/target-spec';
import { CampaignUpdatesService } from '../updates/campaign-updates.service';
import type { CampaignSettings } from './campaign-settings';
import { CampaignsRepository } from './campaigns.repository';
import type { DeploymentStrategy } from './domain/campaign-state';
import { nextWindowAt, usesDeviceZone, WindowCalendar } from './domain/maintenance-windows';
import { estimateDurationSeconds } from './domain/plan-estimate';
import { ratePerMinute } from './domain/rollout-rate';
import { firstStageAtLeastOne, gateMinutes, stagePercentages, stageSizes } from './domain/stage-plan';
import type { CampaignPlanResponseDto } from './dto/campaign-plan.dto';

/** Recent campaigns whose completed updates give the median update time, and rows read from each: a bounded sample. */
const MEDIAN_CAMPAIGNS = 10;
const MEDIAN_ROWS_PER_CAMPAIGN = 200;
/** Window openings a plan lists. */
const WINDOW_OPENINGS = 5;
/** Distinct device zones a plan evaluates windows in (IANA has about 600 names). */
const MAX_PLAN_ZONES = 1_000;

/**
 * The dry run of a campaign: what a start would select now, stage by stage, what it would leave
 * out and why, and how long it would take. Reads only: the same selection a start inserts
 * (`TargetSelectionService.campaignSelection`), counted instead.
 */
@Injectable()
export class CampaignPlanner {
  /** Remembers maintenance window states (see `WindowCalendar`). */
  private readonly calendar = new WindowCalendar();

  constructor(
    private readonly targeting: TargetSelectionService,
    private readonly updates: CampaignUpdatesService,
    private readonly repository: CampaignsRepository,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The plan of validated settings; `spec` is their targets with the seed the sample is drawn with. */
  async plan(organizationId: string, settings: CampaignSettings, strategy: DeploymentStrategy, spec: TargetSpec, firmware: FirmwareResponseDto): Promise<CampaignPlanResponseDto> {
    const selection = await this.targeting.campaignSelection(organizationId, spec, firmware);
    // Windows in each device's zone open at the times of the zones the selected devices are in.
    const zones = usesDeviceZone(settings.maintenanceWindows) ? this.updates.selectionTimeZones(selection.query, settings.defaultTimeZone, MAX_PLAN_ZONES) : Promise.resolve([]);
    const [busy, median, deviceTimeZones] = await Promise.all([
      this.updates.countBusy(organizationId, selection.query),
      this.medianUpdateSeconds(organizationId),
      zones,
    ]);
    const { counts } = selection;
    const percentages = stagePercentages({ strategy, stages: settings.stages, canaryPercentage: settings.canaryPercentage });
    const sizes = stageSizes(percentages, counts.selected, firstStageAtLeastOne(strategy));
    const gates = percentages.map((_, stage) => gateMinutes({ strategy, stageSoakMinutes: settings.stageSoakMinutes, canaryDurationMinutes: settings.canaryDurationMinutes }, stage) * 60);
    return {
      matched: counts.matched,
      target_device_count: counts.selected,
      stages: percentages.map((percentage, stage) => ({ stage, percentage, devices: sizes[stage] })),
      excluded: {
        incompatible: counts.matched - counts.compatible,
        already_on_version: counts.alreadyOnTargetVersion,
        busy,
        outside_sample: counts.compatible - counts.alreadyOnTargetVersion - counts.selected,
      },
      next_window_openings: this.windowOpenings(settings, deviceTimeZones, this.clock.now()).map((opening) => opening.toISOString()),
      estimated_duration_seconds: estimateDurationSeconds({
        stageSizes: sizes,
        gateSeconds: gates,
        batchSize: settings.batchSize,
        maxConcurrentUpdates: settings.maxConcurrentUpdates,
        tickSeconds: this.config.scheduler.tickMs / 1000,
        updateSeconds: median ?? settings.timeoutMinutes * 60,
        ratePerMinute: settings.rolloutRate === null ? null : (completed) => ratePerMinute(settings.rolloutRate!, completed),
        blueGreen: strategy === 'blue_green',
      }),
      median_update_seconds: median === null ? null : Math.round(median),
    };
  }

  /**
   * The next openings of the windows after `now`, soonest first: with windows in each device's
   * zone, in any of `deviceTimeZones` (the selected devices' zones), else in the windows' zones.
   */
  private windowOpenings(settings: CampaignSettings, deviceTimeZones: string[], now: Date): Date[] {
    const openings: Date[] = [];
    const campaign = { maintenanceWindows: settings.maintenanceWindows, deviceTimeZones, defaultTimeZone: settings.defaultTimeZone };
    for (let after = now; openings.length < WINDOW_OPENINGS; ) {
      const next = nextWindowAt(this.calendar, campaign, after);
      if (next === null) break;
      openings.push(next);
      after = new Date(next.getTime() + 1_000);
    }
    return openings;
  }

  private async medianUpdateSeconds(organizationId: string): Promise<number | null> {
    const campaigns = await this.repository.recentlyStartedIds(organizationId, MEDIAN_CAMPAIGNS);
    return this.updates.medianCompletedSeconds(organizationId, campaigns, MEDIAN_ROWS_PER_CAMPAIGN);
  }
}
