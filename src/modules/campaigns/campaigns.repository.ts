import { Injectable } from '@nestjs/common';
import { PrismaService, type TransactionClient } from '../../database/prisma.service';
import type { WriteStep } from '../../database/write-steps';
import { type Campaign, type CampaignEvent, type CampaignStage, Prisma } from '../../generated/prisma/client';
import { ACTIVE_CAMPAIGN_STATUSES } from './domain/campaign-state';
import { emptyCounts, TALLY_BUCKETS, type TallyBucket, type TallyCounts } from './domain/campaign-tallies';

export interface CampaignKey {
  organizationId: string;
  campaignId: string;
}

/** One change to a campaign's counts. */
export interface TallyDelta extends CampaignKey {
  kind: string;
  stage: number;
  bucket: string;
  delta: number;
}

/** A campaign's counts: its update rows by stage, and its rollback rows. */
export interface CampaignTallies {
  stages: Map<number, TallyCounts>;
  rollback: TallyCounts;
  /** Seconds from start to completion, summed over the completed update rows. */
  completedSeconds: number;
}

export interface CampaignListFilters {
  status?: string;
  priority?: string;
  deploymentStrategy?: string;
  firmwareId?: string;
}

export interface NewCampaignEvent extends CampaignKey {
  event: string;
  fromStatus: string | null;
  toStatus: string;
  actor: string;
  actorKind: string;
  reason: string | null;
  data: Record<string, unknown> | null;
}

function emptyTallies(): CampaignTallies {
  return { stages: new Map(), rollback: emptyCounts(), completedSeconds: 0 };
}

/**
 * How far the join cursor may be held back by an open transaction: one open longer is taken not
 * to be writing devices (an idle session), so it cannot make every join rescan hours of changes.
 */
const JOIN_HOLD_MAX = '10 minutes';

/** The extra bucket of tallies that sums completed rows' durations (start to completion). */
export const COMPLETED_SECONDS = 'completed_seconds';

const ACTIVE = Prisma.raw(ACTIVE_CAMPAIGN_STATUSES.map((status) => `'${status}'`).join(', '));
const PRIORITY_RANK = Prisma.raw(`CASE priority WHEN 'emergency' THEN 4 WHEN 'critical' THEN 3 WHEN 'high' THEN 2 WHEN 'normal' THEN 1 ELSE 0 END`);

/** The campaigns tables: campaigns, their stages, counts, timeline and release log. */
@Injectable()
export class CampaignsRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(data: Prisma.CampaignUncheckedCreateInput, tx: TransactionClient): Promise<Campaign> {
    return tx.campaign.create({ data });
  }

  findById(organizationId: string, campaignId: string, tx: TransactionClient = this.prisma): Promise<Campaign | null> {
    return tx.campaign.findUnique({ where: { organizationId_campaignId: { organizationId, campaignId } } });
  }

  /** The campaign, locked until the transaction ends: the one way to change a campaign. */
  async lock(organizationId: string, campaignId: string, tx: TransactionClient): Promise<Campaign | null> {
    const [row] = await tx.$queryRaw<{ campaign_id: string }[]>`
      SELECT campaign_id FROM ota.campaigns WHERE organization_id = ${organizationId} AND campaign_id = ${campaignId} FOR UPDATE`;
    return row ? this.findById(organizationId, campaignId, tx) : null;
  }

  /**
   * The campaign locked for a tick when it still has rollout work, no other replica holds it
   * (SKIP LOCKED) and, with `minIntervalMs`, no replica ticked it more recently than that; else
   * null. The tick's time is recorded, so any number of replicas tick a campaign at one pace;
   * `sinceLastTickMs` is the database time since the tick before (null for the first), for the ramp.
   */
  async lockForTick(
    organizationId: string,
    campaignId: string,
    minIntervalMs: number | null,
    tx: TransactionClient,
  ): Promise<(Campaign & { sinceLastTickMs: number | null }) | null> {
    const due = minIntervalMs === null ? Prisma.empty : Prisma.sql`AND (last_tick_at IS NULL OR last_tick_at <= now() - make_interval(secs => ${minIntervalMs}::float8 / 1000))`;
    const [row] = await tx.$queryRaw<{ campaign_id: string; since_ms: number | null }[]>`
      UPDATE ota.campaigns c SET last_tick_at = now()
        FROM (SELECT organization_id, campaign_id, last_tick_at FROM ota.campaigns
               WHERE organization_id = ${organizationId} AND campaign_id = ${campaignId} AND status IN (${ACTIVE}) ${due}
                 FOR UPDATE SKIP LOCKED) previous
       WHERE c.organization_id = previous.organization_id AND c.campaign_id = previous.campaign_id
      RETURNING c.campaign_id, (extract(epoch FROM now() - previous.last_tick_at) * 1000)::float8 AS since_ms`;
    if (!row) return null;
    const campaign = await this.findById(organizationId, campaignId, tx);
    return campaign && { ...campaign, sinceLastTickMs: row.since_ms };
  }

  /** The ramp's carried fraction of a release (a tick's bookkeeping: `updated_at` stays). */
  async setReleaseCredit(key: CampaignKey, credit: number, tx: TransactionClient): Promise<void> {
    await tx.$executeRaw`
      UPDATE ota.campaigns SET release_credit = ${credit}
       WHERE organization_id = ${key.organizationId} AND campaign_id = ${key.campaignId}`;
  }

  /** Campaigns with rollout work, highest priority first, then oldest. */
  listActive(limit: number): Promise<CampaignKey[]> {
    return this.prisma.$queryRaw<CampaignKey[]>`
      SELECT organization_id AS "organizationId", campaign_id AS "campaignId" FROM ota.campaigns
       WHERE status IN (${ACTIVE})
       ORDER BY ${PRIORITY_RANK} DESC, created_at
       LIMIT ${limit}`;
  }

  update(organizationId: string, campaignId: string, data: Prisma.CampaignUncheckedUpdateInput, tx: TransactionClient): Promise<Campaign> {
    return tx.campaign.update({ where: { organizationId_campaignId: { organizationId, campaignId } }, data });
  }

  async page(organizationId: string, filters: CampaignListFilters, limit: number, offset: number): Promise<{ items: Campaign[]; total: number }> {
    const where: Prisma.CampaignWhereInput = {
      organizationId,
      status: filters.status,
      priority: filters.priority,
      deploymentStrategy: filters.deploymentStrategy,
      firmwareId: filters.firmwareId,
    };
    const [items, total] = await Promise.all([
      this.prisma.campaign.findMany({ where, orderBy: [{ createdAt: 'desc' }, { campaignId: 'asc' }], take: limit, skip: offset }),
      this.prisma.campaign.count({ where }),
    ]);
    return { items, total };
  }

  /** This organization's campaigns by status. */
  async countByStatus(organizationId?: string): Promise<Map<string, number>> {
    const rows = await this.prisma.$queryRaw<{ status: string; count: number }[]>`
      SELECT status, count(*)::int AS count FROM ota.campaigns
       ${organizationId === undefined ? Prisma.empty : Prisma.sql`WHERE organization_id = ${organizationId}`}
       GROUP BY status`;
    return new Map(rows.map((row) => [row.status, row.count]));
  }

  /** How many campaigns not yet terminal (nor rejected) deploy this firmware. */
  countUnfinishedByFirmware(organizationId: string, firmwareId: string, tx: TransactionClient): Promise<number> {
    return tx.campaign.count({
      where: { organizationId, firmwareId, status: { in: ['created', 'pending_approval', ...ACTIVE_CAMPAIGN_STATUSES] } },
    });
  }

  // --- continuous joining ------------------------------------------------------------------------

  /**
   * The time up to which every device change is visible now: the database's clock, held back to
   * the start of the oldest transaction of this database still open (its writes carry that
   * start's time and may commit later), by at most {@link JOIN_HOLD_MAX}. Read before the
   * join's scan, so a writer missing from this list has committed or started after it.
   */
  async changesVisibleTo(tx: TransactionClient): Promise<Date> {
    const [row] = await tx.$queryRaw<{ visible: Date }[]>`
      SELECT least(clock_timestamp(), greatest(coalesce(min(a.xact_start), clock_timestamp()), clock_timestamp() - ${JOIN_HOLD_MAX}::interval)) AS visible
        FROM pg_stat_activity a
       WHERE a.datname = current_database() AND a.pid <> pg_backend_pid() AND a.backend_type = 'client backend'
         AND a.state <> 'idle' AND a.xact_start IS NOT NULL`;
    return row.visible;
  }

  /** Records a join: rows added to `stage` (its plan and the campaign's totals grow, the stage has work again) and the new cursor. */
  async recordJoin(key: CampaignKey, join: { stage: number; devices: number; cursor: Date; timeZones: string[] }, tx: TransactionClient): Promise<Campaign> {
    if (join.devices > 0) {
      await tx.campaignStage.update({
        where: { organizationId_campaignId_stage: { ...key, stage: join.stage } },
        data: { planned: { increment: join.devices }, finishedAt: null },
      });
    }
    return tx.campaign.update({
      where: { organizationId_campaignId: key },
      data: {
        joinCursor: join.cursor,
        ...(join.devices > 0 ? { totalDevices: { increment: join.devices }, targetDeviceCount: { increment: join.devices } } : {}),
        ...(join.timeZones.length > 0 ? { deviceTimeZones: join.timeZones } : {}),
      },
    });
  }

  /** The organization's most recently started campaigns, newest first. */
  async recentlyStartedIds(organizationId: string, limit: number): Promise<string[]> {
    const rows = await this.prisma.campaign.findMany({
      where: { organizationId, actualStart: { not: null } },
      orderBy: { createdAt: 'desc' },
      take: limit,
      select: { campaignId: true },
    });
    return rows.map((row) => row.campaignId);
  }

  // --- stages ------------------------------------------------------------------------------------

  async createStages(key: CampaignKey, stages: { stage: number; percentage: number; planned: number }[], tx: TransactionClient): Promise<void> {
    await tx.campaignStage.createMany({ data: stages.map((stage) => ({ ...key, ...stage })), skipDuplicates: true });
  }

  stages(key: CampaignKey, tx: TransactionClient = this.prisma): Promise<CampaignStage[]> {
    return tx.campaignStage.findMany({ where: key, orderBy: { stage: 'asc' } });
  }

  async updateStage(key: CampaignKey, stage: number, data: Prisma.CampaignStageUncheckedUpdateInput, tx: TransactionClient): Promise<void> {
    await tx.campaignStage.update({ where: { organizationId_campaignId_stage: { ...key, stage } }, data });
  }

  /** Adds to the released count of each stage. */
  async addReleased(key: CampaignKey, byStage: Map<number, number>, tx: TransactionClient): Promise<void> {
    for (const [stage, count] of byStage) {
      await tx.campaignStage.update({ where: { organizationId_campaignId_stage: { ...key, stage } }, data: { released: { increment: count } } });
    }
  }

  // --- counts ------------------------------------------------------------------------------------

  /** Records count changes (append-only: takes no lock another writer waits for). */
  async addDeltas(deltas: TallyDelta[], tx: TransactionClient): Promise<void> {
    const step = this.deltaStep(deltas);
    if (step) await tx.$executeRaw`WITH ${Prisma.raw(step.name)} AS (${step.sql}) SELECT 1`;
  }

  /** The INSERT of count changes as a write step for a composed statement; null for none. */
  deltaStep(deltas: TallyDelta[]): WriteStep | null {
    const changes = deltas.filter((delta) => delta.delta !== 0);
    if (changes.length === 0) return null;
    const rows = JSON.stringify(
      changes.map((delta) => ({
        organization_id: delta.organizationId,
        campaign_id: delta.campaignId,
        kind: delta.kind,
        stage: delta.stage,
        bucket: delta.bucket,
        delta: delta.delta,
      })),
    );
    return {
      name: 'campaign_tally_deltas_added',
      sql: Prisma.sql`
        INSERT INTO ota.campaign_tally_deltas (organization_id, campaign_id, kind, stage, bucket, delta)
        SELECT organization_id, campaign_id, kind, stage, bucket, delta
          FROM json_to_recordset(${rows}::json) AS v(organization_id text, campaign_id text, kind text, stage smallint, bucket text, delta bigint)`,
    };
  }

  /**
   * Folds the campaign's pending count changes into its counts, in one statement. Only a holder
   * of the campaign row calls it; changes written meanwhile stay for the next fold.
   */
  async foldDeltas(key: CampaignKey, tx: TransactionClient): Promise<void> {
    await tx.$executeRaw`
      WITH moved AS (
        DELETE FROM ota.campaign_tally_deltas WHERE organization_id = ${key.organizationId} AND campaign_id = ${key.campaignId}
        RETURNING kind, stage, bucket, delta
      ), sums AS (
        SELECT kind, stage, bucket, sum(delta)::bigint AS delta FROM moved GROUP BY 1, 2, 3
      )
      INSERT INTO ota.campaign_tallies AS t (organization_id, campaign_id, kind, stage, bucket, count)
      SELECT ${key.organizationId}, ${key.campaignId}, kind, stage, bucket, delta FROM sums
      ON CONFLICT (organization_id, campaign_id, kind, stage, bucket) DO UPDATE SET count = t.count + excluded.count`;
  }

  /**
   * The campaign's counts: folded counts plus the changes not folded yet, so a read without the
   * campaign's lock (stats) is as current as a tick's.
   */
  async tallies(key: CampaignKey, tx: TransactionClient = this.prisma): Promise<CampaignTallies> {
    return (await this.talliesOf(key.organizationId, [key.campaignId], tx)).get(key.campaignId) ?? emptyTallies();
  }

  /** The counts of several campaigns of one organization, in one read. */
  async talliesOf(organizationId: string, campaignIds: string[], tx: TransactionClient = this.prisma): Promise<Map<string, CampaignTallies>> {
    const found = new Map<string, CampaignTallies>(campaignIds.map((id) => [id, emptyTallies()]));
    if (campaignIds.length === 0) return found;
    const rows = await tx.$queryRaw<{ campaign_id: string; kind: string; stage: number; bucket: string; count: bigint }[]>`
      SELECT campaign_id, kind, stage::int AS stage, bucket, sum(count)::bigint AS count FROM (
        SELECT campaign_id, kind, stage, bucket, count FROM ota.campaign_tallies
         WHERE organization_id = ${organizationId} AND campaign_id = ANY(${campaignIds}::text[])
        UNION ALL
        SELECT campaign_id, kind, stage, bucket, delta FROM ota.campaign_tally_deltas
         WHERE organization_id = ${organizationId} AND campaign_id = ANY(${campaignIds}::text[])
      ) all_counts GROUP BY 1, 2, 3, 4`;
    for (const row of rows) {
      const tallies = found.get(row.campaign_id.trim());
      if (tallies === undefined) continue;
      const count = Number(row.count);
      if (row.bucket === COMPLETED_SECONDS) {
        if (row.kind === 'update') tallies.completedSeconds += count;
        continue;
      }
      if (!(TALLY_BUCKETS as readonly string[]).includes(row.bucket)) continue;
      let counts = row.kind === 'rollback' ? tallies.rollback : tallies.stages.get(row.stage);
      if (counts === undefined) tallies.stages.set(row.stage, (counts = emptyCounts()));
      counts[row.bucket as TallyBucket] += count;
    }
    return found;
  }

  /** The stages of several campaigns of one organization, in one read. */
  async stagesOf(organizationId: string, campaignIds: string[]): Promise<Map<string, CampaignStage[]>> {
    const found = new Map<string, CampaignStage[]>(campaignIds.map((id) => [id, []]));
    if (campaignIds.length === 0) return found;
    const rows = await this.prisma.campaignStage.findMany({ where: { organizationId, campaignId: { in: campaignIds } }, orderBy: [{ campaignId: 'asc' }, { stage: 'asc' }] });
    for (const row of rows) found.get(row.campaignId)?.push(row);
    return found;
  }

  // --- timeline and releases ---------------------------------------------------------------------

  async addEvent(event: NewCampaignEvent, tx: TransactionClient): Promise<CampaignEvent> {
    return tx.campaignEvent.create({
      data: { ...event, data: event.data === null ? Prisma.DbNull : (event.data as Prisma.InputJsonValue) },
    });
  }

  timeline(key: CampaignKey, tx: TransactionClient = this.prisma): Promise<CampaignEvent[]> {
    return tx.campaignEvent.findMany({ where: key, orderBy: { id: 'asc' } });
  }

  /**
   * Up to `limit` timeline rows after `afterId`, oldest first. Every writer holds the campaign's
   * row lock until it commits, so a campaign's rows commit in id order: none can appear behind a
   * row already read.
   */
  eventsAfter(key: CampaignKey, afterId: bigint, limit: number): Promise<CampaignEvent[]> {
    return this.prisma.campaignEvent.findMany({ where: { ...key, id: { gt: afterId } }, orderBy: { id: 'asc' }, take: limit });
  }

  /** Logs a tick's releases (for the release rate) and drops entries older than an hour. */
  async recordRelease(key: CampaignKey, count: number, tx: TransactionClient): Promise<void> {
    await tx.campaignRelease.create({ data: { ...key, count } });
    await tx.campaignRelease.deleteMany({ where: { ...key, createdAt: { lt: new Date(Date.now() - 3_600_000) } } });
  }

  /** Rows released over the last minute. */
  async releasedSince(key: CampaignKey, since: Date): Promise<number> {
    const sum = await this.prisma.campaignRelease.aggregate({ where: { ...key, createdAt: { gte: since } }, _sum: { count: true } });
    return sum._sum.count ?? 0;
  }
}
