import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsNumber, IsObject, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';

/** Explicit device ids per request; an import-sized list, well inside the body limit's reach. */
export const MAX_TARGET_DEVICES = 100_000;
export const MAX_TARGET_GROUPS = 1_000;
export const PREVIEW_SAMPLE_SIZE = 20;

/** Which devices a rollout means: the targeting fields of a campaign and of the preview. */
export class TargetFieldsDto {
  /** Device ids targeted explicitly. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_TARGET_DEVICES)
  @IsString({ each: true })
  @Length(1, 255, { each: true })
  target_devices?: string[];

  /** Groups whose members are targeted. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_TARGET_GROUPS)
  @IsString({ each: true })
  @Length(1, 255, { each: true })
  target_groups?: string[];

  /**
   * Devices matching every key are targeted. Keys: `device_type`, `device_model`,
   * `manufacturer`, `hardware_version` (equal strings), `firmware_version` (a semver range such
   * as `<2.0.0`, `>=1.2.0 <1.5.0`, `1.x`, `~1.4`; devices whose version is not semver never
   * match), `tags` (array: the device has all of them), `group` (string), `attributes.<name>`
   * (equal string, number or boolean). Other keys are refused. Bounded so a filter cannot occupy
   * the database: at most 32 keys and 16 384 characters as JSON, a range of at most 256 characters
   * and 32 alternatives (`||`), at most 50 tags, and no value longer than the device field it is
   * compared with (422 `target/invalid_filter` naming the limit).
   */
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { device_type: 'smart_frame', firmware_version: '<2.0.0', tags: ['beta'], 'attributes.region': 'eu' },
  })
  @IsOptional()
  @IsObject()
  target_filters?: Record<string, unknown>;

  /** Share (1-100, in steps of 0.01) of the compatible devices not yet on the version to select. */
  @ApiProperty({ required: false, minimum: 1, maximum: 100, default: 100 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(1)
  @Max(100)
  rollout_percentage?: number;
}

/** The targeting fields of a campaign, previewed before the campaign exists. */
export class TargetPreviewRequestDto extends TargetFieldsDto {
  /** Firmware to check compatibility and the current version against. */
  @IsOptional()
  @Matches(/^[0-9a-f]{32}$/, { message: 'firmware_id must be 32 lowercase hexadecimal characters' })
  firmware_id?: string;

  /**
   * Seed of the deterministic sample: the same seed picks the same devices in the same order.
   * Default `preview`; a campaign samples with its own id.
   */
  @ApiProperty({ required: false, default: 'preview' })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  seed?: string;
}

export class TargetPreviewResponseDto {
  /** Devices the devices, groups and filters name. */
  matched!: number;
  /** Matched devices the firmware is built for (model and hardware range); equals `matched` without a firmware. */
  compatible!: number;
  /** Compatible devices already running the firmware's version; 0 without a firmware. */
  already_on_target_version!: number;
  /** Compatible devices not on the version yet, after the rollout percentage's sample. */
  selected!: number;
  /** The first 20 selected device ids in rollout order. */
  sample!: string[];
}
