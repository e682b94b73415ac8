import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsNumber, IsString, Max, MaxLength, Min } from 'class-validator';
import { MAX_WINDOW_MINUTES } from '../domain/maintenance-windows';

/** A recurring time in which the campaign may release updates. */
export class MaintenanceWindowDto {
  /**
   * Five-field cron expression (minute hour day-of-month month day-of-week) in `time_zone`; each
   * match opens the window, e.g. `0 2 * * *` every night at 02:00.
   */
  @ApiProperty({ example: '0 2 * * *', maxLength: 200 })
  @IsString()
  @MaxLength(200)
  cron!: string;

  /** How long each opening lasts, in minutes. */
  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_WINDOW_MINUTES })
  @IsInt()
  @Min(1)
  @Max(MAX_WINDOW_MINUTES)
  duration_minutes!: number;

  /**
   * An IANA zone name (`Europe/Paris`), or `device`: each device's own zone from its `timezone`
   * attribute (the campaign's `default_time_zone`, else UTC, when it has none or an invalid one).
   */
  @ApiProperty({ example: 'device', maxLength: 64 })
  @IsString()
  @MaxLength(64)
  time_zone!: string;
}

/**
 * Exponential ramp (AWS IoT jobs' `exponentialRate`): the campaign starts at `base_per_minute`
 * releases a minute and multiplies the rate by `increment_factor` each time another
 * `increase_after_succeeded` devices completed, up to `max_per_minute`.
 */
export class RolloutRateDto {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 1_000_000 })
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  base_per_minute!: number;

  @ApiProperty({ minimum: 1.1, maximum: 5 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(1.1)
  @Max(5)
  increment_factor!: number;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: 1_000_000 })
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  increase_after_succeeded!: number;

  /** At least `base_per_minute`. */
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 1_000_000 })
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  max_per_minute!: number;
}
