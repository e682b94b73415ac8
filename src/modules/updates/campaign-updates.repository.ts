import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PrismaService, type TransactionClient } from '../../database/prisma.service';
import { type DeviceUpdate, Prisma } from '../../generated/prisma/client';
import {
  BEFORE_COLUMNS,
  type CampaignKey,
  type Changed,
  type ChangedRow,
  changed,
  DEVICE_UPDATE_COLUMNS,
  RELEASED,
} from './updates.repository';

/** What a campaign's new rows are: its firmware, settings and the devices' selection. */
export interface CampaignRowsSpec extends CampaignKey {
  kind: 'update';
  firmwareId: string;
  toVersion: string;
  downloadSize: bigint;
  priority: string;
  maxRetries: number;
  timeoutMinutes: number;
  createdBy: string;
  /** `immediate`, or `deferred` for blue-green. */
  activation: 'immediate' | 'deferred';
  /**
   * A query with the columns `device_id`, `firmware_version`, `sample_hash` and `time_zone`: the selected
   * devices, each once (the targeting module's selection).
   */
  selection: Prisma.Sql;
  /** Each stage's cumulative share in hundredths of a percent (see `stageSizes`). */
  stageHundredths: number[];
  /** A canary's first stage holds at least one device. */
  firstStageAtLeastOne: boolean;
  /** Zone of a device without a usable `timezone` attribute (else UTC), for its row's maintenance windows. */
  defaultTimeZone: string | null;
}

/** Rows for devices that joined a continuous campaign since its last look, all in one stage. */
export interface JoinRowsSpec extends Omit<CampaignRowsSpec, 'selection' | 'stageHundredths' | 'firstStageAtLeastOne'> {
  stage: number;
  /** A query with the columns `device_id`, `firmware_version`, `time_zone` and `updated_at`: the candidates. */
  candidates: Prisma.Sql;
  /** Rows inserted at most. */
  limit: number;
}

/** What a join inserted: how many, and the rows' zones. */
export interface JoinedRows {
  inserted: number;
  timeZones: string[];
  /** The `updated_at` of the last candidate read when the limit stopped the join; null when every candidate was read. */
  stoppedAt: Date | null;
}

/** Candidates a join reads per statement. */
const JOIN_PAGE = 5_000;

/** A campaign rollback's rows: the model whose older images they install, and their settings. */
export interface RollbackRowsSpec extends CampaignKey {
  deviceModel: string;
  /** The campaign's firmware, kept on a row whose older image is gone. */
  firmwareId: string;
  priority: string;
  timeoutMinutes: number;
  createdBy: string;
}

/**
 * The maintenance window a release happens in: every row, until `endsAt`; or the rows whose
 * `time_zone` is one of `zones`, each until the end at the same index of `ends`.
 */
export type OpenWindow = { endsAt: Date } | { zones: string[]; ends: Date[] };

/** Which released rows of a campaign a cancellation takes. */
export type ReleasedRows = 'all' | 'interruptible' | 'awaiting_confirmation';

/** Rows per stage (and state bucket) a bulk statement created or changed. */
export interface StageCount {
  stage: number;
  /** The row's state before (for a change) or after (for an insert), as a tally bucket name. */
  bucket: string;
  count: number;
}

/** A campaign's row as its device list shows it. */
export interface CampaignDeviceRow {
  deviceId: string;
  stage: number | null;
  status: string;
  currentPhase: string | null;
  updateId: string;
  kind: string;
  fromVersion: string | null;
  toVersion: string;
  errorCode: string | null;
  updatedAt: Date;
}

/** Filters of a campaign's device list. */
export interface CampaignDeviceFilters {
  status?: string;
  stage?: number;
  kind?: string;
}

/** The bucket of a row of `u` in SQL, as `bucketOf` (campaigns/domain/campaign-tallies.ts) computes it. */
const BUCKET_SQL = Prisma.raw(`CASE
  WHEN u.status = 'created' AND u.current_phase = 'waiting_busy' THEN 'waiting_busy'
  WHEN u.status = 'completed' AND u.health_deadline IS NOT NULL THEN 'health_pending'
  WHEN u.status = 'failed' AND u.next_retry_at IS NOT NULL THEN 'retrying'
  WHEN u.status = 'failed' AND u.error_code = 'TIMEOUT' THEN 'timed_out'
  WHEN u.status = 'failed' AND u.error_code = 'health_check' THEN 'health_check'
  ELSE u.status END`);

/**
 * Released rows a device can still drop without having changed its image: waiting for consent,
 * not yet installing, or a blue-green update staged but not switched. A rollback cancels these;
 * the others (installing, rebooting, switched) run to their end and are rolled back if they complete.
 */
const INTERRUPTIBLE = Prisma.raw(`(u.status IN ('awaiting_confirmation', 'scheduled', 'in_progress', 'downloading', 'verifying')
  OR (u.status = 'awaiting_activation' AND u.activation = 'deferred'))`);

/**
 * A campaign update a rollback must undo: completed, past the point where the device could stop,
 * or installed and then not confirmed healthy (a device that answers runs the image it reported
 * unhealthy; one that never came back cannot take the rollback either way).
 */
const PAST_RETURN = Prisma.raw(`(u.status IN ('completed', 'installing', 'rebooting')
  OR (u.status = 'awaiting_activation' AND u.activation = 'now')
  OR (u.status = 'failed' AND u.error_code = 'health_check'))`);

/** Rows per statement of the bulk paths that touch a whole campaign (cancelling what was never released). */
/**
 * The zone a row of a device gets (`device_updates.time_zone`): its `timezone` attribute when it
 * fits the column, else the campaign's default, else UTC. A name that is no zone is kept, and judged
 * as the default when windows are evaluated.
 */
function rowTimeZone(attribute: Prisma.Sql, defaultTimeZone: string | null): Prisma.Sql {
  return Prisma.sql`CASE WHEN length(${attribute}) BETWEEN 1 AND 64 THEN ${attribute} ELSE coalesce(${defaultTimeZone}::text, 'UTC') END`;
}

const BULK_CHUNK = 50_000;

/**
 * A campaign's rows in `device_updates`, written in bulk: created at start in one INSERT … SELECT
 * from the targeting module's selection, released in batches, cancelled, rolled back. Every
 * statement is bounded by its batch or walks the campaign in chunks on its indexes.
 */
@Injectable()
export class CampaignUpdatesRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Inserts a `created` row per selected device, numbered in the selection's hash order and put
   * into its stage by the same order (stage k holds positions up to ceil(total × share_k)),
   * `not_before` now, `time_zone` the device's `timezone` attribute (the campaign's default, else
   * UTC, when it has none or one too long to be a zone). Returns the rows inserted per stage.
   *
   * It runs once per campaign, under the campaign's row lock, as the campaign leaves `created` or
   * `scheduled`, so the campaign has no rows yet and the selection names each device once: a plain
   * insert. `ON CONFLICT DO NOTHING` cost a third of the time at a million rows (23–25 s against
   * 16–17 s), as each row was checked against every unique index before its insert.
   *
   * At a million rows the cost is the indexes, not the selection: rows go in by device id, and
   * their update ids are 16 random hex digits drawn once for the start followed by 16 hex digits
   * of the row's place in that order, so every index of the table grows at one end instead of
   * taking a million random inserts (48 s → 23 s, `npm run bench:rollout`). Ids stay unique 32
   * lowercase hex characters; they are no secret (every use checks the device and organization).
   */
  async insertRows(spec: CampaignRowsSpec, tx: TransactionClient): Promise<StageCount[]> {
    // The three sorts of a million rows get the memory they need for once.
    await tx.$executeRaw`SET LOCAL work_mem = '64MB'`;
    const idPrefix = randomBytes(8).toString('hex');
    const rows = await tx.$queryRaw<{ stage: number; count: number }[]>`
      WITH picked AS MATERIALIZED (
        SELECT s.device_id, s.firmware_version, s.time_zone, row_number() OVER (ORDER BY s.sample_hash, s.device_id) AS position
          FROM (${spec.selection}) s
      ), reach AS MATERIALIZED (
        -- The last position of each stage, from the total: a stage is a range of positions.
        SELECT array_agg(CASE WHEN l.i = 1 AND ${spec.firstStageAtLeastOne}
                              THEN greatest(1, (t.total * l.hundredths + 9999) / 10000)
                              ELSE (t.total * l.hundredths + 9999) / 10000 END ORDER BY l.i) AS ends
          FROM (SELECT count(*) AS total FROM picked) t, unnest(${spec.stageHundredths}::int[]) WITH ORDINALITY AS l(hundredths, i)
      ), inserted AS (
        INSERT INTO ota.device_updates AS u (
          organization_id, update_id, device_id, campaign_id, campaign_stage, kind, firmware_id, from_version, to_version,
          status, current_phase, priority, max_retries, timeout_minutes, force, download_size, created_by, activation,
          time_zone, not_before, updated_at)
        SELECT ${spec.organizationId}, ${idPrefix} || lpad(to_hex(row_number() OVER (ORDER BY p.device_id)), 16, '0'), p.device_id,
               ${spec.campaignId}, width_bucket(p.position - 1, (SELECT ends FROM reach))::smallint, ${spec.kind}, ${spec.firmwareId},
               p.firmware_version, ${spec.toVersion}, 'created', 'created', ${spec.priority}, ${spec.maxRetries}, ${spec.timeoutMinutes},
               false, ${spec.downloadSize}, ${spec.createdBy}, ${spec.activation},
               ${rowTimeZone(Prisma.sql`p.time_zone`, spec.defaultTimeZone)}, now(), now()
          FROM picked p
         ORDER BY p.device_id
        RETURNING u.campaign_stage
      )
      SELECT campaign_stage::int AS stage, count(*)::int AS count FROM inserted GROUP BY 1 ORDER BY 1`;
    return rows.map((row) => ({ ...row, bucket: 'created' }));
  }

  /**
   * Adds a `created` row in `spec.stage` for each candidate the campaign has no row for yet, at
   * most `limit`, oldest change first. The candidates are read in pages in `(updated_at,
   * device_id)` order (so a crowd of devices changed in one transaction is paged through, not read
   * again), and the campaign's one-row-per-device index drops those it has: `ON CONFLICT` checks
   * that index itself, so no plan choice can turn the check into a scan of the campaign's rows
   * per candidate (an anti join planned on statistics from before a large import did: 59 s
   * instead of 50 ms for 10 000 candidates). `time_zone` as {@link insertRows} sets it.
   */
  async insertJoined(spec: JoinRowsSpec, tx: TransactionClient): Promise<JoinedRows> {
    const zones = new Set<string>();
    let inserted = 0;
    let after: { updatedAt: Date; deviceId: string } | null = null;
    for (;;) {
      const pageSize = Math.min(JOIN_PAGE, spec.limit - inserted);
      const keyset: Prisma.Sql = after === null
        ? Prisma.empty
        : Prisma.sql`WHERE c.updated_at >= ${after.updatedAt} AND (c.updated_at, c.device_id) > (${after.updatedAt}::timestamptz, ${after.deviceId}::text)`;
      const [page] = await tx.$queryRaw<{ read: number; inserted: number; last_at: Date | null; last_id: string | null; zones: string[] }[]>`
        WITH page AS MATERIALIZED (
          SELECT c.device_id, c.firmware_version, c.time_zone, c.updated_at FROM (${spec.candidates}) c ${keyset}
           ORDER BY c.updated_at, c.device_id
           LIMIT ${pageSize}
        ), last AS (
          SELECT p.updated_at, p.device_id FROM page p ORDER BY p.updated_at DESC, p.device_id DESC LIMIT 1
        ), inserted AS (
          INSERT INTO ota.device_updates AS u (
            organization_id, update_id, device_id, campaign_id, campaign_stage, kind, firmware_id, from_version, to_version,
            status, current_phase, priority, max_retries, timeout_minutes, force, download_size, created_by, activation,
            time_zone, not_before, updated_at)
          SELECT ${spec.organizationId}, replace(gen_random_uuid()::text, '-', ''), p.device_id, ${spec.campaignId}, ${spec.stage}::smallint,
                 ${spec.kind}, ${spec.firmwareId}, p.firmware_version, ${spec.toVersion}, 'created', 'created', ${spec.priority},
                 ${spec.maxRetries}, ${spec.timeoutMinutes}, false, ${spec.downloadSize}, ${spec.createdBy}, ${spec.activation},
                 ${rowTimeZone(Prisma.sql`p.time_zone`, spec.defaultTimeZone)},
                 -- Cut to the column's milliseconds (it would round up half the time): due in this very tick.
                 date_trunc('milliseconds', now()), now()
            FROM page p
           ORDER BY p.device_id
          ON CONFLICT DO NOTHING
          RETURNING u.time_zone
        )
        SELECT (SELECT count(*)::int FROM page) AS read, (SELECT count(*)::int FROM inserted) AS inserted,
               (SELECT updated_at FROM last) AS last_at, (SELECT device_id FROM last) AS last_id,
               (SELECT coalesce(array_agg(DISTINCT time_zone), '{}') FROM inserted) AS zones`;
      inserted += page.inserted;
      for (const zone of page.zones) zones.add(zone);
      if (page.read < pageSize) return { inserted, timeZones: [...zones], stoppedAt: null };
      after = { updatedAt: page.last_at!, deviceId: page.last_id! };
      if (inserted >= spec.limit) return { inserted, timeZones: [...zones], stoppedAt: after.updatedAt };
    }
  }

  /** Ids of the devices whose campaign update failed (timeouts included), by id. */
  async failedDeviceIds(campaign: CampaignKey, tx: TransactionClient = this.prisma): Promise<string[]> {
    const [row] = await tx.$queryRaw<{ ids: string[] }[]>`
      SELECT coalesce(array_agg(u.device_id ORDER BY u.device_id), '{}') AS ids FROM ota.device_updates u
       WHERE u.organization_id = ${campaign.organizationId} AND u.campaign_id = ${campaign.campaignId}
         AND u.kind = 'update' AND u.status = 'failed'`;
    return row.ids;
  }

  /** How many devices of a selection (a query with `device_id`) have a released, unfinished update now. */
  async countBusy(organizationId: string, selection: Prisma.Sql): Promise<number> {
    const [row] = await this.prisma.$queryRaw<{ busy: number }[]>`
      SELECT count(*)::int AS busy FROM (${selection}) s
       WHERE EXISTS (SELECT 1 FROM ota.device_updates a
                      WHERE a.organization_id = ${organizationId} AND a.device_id = s.device_id AND a.status IN (${RELEASED}))`;
    return row.busy;
  }

  /** The distinct zones rows for a selection (a query with `time_zone`) would get, at most `limit`. */
  async selectionTimeZones(selection: Prisma.Sql, defaultTimeZone: string | null, limit: number): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<{ zone: string }[]>`
      SELECT DISTINCT ${rowTimeZone(Prisma.sql`s.time_zone`, defaultTimeZone)} AS zone FROM (${selection}) s LIMIT ${limit}`;
    return rows.map((row) => row.zone);
  }

  /**
   * The median seconds from a device starting its update to completing it, over at most
   * `perCampaign` completed update rows of each of `campaignIds` (a bounded sample, read on the
   * campaign index); null when none completed.
   */
  async medianCompletedSeconds(organizationId: string, campaignIds: string[], perCampaign: number): Promise<number | null> {
    if (campaignIds.length === 0) return null;
    const [row] = await this.prisma.$queryRaw<{ median: number | null }[]>`
      SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x.seconds) AS median
        FROM unnest(${campaignIds}::text[]) AS c(campaign_id)
        CROSS JOIN LATERAL (
          SELECT extract(epoch FROM u.completed_at - u.started_at)::float8 AS seconds FROM ota.device_updates u
           WHERE u.organization_id = ${organizationId} AND u.campaign_id = c.campaign_id AND u.status = 'completed'
             AND u.kind = 'update' AND u.started_at IS NOT NULL AND u.completed_at IS NOT NULL
           LIMIT ${perCampaign}) x`;
    return row.median === null ? null : Number(row.median);
  }

  /** The distinct `time_zone` of the campaign's update rows: one pass over its rows, at its start. */
  async timeZones(campaign: CampaignKey, tx: TransactionClient): Promise<string[]> {
    const rows = await tx.$queryRaw<{ time_zone: string }[]>`
      SELECT DISTINCT u.time_zone FROM ota.device_updates u
       WHERE u.organization_id = ${campaign.organizationId} AND u.campaign_id = ${campaign.campaignId} AND u.kind = 'update'
         AND u.time_zone IS NOT NULL
       ORDER BY 1`;
    return rows.map((row) => row.time_zone);
  }

  /**
   * Up to `limit` unreleased rows of one stage whose `not_before` passed, locked, skipping rows
   * another transaction holds; each device with a released, unfinished update is set aside
   * (`waiting_busy`, looked at again after `busyRecheckMs`) and the others are released
   * (`scheduled`, `timeout_at` from now; with `awaitConfirmation`, `awaiting_confirmation` and no
   * timeout until the device consents). Within a maintenance window (`window`) only rows of its
   * open zones are taken, and each keeps the end of its window (`window_ends_at`). A rollback row whose device's campaign update ended
   * without completing (it was made while that update was still installing) has nothing to undo
   * and is cancelled (`moot`). One statement; the rows come back with their state before.
   */
  async releaseStage(
    campaign: CampaignKey & { kind: string; stage: number; awaitConfirmation?: boolean; window?: OpenWindow },
    limit: number,
    busyRecheckMs: number,
    tx: TransactionClient,
  ): Promise<{ released: Changed[]; busy: Changed[]; moot: Changed[] }> {
    const { inWindow, windowEnd } = windowSql(campaign.window);
    // With consent required a released row waits for the device, without a clock (see DeviceConsentService).
    const consent = campaign.awaitConfirmation === true;
    const releasedStatus = consent ? 'awaiting_confirmation' : 'scheduled';
    const rows = await tx.$queryRaw<(ChangedRow & { outcome: 'released' | 'busy' | 'moot' })[]>`
      WITH due AS (
        SELECT u.organization_id, u.update_id, u.device_id, u.status, u.current_phase, u.error_code, u.next_retry_at
          FROM ota.device_updates u
         WHERE u.organization_id = ${campaign.organizationId} AND u.campaign_id = ${campaign.campaignId} AND u.kind = ${campaign.kind}
           AND u.campaign_stage = ${campaign.stage} AND u.status = 'created' AND u.not_before <= now() ${inWindow}
         ORDER BY u.not_before
         LIMIT ${limit}
           FOR UPDATE SKIP LOCKED
      ), moot AS (
        SELECT due.update_id FROM due
         WHERE ${campaign.kind} = 'rollback'
           -- OFFSET 0 keeps both EXISTS subplans probed per row on an index, never an anti or semi join
           -- whose plan, made on statistics from before the rows existed, could rescan a whole side per row.
           AND NOT EXISTS (SELECT 1 FROM ota.device_updates o
                            WHERE o.organization_id = due.organization_id AND o.campaign_id = ${campaign.campaignId} AND o.kind = 'update'
                              AND o.device_id = due.device_id
                              AND (o.status IN ('completed', ${RELEASED}) OR (o.status = 'failed' AND o.error_code = 'health_check'))
                            OFFSET 0)
      ), busy AS (
        SELECT due.update_id FROM due
         WHERE due.update_id NOT IN (SELECT update_id FROM moot)
           AND EXISTS (SELECT 1 FROM ota.device_updates a
                        WHERE a.organization_id = due.organization_id AND a.device_id = due.device_id AND a.status IN (${RELEASED})
                        OFFSET 0)
      ), dropped AS (
        UPDATE ota.device_updates u
           SET status = 'cancelled', current_phase = 'cancelled', completed_at = now(), not_before = NULL, updated_at = now(),
               error_message = 'Nothing to roll back: the campaign''s update of this device did not complete'
          FROM due
         WHERE u.organization_id = due.organization_id AND u.update_id = due.update_id AND due.update_id IN (SELECT update_id FROM moot)
     RETURNING 'moot' AS outcome, ${DEVICE_UPDATE_COLUMNS}, ${BEFORE_COLUMNS}
      ), set_aside AS (
        UPDATE ota.device_updates u
           SET current_phase = 'waiting_busy', not_before = now() + make_interval(secs => ${busyRecheckMs}::float8 / 1000), updated_at = now()
          FROM due
         WHERE u.organization_id = due.organization_id AND u.update_id = due.update_id AND due.update_id IN (SELECT update_id FROM busy)
     RETURNING 'busy' AS outcome, ${DEVICE_UPDATE_COLUMNS}, ${BEFORE_COLUMNS}
      ), released AS (
        UPDATE ota.device_updates u
           SET status = ${releasedStatus}, current_phase = ${releasedStatus}, scheduled_at = now(),
               timeout_at = CASE WHEN ${consent}::boolean THEN NULL ELSE now() + make_interval(mins => u.timeout_minutes) END,
               not_before = NULL, window_ends_at = ${windowEnd}, updated_at = now()
          FROM due
         WHERE u.organization_id = due.organization_id AND u.update_id = due.update_id
           AND due.update_id NOT IN (SELECT update_id FROM busy) AND due.update_id NOT IN (SELECT update_id FROM moot)
     RETURNING 'released' AS outcome, ${DEVICE_UPDATE_COLUMNS}, ${BEFORE_COLUMNS}
      )
      SELECT * FROM dropped UNION ALL SELECT * FROM set_aside UNION ALL SELECT * FROM released`;
    const outcomes = { released: [] as Changed[], busy: [] as Changed[], moot: [] as Changed[] };
    for (const { outcome, ...row } of rows) outcomes[outcome].push(changed(row));
    return outcomes;
  }

  /**
   * Cancels every unreleased row of the campaign (of `kind`), in chunks, without timeline or
   * events: nobody was ever told of them. Returns what was cancelled by stage and former bucket.
   */
  async cancelUnreleased(campaign: CampaignKey, kind: string, tx: TransactionClient): Promise<StageCount[]> {
    const totals = new Map<string, StageCount>();
    for (;;) {
      const rows = await tx.$queryRaw<StageCount[]>`
        WITH due AS (
          SELECT u.organization_id, u.update_id, ${BUCKET_SQL} AS bucket FROM ota.device_updates u
           WHERE u.organization_id = ${campaign.organizationId} AND u.campaign_id = ${campaign.campaignId} AND u.kind = ${kind}
             AND u.status = 'created'
           LIMIT ${BULK_CHUNK}
             FOR UPDATE),
        cancelled AS (
          UPDATE ota.device_updates u
             SET status = 'cancelled', current_phase = 'cancelled', completed_at = now(), not_before = NULL, updated_at = now()
            FROM due
           WHERE u.organization_id = due.organization_id AND u.update_id = due.update_id
       RETURNING u.campaign_stage, due.bucket)
        SELECT campaign_stage::int AS stage, bucket, count(*)::int AS count FROM cancelled GROUP BY 1, 2`;
      if (rows.length === 0) break;
      for (const row of rows) {
        const key = `${row.stage}\u0000${row.bucket}`;
        const sum = totals.get(key);
        if (sum) sum.count += row.count;
        else totals.set(key, { ...row });
      }
    }
    return [...totals.values()];
  }

  /**
   * Up to `limit` of the campaign's released, unfinished rows (`interruptible`: only those a device
   * can still drop, see {@link INTERRUPTIBLE}; `awaiting_confirmation`: only those waiting for
   * consent), locked, waiting for device reports that hold them.
   */
  lockReleased(campaign: CampaignKey, which: ReleasedRows, limit: number, tx: TransactionClient): Promise<DeviceUpdate[]> {
    return tx.$queryRaw<DeviceUpdate[]>`
      SELECT ${DEVICE_UPDATE_COLUMNS} FROM ota.device_updates u
       WHERE u.organization_id = ${campaign.organizationId} AND u.campaign_id = ${campaign.campaignId} AND u.status IN (${RELEASED})
         ${which === 'interruptible' ? Prisma.sql`AND ${INTERRUPTIBLE}` : which === 'awaiting_confirmation' ? Prisma.sql`AND u.status = 'awaiting_confirmation'` : Prisma.empty}
       ORDER BY u.organization_id, u.update_id
       LIMIT ${limit}
         FOR UPDATE`;
  }

  /**
   * A rollback row (unreleased, stage 0) for every device the campaign completed, or whose update
   * is past the point where the device could stop (installing, rebooting, switched: the row waits
   * for it to end, see {@link releaseStage}), back to the version it ran before: the firmware of
   * `deviceModel` with exactly that version. A device
   * whose old image is gone (or that reported no version) gets a failed row,
   * `rollback/firmware_missing`. Reads the firmware table of the firmware module, as one join,
   * so a million devices never pass through Node. Returns the rows by bucket.
   */
  async insertRollbacks(
    campaign: RollbackRowsSpec,
    tx: TransactionClient,
  ): Promise<StageCount[]> {
    return tx.$queryRaw<StageCount[]>`
      WITH done AS (
        SELECT u.device_id, u.from_version, u.to_version FROM ota.device_updates u
         WHERE u.organization_id = ${campaign.organizationId} AND u.campaign_id = ${campaign.campaignId}
           AND u.kind = 'update' AND ${PAST_RETURN}
      ), targets AS (
        SELECT d.device_id, d.from_version, d.to_version, f.firmware_id, f.file_size
          FROM done d
          LEFT JOIN ota.firmware f ON f.organization_id = ${campaign.organizationId} AND f.device_model = ${campaign.deviceModel}
                                  AND f.version = d.from_version
      ), inserted AS (
        INSERT INTO ota.device_updates AS u (
          organization_id, update_id, device_id, campaign_id, campaign_stage, kind, firmware_id, from_version, to_version,
          status, current_phase, priority, max_retries, timeout_minutes, force, download_size, created_by, not_before,
          error_code, error_message, completed_at, updated_at)
        SELECT ${campaign.organizationId}, replace(gen_random_uuid()::text, '-', ''), t.device_id, ${campaign.campaignId}, 0, 'rollback',
               coalesce(t.firmware_id, ${campaign.firmwareId}), t.to_version, coalesce(t.from_version, '(unknown)'),
               CASE WHEN t.firmware_id IS NULL THEN 'failed' ELSE 'created' END,
               CASE WHEN t.firmware_id IS NULL THEN 'failed' ELSE 'created' END,
               ${campaign.priority}, 0, ${campaign.timeoutMinutes}, true, t.file_size, ${campaign.createdBy},
               CASE WHEN t.firmware_id IS NULL THEN NULL ELSE now() END,
               CASE WHEN t.firmware_id IS NULL THEN 'rollback/firmware_missing' END,
               CASE WHEN t.firmware_id IS NULL
                    THEN 'No firmware ' || coalesce(t.from_version, '(no version reported)') || ' for model ' || ${campaign.deviceModel} || ' to roll back to' END,
               CASE WHEN t.firmware_id IS NULL THEN now() END,
               now()
          FROM targets t
        ON CONFLICT DO NOTHING
        RETURNING u.status
      )
      SELECT 0 AS stage, status AS bucket, count(*)::int AS count FROM inserted GROUP BY status`;
  }

  /**
   * Blue-green's switch for up to `limit` staged rows of the campaign: `activation` becomes
   * `now` and the timeout starts again (a staged row waits without one). Rows come back as
   * they are now.
   */
  activate(campaign: CampaignKey, limit: number, tx: TransactionClient): Promise<DeviceUpdate[]> {
    return tx.$queryRaw<DeviceUpdate[]>`
      WITH due AS (
        SELECT organization_id, update_id FROM ota.device_updates
         WHERE organization_id = ${campaign.organizationId} AND campaign_id = ${campaign.campaignId}
           AND status = 'awaiting_activation' AND activation = 'deferred'
         LIMIT ${limit}
           FOR UPDATE SKIP LOCKED)
      UPDATE ota.device_updates u
         SET activation = 'now', timeout_at = now() + make_interval(mins => u.timeout_minutes), updated_at = now()
        FROM due
       WHERE u.organization_id = due.organization_id AND u.update_id = due.update_id
   RETURNING ${DEVICE_UPDATE_COLUMNS}`;
  }

  /** A page of the campaign's rows, by device id, and how many match. */
  async page(campaign: CampaignKey, filters: CampaignDeviceFilters, limit: number, offset: number): Promise<{ items: CampaignDeviceRow[]; total: number }> {
    const conditions = [Prisma.sql`u.organization_id = ${campaign.organizationId}`, Prisma.sql`u.campaign_id = ${campaign.campaignId}`];
    if (filters.status !== undefined) conditions.push(Prisma.sql`u.status = ${filters.status}`);
    if (filters.stage !== undefined) conditions.push(Prisma.sql`u.campaign_stage = ${filters.stage}`);
    if (filters.kind !== undefined) conditions.push(Prisma.sql`u.kind = ${filters.kind}`);
    const where = Prisma.join(conditions, ' AND ');
    const [items, [{ total }]] = await Promise.all([
      this.prisma.$queryRaw<CampaignDeviceRow[]>`
        SELECT u.device_id AS "deviceId", u.campaign_stage::int AS stage, u.status, u.current_phase AS "currentPhase",
               u.update_id AS "updateId", u.kind, u.from_version AS "fromVersion", u.to_version AS "toVersion",
               u.error_code AS "errorCode", u.updated_at AS "updatedAt"
          FROM ota.device_updates u WHERE ${where}
         ORDER BY u.device_id COLLATE "C", u.kind DESC
         LIMIT ${limit} OFFSET ${offset}`,
      this.prisma.$queryRaw<{ total: number }[]>`SELECT count(*)::int AS total FROM ota.device_updates u WHERE ${where}`,
    ]);
    return { items, total };
  }
}

/**
 * The release's window as SQL: the condition on the rows of `u` it may take, and the end each
 * released row records. The open zones are one array parameter (computed in Node from the
 * campaign's few distinct zones), never a condition per device.
 */
function windowSql(window: OpenWindow | undefined): { inWindow: Prisma.Sql; windowEnd: Prisma.Sql } {
  if (window === undefined) return { inWindow: Prisma.empty, windowEnd: Prisma.sql`NULL` };
  if ('endsAt' in window) return { inWindow: Prisma.empty, windowEnd: Prisma.sql`${window.endsAt}::timestamptz` };
  // Each row's end is a key lookup in one JSON object (jsonb keeps keys sorted: a binary search),
  // not a scan of the zones per row.
  const endByZone = JSON.stringify(Object.fromEntries(window.zones.map((zone, i) => [zone, window.ends[i].toISOString()])));
  return {
    inWindow: Prisma.sql`AND u.time_zone = ANY(${window.zones}::text[])`,
    windowEnd: Prisma.sql`(${endByZone}::jsonb ->> u.time_zone::text)::timestamptz`,
  };
}
