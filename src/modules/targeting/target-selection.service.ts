import { Injectable } from '@nestjs/common';
import { FirmwareService } from '../firmware/firmware.service';
import type { TargetPreviewRequestDto, TargetPreviewResponseDto } from './dto/target-preview.dto';
import { PREVIEW_SAMPLE_SIZE } from './dto/target-preview.dto';
import { resolveTarget } from './target-resolution';
import { DEFAULT_PREVIEW_SEED, type ResolvedTarget, type TargetFirmware, type TargetSpec } from './target-spec';
import { TargetsRepository } from './targets.repository';

/** Which devices a rollout means: as SQL for a campaign's single statement, or counted for a preview. */
@Injectable()
export class TargetSelectionService {
  constructor(
    private readonly repository: TargetsRepository,
    private readonly firmware: FirmwareService,
  ) {}

  /**
   * The SQL conditions and hash order of a target spec over `ota.devices d`; nothing is read.
   * @throws ValidationError `target/no_targets`, `target/invalid_filter` (each bad key named),
   *   `request/validation_failed` (rollout percentage).
   */
  resolve(organizationId: string, spec: TargetSpec, firmware: TargetFirmware | null = null): ResolvedTarget {
    return resolveTarget(organizationId, spec, firmware);
  }

  /**
   * What a campaign with these targets would hit: four counts from one aggregate query and the
   * first selected ids from one more.
   * @throws ValidationError as `resolve`.
   * @throws NotFoundError `firmware/not_found` for an unknown `firmware_id`.
   */
  async preview(organizationId: string, request: TargetPreviewRequestDto): Promise<TargetPreviewResponseDto> {
    const spec: TargetSpec = {
      targetDevices: request.target_devices,
      targetGroups: request.target_groups,
      targetFilters: request.target_filters,
      rolloutPercentage: request.rollout_percentage,
      seed: request.seed ?? DEFAULT_PREVIEW_SEED,
    };
    // Refuse a bad spec before looking the firmware up, so a 422 does not hide behind a 404.
    this.resolve(organizationId, spec);
    const firmware = request.firmware_id ? await this.firmware.get(organizationId, request.firmware_id) : null;
    const target = this.resolve(organizationId, spec, firmware);
    const [counts, sample] = await Promise.all([this.repository.count(target), this.repository.firstSelected(target, PREVIEW_SAMPLE_SIZE)]);
    return {
      matched: counts.matched,
      compatible: counts.compatible,
      already_on_target_version: counts.alreadyOnTargetVersion,
      selected: counts.selected,
      sample,
    };
  }
}
