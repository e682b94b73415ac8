import { ApiProperty } from '@nestjs/swagger';

/** One stage as a start would fill it now. */
export class CampaignPlanStageDto {
  /** 0-based. */
  stage!: number;
  /** Cumulative share of the campaign's devices this stage reaches, in percent. */
  percentage!: number;
  devices!: number;
}

/** Devices the targets name that a start would leave out, by reason. */
export class CampaignPlanExcludedDto {
  /** Matched, but the firmware is not built for them (model, hardware bounds). */
  incompatible!: number;
  /** Compatible, already running the firmware's version. */
  already_on_version!: number;
  /**
   * Selected devices with another update in flight now: a start keeps them (counted in the
   * stages), and each waits (`waiting_busy`) until its device is free.
   */
  busy!: number;
  /** Compatible, not on the version, left out by `rollout_percentage`. */
  outside_sample!: number;
}

/** `POST /campaigns/plan`: what a campaign with this body would do if started now; nothing is written. */
export class CampaignPlanResponseDto {
  /** Devices the targets name. */
  matched!: number;
  /** Devices a start would give an update. */
  target_device_count!: number;
  stages!: CampaignPlanStageDto[];
  excluded!: CampaignPlanExcludedDto;
  /** The next times a maintenance window opens (ISO-8601), soonest first; empty without windows. */
  @ApiProperty({ type: [String] })
  next_window_openings!: string[];
  /**
   * Seconds from the start to the last device done if nothing failed: the stages' releases under
   * `batch_size` per tick, `max_concurrent_updates` and the ramp, the median update time, and the
   * stage gates. Windows are not counted.
   */
  estimated_duration_seconds!: number;
  /**
   * Median seconds from start to completion of the organization's recent campaign updates; null
   * without one (the estimate then takes `timeout_minutes`, an upper bound).
   */
  @ApiProperty({ type: 'number', nullable: true })
  median_update_seconds!: number | null;
}
