import { Injectable } from '@nestjs/common';
import { PrismaService, type TransactionClient } from '../../database/prisma.service';
import { Prisma } from '../../generated/prisma/client';
import type { ResolvedTarget } from './target-spec';

/** The registry's devices under the alias the target conditions use. */
export const REGISTRY_SOURCE = Prisma.sql`ota.devices d`;

export interface TargetCounts {
  matched: number;
  compatible: number;
  alreadyOnTargetVersion: number;
  selected: number;
}

/**
 * Reads `ota.devices` for target selection. The table belongs to the device registry; this is a
 * read-only query over it, because resolving a rollout must stay one statement in the database
 * rather than a call per device through the registry's service.
 */
@Injectable()
export class TargetsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * All four figures in one pass over the matched devices: each later set is tested only on the
   * rows the earlier one admits, and a figure that equals another is not computed twice.
   */
  async count(target: ResolvedTarget, source: Prisma.Sql = REGISTRY_SOURCE, tx: TransactionClient = this.prisma): Promise<TargetCounts> {
    const { matched, compatibility, onTargetVersion, sample } = target.parts;
    const compatible = compatibility ?? Prisma.sql`TRUE`;
    const selected = Prisma.join(
      [compatible, ...(onTargetVersion ? [Prisma.sql`NOT ${onTargetVersion}`] : []), ...(sample ? [sample] : [])],
      ' AND ',
    );
    const [row] = await tx.$queryRaw<{ matched: bigint; compatible: bigint | null; on_target: bigint | null; selected: bigint | null }[]>`
      SELECT count(*) AS matched,
             ${compatibility ? Prisma.sql`count(*) FILTER (WHERE ${compatibility})` : Prisma.sql`NULL::bigint`} AS compatible,
             ${onTargetVersion ? Prisma.sql`count(*) FILTER (WHERE ${compatible} AND ${onTargetVersion})` : Prisma.sql`0::bigint`} AS on_target,
             ${onTargetVersion || sample ? Prisma.sql`count(*) FILTER (WHERE ${selected})` : Prisma.sql`NULL::bigint`} AS selected
        FROM ${source}
       WHERE ${matched}`;
    const matchedCount = Number(row.matched);
    const compatibleCount = row.compatible === null ? matchedCount : Number(row.compatible);
    return {
      matched: matchedCount,
      compatible: compatibleCount,
      alreadyOnTargetVersion: Number(row.on_target ?? 0),
      selected: row.selected === null ? compatibleCount : Number(row.selected),
    };
  }

  /** The first `limit` selected devices in the sample's hash order, with their hash (to merge several sources). */
  firstSelected(target: ResolvedTarget, limit: number, source: Prisma.Sql = REGISTRY_SOURCE): Promise<{ device_id: string; sample_hash: bigint }[]> {
    return this.prisma.$queryRaw<{ device_id: string; sample_hash: bigint }[]>`
      SELECT d.device_id, ${target.hash} AS sample_hash FROM ${source} WHERE ${target.selected} ORDER BY ${target.order} LIMIT ${limit}`;
  }

  /**
   * The selected registry devices changed after `since`, as a query (`device_id`,
   * `firmware_version`, `time_zone` from the `timezone` attribute, `updated_at`), for a
   * continuous campaign's join: read on the (organization, updated_at) index, so its cost is what
   * changed, not the fleet.
   */
  changedSelectionQuery(target: ResolvedTarget, since: Date): Prisma.Sql {
    return Prisma.sql`
      SELECT d.device_id, d.firmware_version, d.attributes->>'timezone' AS time_zone, d.updated_at FROM ota.devices d
       WHERE d.organization_id = ${target.organizationId} AND d.updated_at > ${since} AND ${target.selected}`;
  }

  /**
   * The selected devices as a query (`device_id`, `firmware_version`, `sample_hash`, `time_zone`
   * from the `timezone` attribute), for a campaign's INSERT … SELECT.
   */
  selectionQuery(target: ResolvedTarget, source: Prisma.Sql = REGISTRY_SOURCE): Prisma.Sql {
    return Prisma.sql`SELECT d.device_id, d.firmware_version, ${target.hash} AS sample_hash, d.attributes->>'timezone' AS time_zone FROM ${source} WHERE ${target.selected}`;
  }
}
