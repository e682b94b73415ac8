import { Injectable } from '@nestjs/common';
import { PrismaService, type TransactionClient } from '../../database/prisma.service';
import { Prisma } from '../../generated/prisma/client';
import type { ResolvedTarget } from './target-spec';

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
  async count(target: ResolvedTarget, tx: TransactionClient = this.prisma): Promise<TargetCounts> {
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
        FROM ota.devices d
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

  /** The first `limit` selected device ids in the sample's hash order. */
  async firstSelected(target: ResolvedTarget, limit: number, tx: TransactionClient = this.prisma): Promise<string[]> {
    const rows = await tx.$queryRaw<{ device_id: string }[]>`
      SELECT d.device_id FROM ota.devices d WHERE ${target.selected} ORDER BY ${target.order} LIMIT ${limit}`;
    return rows.map((row) => row.device_id);
  }
}
