import type { Prisma } from '../../generated/prisma/client';
import type { FirmwareResponseDto } from '../firmware/dto/firmware.dto';

/** Seed of the preview's sample when the caller gives none, so a preview is repeatable. */
export const DEFAULT_PREVIEW_SEED = 'preview';

/** Samples are drawn in steps of 0.01 %: a device's bucket is in [0, SAMPLE_BUCKETS). */
export const SAMPLE_BUCKETS = 10_000;

/** Which devices a rollout means, as a campaign or the preview states it. */
export interface TargetSpec {
  /** Device ids targeted explicitly. */
  targetDevices?: readonly string[];
  /** Groups whose members are targeted. */
  targetGroups?: readonly string[];
  /** Keys a device must all match (see target-filters.ts). */
  targetFilters?: Record<string, unknown>;
  /** Devices left out whatever else names them (those a remote directory answered for instead). */
  excludeDevices?: readonly string[];
  /** Share of the compatible devices not yet on the version to pick, 1-100; default 100. */
  rolloutPercentage?: number;
  /** Decides which devices the sample picks and their order (a campaign passes its id). */
  seed: string;
}

/** The firmware fields compatibility depends on; a `FirmwareResponseDto` is one. */
export type TargetFirmware = Pick<FirmwareResponseDto, 'device_model' | 'version' | 'min_hardware_version' | 'max_hardware_version'>;

/**
 * A target spec turned into SQL over `ota.devices d` (the alias is part of the contract). Each
 * set is a WHERE condition; they nest: selected ⊆ compatible ⊆ matched, and
 * alreadyOnTargetVersion ⊆ compatible. A campaign inserts its rows with
 * `INSERT … SELECT … FROM ota.devices d WHERE ${selected} ORDER BY ${order}` and assigns stages
 * in that same order.
 */
export interface ResolvedTarget {
  readonly organizationId: string;
  readonly seed: string;
  readonly rolloutPercentage: number;
  readonly firmware: TargetFirmware | null;
  /** Devices of the organization that the devices, groups or filters name. */
  readonly matched: Prisma.Sql;
  /** Matched devices the firmware is built for (all matched devices without a firmware). */
  readonly compatible: Prisma.Sql;
  /** Compatible devices already running the firmware's version (none without a firmware). */
  readonly alreadyOnTargetVersion: Prisma.Sql;
  /** Compatible devices not on the version yet, sampled by `rolloutPercentage`. */
  readonly selected: Prisma.Sql;
  /** ORDER BY expression: the deterministic hash order of the sample (stable for one seed). */
  readonly order: Prisma.Sql;
  /** A device's 64-bit sample hash, the first key of `order`. */
  readonly hash: Prisma.Sql;
  /** A device's sample bucket, 0-9999, monotone in `order`: the sample is a prefix of that order. */
  readonly bucket: Prisma.Sql;
  /**
   * The pieces the sets are made of, for single-pass aggregates that test each only on the rows
   * the previous one admits. Null means "no condition": every matched device is compatible
   * (`compatibility`), none is on the target version (`onTargetVersion`), all are sampled (`sample`).
   */
  readonly parts: {
    readonly matched: Prisma.Sql;
    readonly compatibility: Prisma.Sql | null;
    readonly onTargetVersion: Prisma.Sql | null;
    readonly sample: Prisma.Sql | null;
  };
}
