import { Injectable } from '@nestjs/common';
import { PrismaService, type TransactionClient } from '../../database/prisma.service';
import { inSequentialChunks } from '../../database/sequential-chunks';
import { preparedAs } from '../../database/prepared-statements';
import type { WriteStep } from '../../database/write-steps';
import { type DeviceUpdate, type DeviceUpdateEvent, Prisma } from '../../generated/prisma/client';
import { ACTIVE_STATUSES, RELEASED_STATUSES } from './domain/update-state';

export interface NewTimelineEvent {
  organizationId: string;
  updateId: string;
  status: string;
  progress: number | null;
  source: string;
  detail?: string | null;
}

/** What a device's check-in needs of its released, unfinished update and the firmware to install. */
export interface CheckInUpdateRow {
  updateId: string;
  kind: string;
  status: string;
  firmwareId: string;
  toVersion: string;
  retryCount: number;
  force: boolean;
  timeoutAt: Date | null;
  /** `immediate`; blue-green: `deferred` (stage only), then `now`. */
  activation: string;
  /** End of the maintenance window it was released in; null when unrestricted. */
  windowEndsAt: Date | null;
  updateType: string;
  fileSize: bigint;
  fileName: string;
  storageKey: string;
  checksumSha256: string;
  checksumMd5: string;
  signature: string | null;
  signingKeyId: string | null;
}

/** A new update as the service builds it; the database fills in the rest (counters, created_at). */
export interface NewDeviceUpdate {
  organizationId: string;
  updateId: string;
  deviceId: string;
  kind: 'update' | 'rollback';
  firmwareId: string;
  fromVersion: string | null;
  toVersion: string;
  status: string;
  currentPhase: string;
  priority: string;
  progressPercentage: number;
  maxRetries: number;
  timeoutMinutes: number;
  maintenanceWindow: Record<string, unknown> | null;
  preUpdateCommands: string[];
  postUpdateCommands: string[];
  force: boolean;
  downloadSize: bigint;
  createdBy: string;
  /** Null while the update waits for its maintenance window (`created`). */
  scheduledAt: Date | null;
  startedAt: Date | null;
  completedAt: Date | null;
  timeoutAt: Date | null;
  /** A waiting update's next window opening. */
  notBefore: Date | null;
  /** End of the maintenance window it is released in; null when unrestricted. */
  windowEndsAt: Date | null;
}

export interface DeviceKey {
  organizationId: string;
  deviceId: string;
}

export interface HistoryCounts {
  total: number;
  completed: number;
  failed: number;
}

/** An update locked for device reports, whether its firmware is signed, and its campaign's health window. */
export interface LockedForReport {
  row: DeviceUpdate;
  firmwareSigned: boolean;
  /** Minutes the device has to confirm it runs the image once completed; 0 for none (or no campaign). */
  healthWindowMinutes: number;
}

export interface CampaignKey {
  organizationId: string;
  campaignId: string;
}

/** An update a statement changed, and the state fields it had before (the rest did not move). */
export interface Changed {
  before: DeviceUpdate;
  after: DeviceUpdate;
}

export type ChangedRow = DeviceUpdate & { beforeStatus: string; beforePhase: string | null; beforeErrorCode: string | null; beforeNextRetryAt: Date | null };

/** Literals, not parameters, so the planner can match the partial indexes written with them. */
export const ACTIVE = Prisma.raw(ACTIVE_STATUSES.map((status) => `'${status}'`).join(', '));
export const RELEASED = Prisma.raw(RELEASED_STATUSES.map((status) => `'${status}'`).join(', '));

/** Every column of `device_updates u` under its Prisma field name: raw reads that return `DeviceUpdate`. */
export const DEVICE_UPDATE_COLUMNS = Prisma.raw(
  [
    'u.organization_id AS "organizationId"',
    'u.update_id AS "updateId"',
    'u.device_id AS "deviceId"',
    'u.campaign_id AS "campaignId"',
    'u.kind',
    'u.firmware_id AS "firmwareId"',
    'u.from_version AS "fromVersion"',
    'u.to_version AS "toVersion"',
    'u.status',
    'u.priority',
    'u.progress_percentage AS "progressPercentage"',
    'u.current_phase AS "currentPhase"',
    'u.error_code AS "errorCode"',
    'u.error_message AS "errorMessage"',
    'u.retry_count AS "retryCount"',
    'u.max_retries AS "maxRetries"',
    'u.timeout_minutes AS "timeoutMinutes"',
    'u.maintenance_window AS "maintenanceWindow"',
    'u.pre_update_commands AS "preUpdateCommands"',
    'u.post_update_commands AS "postUpdateCommands"',
    'u.force',
    'u.download_size AS "downloadSize"',
    'u.bytes_downloaded AS "bytesDownloaded"',
    'u.download_speed AS "downloadSpeed"',
    'u.signature_verified AS "signatureVerified"',
    'u.checksum_verified AS "checksumVerified"',
    'u.created_by AS "createdBy"',
    'u.scheduled_at AS "scheduledAt"',
    'u.started_at AS "startedAt"',
    'u.completed_at AS "completedAt"',
    'u.timeout_at AS "timeoutAt"',
    'u.next_retry_at AS "nextRetryAt"',
    'u.progress_written_at AS "progressWrittenAt"',
    'u.campaign_stage AS "campaignStage"',
    'u.activation',
    'u.not_before AS "notBefore"',
    'u.time_zone AS "timeZone"',
    'u.window_ends_at AS "windowEndsAt"',
    'u.health_deadline AS "healthDeadline"',
    'u.health_confirmed_at AS "healthConfirmedAt"',
    'u.created_at AS "createdAt"',
    'u.updated_at AS "updatedAt"',
  ].join(', '),
);

/**
 * The state fields of a changed row as they were, read from the statement's `due` CTE (which
 * must select them): what {@link Changed} needs to report a transition.
 */
export const BEFORE_COLUMNS = Prisma.raw(
  'due.status AS "beforeStatus", due.current_phase AS "beforePhase", ' +
    'due.error_code AS "beforeErrorCode", due.next_retry_at AS "beforeNextRetryAt"',
);

export function changed({ beforeStatus, beforePhase, beforeErrorCode, beforeNextRetryAt, ...after }: ChangedRow): Changed {
  return { before: { ...after, status: beforeStatus, currentPhase: beforePhase, errorCode: beforeErrorCode, nextRetryAt: beforeNextRetryAt }, after };
}

@Injectable()
export class UpdatesRepository {
  constructor(private readonly prisma: PrismaService) {}

  findById(organizationId: string, updateId: string, tx: TransactionClient = this.prisma): Promise<DeviceUpdate | null> {
    return tx.deviceUpdate.findUnique({ where: { organizationId_updateId: { organizationId, updateId } } });
  }

  /** The row, locked until the transaction ends: the one way to change an update's status. */
  async lock(organizationId: string, updateId: string, tx: TransactionClient): Promise<DeviceUpdate | null> {
    const [row] = await tx.$queryRaw<DeviceUpdate[]>`
      SELECT ${DEVICE_UPDATE_COLUMNS} FROM ota.device_updates u
      WHERE u.organization_id = ${organizationId} AND u.update_id = ${updateId} FOR UPDATE`;
    return row ?? null;
  }

  /**
   * The released, unfinished updates of these devices (at most one per device), and their updates
   * outside campaigns waiting for a maintenance window, locked: what a new update of the device
   * conflicts with.
   */
  async lockReleasedByDevices(organizationId: string, deviceIds: string[], tx: TransactionClient): Promise<DeviceUpdate[]> {
    if (deviceIds.length === 0) return [];
    return tx.$queryRaw<DeviceUpdate[]>`
      SELECT ${DEVICE_UPDATE_COLUMNS} FROM ota.device_updates u
      WHERE u.organization_id = ${organizationId} AND u.device_id = ANY(${deviceIds}::text[])
        AND (u.status IN (${RELEASED}) OR (u.status = 'created' AND u.campaign_id IS NULL))
      FOR UPDATE`;
  }

  /** Every unfinished update of these devices, released or waiting in a campaign, locked. */
  async lockUnfinishedByDevices(organizationId: string, deviceIds: string[], tx: TransactionClient): Promise<DeviceUpdate[]> {
    if (deviceIds.length === 0) return [];
    return tx.$queryRaw<DeviceUpdate[]>`
      SELECT ${DEVICE_UPDATE_COLUMNS} FROM ota.device_updates u
      WHERE u.organization_id = ${organizationId} AND u.device_id = ANY(${deviceIds}::text[]) AND u.status IN (${ACTIVE})
      FOR UPDATE`;
  }

  /**
   * The released, unfinished update (joined with its firmware) of each of these devices, in their
   * order, null where there is none: the one read of a batch of check-ins. The status list is the
   * predicate of the partial unique index `device_updates_one_active_per_device` written as
   * literals, so each device is a single index probe. Prepared (see `preparedAs`): its text is the
   * same for every batch, and planning it anew was most of its cost.
   */
  async findReleasedForCheckIn(devices: readonly DeviceKey[]): Promise<(CheckInUpdateRow | null)[]> {
    const rows = await this.prisma.$queryRaw<(CheckInUpdateRow & { position: bigint })[]>(preparedAs('check_in_read', Prisma.sql`
      SELECT k.position, u.update_id AS "updateId", u.kind, u.status, u.firmware_id AS "firmwareId", u.to_version AS "toVersion",
             u.retry_count AS "retryCount", u.force, u.timeout_at AS "timeoutAt", u.activation, u.window_ends_at AS "windowEndsAt", f.update_type AS "updateType",
             f.file_size AS "fileSize", f.file_name AS "fileName", f.storage_key AS "storageKey",
             f.checksum_sha256 AS "checksumSha256", f.checksum_md5 AS "checksumMd5", f.signature, f.signing_key_id AS "signingKeyId"
        FROM ROWS FROM (json_to_recordset(${JSON.stringify(devices.map((key) => ({ organization_id: key.organizationId, device_id: key.deviceId })))}::json)
               AS (organization_id text, device_id text))
             WITH ORDINALITY AS k(organization_id, device_id, position)
        JOIN ota.device_updates u ON u.organization_id = k.organization_id AND u.device_id = k.device_id
        JOIN ota.firmware f ON f.organization_id = u.organization_id AND f.firmware_id = u.firmware_id
       WHERE u.status IN (${RELEASED})`));
    const answers = new Array<CheckInUpdateRow | null>(devices.length).fill(null);
    for (const { position, ...row } of rows) answers[Number(position) - 1] = row;
    return answers;
  }

  /** The update by its id alone (unique across organizations), or null. */
  findByUpdateId(updateId: string): Promise<DeviceUpdate | null> {
    return this.prisma.deviceUpdate.findUnique({ where: { updateId } });
  }

  /** Released, unfinished updates by status, across organizations (the in-flight gauge). */
  async countReleasedByStatus(): Promise<{ status: string; count: number }[]> {
    return this.prisma.$queryRaw<{ status: string; count: number }[]>`
      SELECT status, count(*)::int AS count FROM ota.device_updates WHERE status IN (${RELEASED}) GROUP BY status`;
  }

  /**
   * Inserts the updates, 500 per statement (`ROWS_PER_STATEMENT`); a row that would give a device
   * a second unfinished update (a race with another request) is skipped, not an error, and simply
   * missing from the answer. Raw rather than `createManyAndReturn`: Prisma's query compiler took
   * about 150 ms of CPU per 500 rows, most of a bulk request of 10 000 devices.
   */
  insertMany(rows: NewDeviceUpdate[], tx: TransactionClient): Promise<DeviceUpdate[]> {
    return inSequentialChunks(rows, (chunk) => tx.$queryRaw<DeviceUpdate[]>`
      INSERT INTO ota.device_updates AS u (
        organization_id, update_id, device_id, kind, firmware_id, from_version, to_version, status, current_phase, priority,
        progress_percentage, max_retries, timeout_minutes, maintenance_window, pre_update_commands, post_update_commands, force,
        download_size, created_by, scheduled_at, started_at, completed_at, timeout_at, not_before, window_ends_at, updated_at)
      SELECT v.organization_id, v.update_id, v.device_id, v.kind, v.firmware_id, v.from_version, v.to_version, v.status, v.current_phase,
             v.priority, v.progress_percentage, v.max_retries, v.timeout_minutes, v.maintenance_window, v.pre_update_commands,
             v.post_update_commands, v.force, v.download_size, v.created_by, v.scheduled_at, v.started_at, v.completed_at, v.timeout_at,
             v.not_before, v.window_ends_at, now()
        FROM json_to_recordset(${newUpdateRecords(chunk)}::json) AS v(
               organization_id text, update_id text, device_id text, kind text, firmware_id text, from_version text, to_version text,
               status text, current_phase text, priority text, progress_percentage int, max_retries int, timeout_minutes int,
               maintenance_window jsonb, pre_update_commands text[], post_update_commands text[], force boolean, download_size bigint,
               created_by text, scheduled_at timestamptz, started_at timestamptz, completed_at timestamptz, timeout_at timestamptz,
               not_before timestamptz, window_ends_at timestamptz)
      ON CONFLICT DO NOTHING
      RETURNING ${DEVICE_UPDATE_COLUMNS}`);
  }

  /** Sets the same fields on many updates in one statement. */
  updateMany(organizationId: string, updateIds: string[], data: Prisma.DeviceUpdateUncheckedUpdateManyInput, tx: TransactionClient): Promise<DeviceUpdate[]> {
    if (updateIds.length === 0) return Promise.resolve([]);
    return tx.deviceUpdate.updateManyAndReturn({ where: { organizationId, updateId: { in: updateIds } }, data });
  }

  /** Cancels these updates (locked by the caller), 500 per statement. */
  cancelMany(organizationId: string, updateIds: string[], tx: TransactionClient): Promise<DeviceUpdate[]> {
    return inSequentialChunks(updateIds, (chunk) => tx.$queryRaw<DeviceUpdate[]>`
      UPDATE ota.device_updates u
         SET status = 'cancelled', current_phase = 'cancelled', completed_at = now(), next_retry_at = NULL, not_before = NULL, updated_at = now()
       WHERE u.organization_id = ${organizationId} AND u.update_id = ANY(${chunk}::char(32)[])
   RETURNING ${DEVICE_UPDATE_COLUMNS}`);
  }

  /**
   * The updates with these keys (unknown ones are missing from the answer), locked until the
   * transaction ends, each with whether its firmware is signed (false when deleted since): the
   * one read of a batch of device reports. Locks are taken in key order, so two transactions
   * locking overlapping sets (two replicas' batches) wait for each other, never deadlock. The
   * firmware flag is joined here, as in {@link findReleasedForCheckIn}, to spare the batch a round trip.
   */
  async lockForReports(keys: { organizationId: string; updateId: string }[], tx: TransactionClient): Promise<LockedForReport[]> {
    if (keys.length === 0) return [];
    const rows = await tx.$queryRaw<(DeviceUpdate & { firmwareSigned: boolean; healthWindowMinutes: number })[]>`
      SELECT ${DEVICE_UPDATE_COLUMNS}, f.signature IS NOT NULL AS "firmwareSigned",
             coalesce(c.health_check_window_minutes, 0) AS "healthWindowMinutes"
        FROM ota.device_updates u
        LEFT JOIN ota.firmware f ON f.organization_id = u.organization_id AND f.firmware_id = u.firmware_id
        LEFT JOIN ota.campaigns c ON c.organization_id = u.organization_id AND c.campaign_id = u.campaign_id
       WHERE (u.organization_id, u.update_id) IN (
         SELECT * FROM unnest(${keys.map((key) => key.organizationId)}::text[], ${keys.map((key) => key.updateId)}::char(32)[]))
       ORDER BY u.organization_id, u.update_id
         FOR UPDATE OF u`;
    return rows.map(({ firmwareSigned, healthWindowMinutes, ...row }) => ({ row, firmwareSigned, healthWindowMinutes }));
  }

  /**
   * The write steps for what device reports change in locked updates (state, progress, times,
   * verification, error, retry time, timeout) and for their timeline rows.
   */
  reportedSteps(rows: DeviceUpdate[], timeline: NewTimelineEvent[]): WriteStep[] {
    const steps: WriteStep[] = [];
    if (rows.length > 0) steps.push({ name: 'device_updates_reported', sql: updateReportedSql(rows) });
    return [...steps, ...this.timelineSteps(timeline)];
  }

  /** The write step appending timeline rows, in list order; none for none. */
  timelineSteps(events: NewTimelineEvent[]): WriteStep[] {
    return events.length === 0 ? [] : [{ name: 'device_update_events_added', sql: insertEventsSql(events) }];
  }

  /**
   * Failed updates stop waiting for an automatic retry and fail for good: these devices' (a newer
   * update supersedes them), or a campaign's (nothing of it goes out again).
   */
  async clearPendingRetries(scope: { organizationId: string; deviceIds: string[] } | CampaignKey, tx: TransactionClient): Promise<Changed[]> {
    if ('deviceIds' in scope && scope.deviceIds.length === 0) return [];
    const where =
      'campaignId' in scope
        ? Prisma.sql`organization_id = ${scope.organizationId} AND campaign_id = ${scope.campaignId}`
        : Prisma.sql`organization_id = ${scope.organizationId} AND device_id = ANY(${scope.deviceIds}::text[])`;
    const rows = await tx.$queryRaw<ChangedRow[]>`
      WITH due AS (
        SELECT organization_id, update_id, status, current_phase, error_code, next_retry_at FROM ota.device_updates
         WHERE ${where} AND status = 'failed' AND next_retry_at IS NOT NULL
         FOR UPDATE)
      UPDATE ota.device_updates u SET next_retry_at = NULL, updated_at = now()
        FROM due
       WHERE u.organization_id = due.organization_id AND u.update_id = due.update_id
   RETURNING ${DEVICE_UPDATE_COLUMNS}, ${BEFORE_COLUMNS}`;
    return rows.map(changed);
  }

  /** Appends timeline rows in one statement; their ids (the timeline's order) follow the list. */
  async addEvents(events: NewTimelineEvent[], tx: TransactionClient): Promise<void> {
    if (events.length === 0) return;
    await tx.$executeRaw(insertEventsSql(events));
  }

  timeline(organizationId: string, updateId: string, tx: TransactionClient = this.prisma): Promise<DeviceUpdateEvent[]> {
    return tx.deviceUpdateEvent.findMany({ where: { organizationId, updateId }, orderBy: { id: 'asc' } });
  }

  /** The device's newest `limit` updates. */
  latestByDevice(organizationId: string, deviceId: string, limit: number): Promise<DeviceUpdate[]> {
    return this.prisma.deviceUpdate.findMany({
      where: { organizationId, deviceId },
      orderBy: [{ createdAt: 'desc' }, { updateId: 'asc' }],
      take: limit,
    });
  }

  async countsByDevice(organizationId: string, deviceId: string): Promise<HistoryCounts> {
    const [row] = await this.prisma.$queryRaw<HistoryCounts[]>`
      SELECT count(*)::int AS total,
             count(*) FILTER (WHERE status = 'completed')::int AS completed,
             count(*) FILTER (WHERE status = 'failed')::int AS failed
        FROM ota.device_updates WHERE organization_id = ${organizationId} AND device_id = ${deviceId}`;
    return row;
  }

  countActiveByFirmware(organizationId: string, firmwareId: string, tx: TransactionClient): Promise<number> {
    return tx.deviceUpdate.count({ where: { organizationId, firmwareId, status: { in: [...ACTIVE_STATUSES] } } });
  }

  /**
   * Fails up to `limit` released updates past their `timeout_at`, in one statement, skipping
   * rows another replica holds. `retryDelaysMs[n]` is the delay before automatic retry n+1; a
   * row with retries left gets `next_retry_at`. Each row comes with the status it timed out in.
   */
  async failTimedOut(limit: number, retryDelaysMs: number[], tx: TransactionClient): Promise<Changed[]> {
    const cap = retryDelaysMs[retryDelaysMs.length - 1];
    const rows = await tx.$queryRaw<ChangedRow[]>`
      WITH due AS (
        SELECT organization_id, update_id, status, current_phase, error_code, next_retry_at FROM ota.device_updates
         WHERE timeout_at <= now() AND timeout_at IS NOT NULL AND status IN (${RELEASED})
         ORDER BY timeout_at LIMIT ${limit}
         FOR UPDATE SKIP LOCKED)
      UPDATE ota.device_updates u
         SET status = 'failed', current_phase = 'failed', error_code = 'TIMEOUT',
             error_message = 'Not finished within ' || u.timeout_minutes || ' minutes of its release',
             completed_at = now(), updated_at = now(),
             next_retry_at = CASE WHEN u.retry_count < u.max_retries
               THEN now() + make_interval(secs => COALESCE((${retryDelaysMs}::float8[])[u.retry_count + 1], ${cap}::float8) / 1000)
               END
        FROM due
       WHERE u.organization_id = due.organization_id AND u.update_id = due.update_id
   RETURNING ${DEVICE_UPDATE_COLUMNS}, ${BEFORE_COLUMNS}`;
    return rows.map(changed);
  }

  /**
   * Releases up to `limit` failed updates whose automatic retry is due, in one statement,
   * skipping rows another replica holds: outside campaigns, or of one campaign (whose rollout
   * decides when its rows may go). A device that got another unfinished update meanwhile keeps
   * it: its due retry is dropped instead (`next_retry_at` cleared, failed for good).
   */
  async releaseDueRetries(limit: number, tx: TransactionClient, campaign: CampaignKey | null = null): Promise<{ released: Changed[]; dropped: Changed[] }> {
    const scope = campaign
      ? Prisma.sql`u.organization_id = ${campaign.organizationId} AND u.campaign_id = ${campaign.campaignId}`
      : Prisma.sql`u.campaign_id IS NULL`;
    const dropped = await tx.$queryRaw<ChangedRow[]>`
      WITH due AS (
        SELECT u.organization_id, u.update_id, u.status, u.current_phase, u.error_code, u.next_retry_at FROM ota.device_updates u
         WHERE ${scope} AND u.status = 'failed' AND u.next_retry_at IS NOT NULL AND u.next_retry_at <= now()
           AND EXISTS (SELECT 1 FROM ota.device_updates a
                        WHERE a.organization_id = u.organization_id AND a.device_id = u.device_id AND a.status IN (${RELEASED}))
         LIMIT ${limit}
         FOR UPDATE OF u SKIP LOCKED)
      UPDATE ota.device_updates u SET next_retry_at = NULL, updated_at = now()
        FROM due
       WHERE u.organization_id = due.organization_id AND u.update_id = due.update_id
   RETURNING ${DEVICE_UPDATE_COLUMNS}, ${BEFORE_COLUMNS}`;
    const released = await tx.$queryRaw<ChangedRow[]>`
      WITH due AS (
        SELECT u.organization_id, u.update_id, u.status, u.current_phase, u.error_code, u.next_retry_at FROM ota.device_updates u
         WHERE ${scope} AND u.status = 'failed' AND u.next_retry_at IS NOT NULL AND u.next_retry_at <= now()
         ORDER BY u.next_retry_at LIMIT ${limit}
         FOR UPDATE SKIP LOCKED)
      UPDATE ota.device_updates u
         SET status = 'scheduled', current_phase = 'scheduled', retry_count = u.retry_count + 1,
             scheduled_at = now(), timeout_at = now() + make_interval(mins => u.timeout_minutes),
             next_retry_at = NULL, error_code = NULL, error_message = NULL, started_at = NULL, completed_at = NULL,
             progress_percentage = 0, bytes_downloaded = 0, download_speed = NULL, progress_written_at = NULL,
             checksum_verified = false, signature_verified = false, updated_at = now()
        FROM due
       WHERE u.organization_id = due.organization_id AND u.update_id = due.update_id
   RETURNING ${DEVICE_UPDATE_COLUMNS}, ${BEFORE_COLUMNS}`;
    return { released: released.map(changed), dropped: dropped.map(changed) };
  }

  /**
   * Up to `limit` updates outside campaigns waiting for their maintenance window whose
   * `not_before` (the window's opening) passed, locked, skipping rows another replica holds and
   * devices busy with a released update (they wait on). The organizations with waiting rows are
   * found by a loose scan of the partial index of `created` rows, one probe per organization, and
   * each organization's due rows by a probe of the same index (`campaign_id IS NULL`): the cost
   * grows with the organizations and the rows due, not with the campaigns' waiting rows.
   */
  lockDueWindowed(limit: number, tx: TransactionClient): Promise<DeviceUpdate[]> {
    return tx.$queryRaw<DeviceUpdate[]>`
      WITH RECURSIVE orgs(organization_id) AS (
        (SELECT organization_id FROM ota.device_updates WHERE status = 'created' ORDER BY organization_id LIMIT 1)
        UNION ALL
        SELECT (SELECT d.organization_id FROM ota.device_updates d
                 WHERE d.status = 'created' AND d.organization_id > orgs.organization_id ORDER BY d.organization_id LIMIT 1)
          FROM orgs WHERE orgs.organization_id IS NOT NULL
      ), due AS (
        SELECT w.organization_id, w.update_id FROM orgs CROSS JOIN LATERAL (
          SELECT u.organization_id, u.update_id FROM ota.device_updates u
           WHERE u.organization_id = orgs.organization_id AND u.campaign_id IS NULL AND u.status = 'created' AND u.not_before <= now()
           ORDER BY u.not_before LIMIT ${limit}) w
         LIMIT ${limit}
      )
      SELECT ${DEVICE_UPDATE_COLUMNS} FROM ota.device_updates u
       WHERE (u.organization_id, u.update_id) IN (SELECT organization_id, update_id FROM due) AND u.status = 'created'
         AND NOT EXISTS (SELECT 1 FROM ota.device_updates a
                          WHERE a.organization_id = u.organization_id AND a.device_id = u.device_id AND a.status IN (${RELEASED}))
         FOR UPDATE OF u SKIP LOCKED`;
  }

  /** Releases waiting updates (locked by the caller) in their window, each with its end; the rows come back with their state before. */
  async releaseWindowed(rows: { organizationId: string; updateId: string; windowEndsAt: Date }[], tx: TransactionClient): Promise<Changed[]> {
    if (rows.length === 0) return [];
    const records = JSON.stringify(rows.map((row) => ({ organization_id: row.organizationId, update_id: row.updateId, window_ends_at: row.windowEndsAt })));
    const changedRows = await tx.$queryRaw<ChangedRow[]>`
      WITH due AS (
        SELECT u.organization_id, u.update_id, u.status, u.current_phase, u.error_code, u.next_retry_at, v.window_ends_at
          FROM json_to_recordset(${records}::json) AS v(organization_id text, update_id text, window_ends_at timestamptz)
          JOIN ota.device_updates u ON u.organization_id = v.organization_id AND u.update_id = v.update_id)
      UPDATE ota.device_updates u
         SET status = 'scheduled', current_phase = 'scheduled', scheduled_at = now(), timeout_at = now() + make_interval(mins => u.timeout_minutes),
             not_before = NULL, window_ends_at = due.window_ends_at, updated_at = now()
        FROM due
       WHERE u.organization_id = due.organization_id AND u.update_id = due.update_id
   RETURNING ${DEVICE_UPDATE_COLUMNS}, ${BEFORE_COLUMNS}`;
    return changedRows.map(changed);
  }

  /** Waiting updates (locked by the caller) whose window had already closed again wait for its next opening. */
  async postponeWindowed(rows: { organizationId: string; updateId: string; notBefore: Date }[], tx: TransactionClient): Promise<void> {
    if (rows.length === 0) return;
    const records = JSON.stringify(rows.map((row) => ({ organization_id: row.organizationId, update_id: row.updateId, not_before: row.notBefore })));
    await tx.$executeRaw`
      UPDATE ota.device_updates u SET not_before = v.not_before, updated_at = now()
        FROM json_to_recordset(${records}::json) AS v(organization_id text, update_id text, not_before timestamptz)
       WHERE u.organization_id = v.organization_id AND u.update_id = v.update_id`;
  }

  /**
   * Marks the device's newest completed update to `version` (other than `exceptUpdateId`) as
   * `rolled_back` (a health window it still had closes: the image is gone); returns the change,
   * or null when there is none.
   */
  async markRolledBack(organizationId: string, deviceId: string, version: string, exceptUpdateId: string, tx: TransactionClient): Promise<Changed | null> {
    const [row] = await tx.$queryRaw<(DeviceUpdate & { beforeHealthDeadline: Date | null })[]>`
      WITH due AS (
        SELECT organization_id, update_id, health_deadline FROM ota.device_updates
         WHERE organization_id = ${organizationId} AND device_id = ${deviceId} AND status = 'completed'
           AND to_version = ${version} AND update_id <> ${exceptUpdateId}
         ORDER BY completed_at DESC NULLS LAST, created_at DESC LIMIT 1
           FOR UPDATE)
      UPDATE ota.device_updates u SET status = 'rolled_back', current_phase = 'rolled_back', health_deadline = NULL, updated_at = now()
        FROM due
       WHERE u.organization_id = due.organization_id AND u.update_id = due.update_id
   RETURNING ${DEVICE_UPDATE_COLUMNS}, due.health_deadline AS "beforeHealthDeadline"`;
    if (row === undefined) return null;
    const { beforeHealthDeadline, ...after } = row;
    return { before: { ...after, status: 'completed', currentPhase: 'completed', healthDeadline: beforeHealthDeadline }, after };
  }
}

/** The rows of {@link UpdatesRepository.insertMany} as one JSON array of records. */
function newUpdateRecords(rows: NewDeviceUpdate[]): string {
  return JSON.stringify(
    rows.map((row) => ({
      organization_id: row.organizationId,
      update_id: row.updateId,
      device_id: row.deviceId,
      kind: row.kind,
      firmware_id: row.firmwareId,
      from_version: row.fromVersion,
      to_version: row.toVersion,
      status: row.status,
      current_phase: row.currentPhase,
      priority: row.priority,
      progress_percentage: row.progressPercentage,
      max_retries: row.maxRetries,
      timeout_minutes: row.timeoutMinutes,
      maintenance_window: row.maintenanceWindow,
      pre_update_commands: row.preUpdateCommands,
      post_update_commands: row.postUpdateCommands,
      force: row.force,
      download_size: row.downloadSize.toString(),
      created_by: row.createdBy,
      scheduled_at: row.scheduledAt,
      started_at: row.startedAt,
      completed_at: row.completedAt,
      timeout_at: row.timeoutAt,
      not_before: row.notBefore,
      window_ends_at: row.windowEndsAt,
    })),
  );
}

/** The UPDATE of {@link UpdatesRepository.reportedSteps}: every reported field, from one JSON parameter. */
function updateReportedSql(rows: DeviceUpdate[]): Prisma.Sql {
  const records = JSON.stringify(
    rows.map((row) => ({
      organization_id: row.organizationId,
      update_id: row.updateId,
      status: row.status,
      current_phase: row.currentPhase,
      started_at: row.startedAt,
      completed_at: row.completedAt,
      progress_percentage: row.progressPercentage,
      bytes_downloaded: row.bytesDownloaded.toString(),
      download_speed: row.downloadSpeed,
      progress_written_at: row.progressWrittenAt,
      checksum_verified: row.checksumVerified,
      signature_verified: row.signatureVerified,
      error_code: row.errorCode,
      error_message: row.errorMessage,
      next_retry_at: row.nextRetryAt,
      timeout_at: row.timeoutAt,
      health_deadline: row.healthDeadline,
      updated_at: row.updatedAt,
    })),
  );
  return Prisma.sql`
    UPDATE ota.device_updates u
       SET status = v.status, current_phase = v.current_phase, started_at = v.started_at, completed_at = v.completed_at,
           progress_percentage = v.progress_percentage, bytes_downloaded = v.bytes_downloaded, download_speed = v.download_speed,
           progress_written_at = v.progress_written_at, checksum_verified = v.checksum_verified,
           signature_verified = v.signature_verified, error_code = v.error_code, error_message = v.error_message,
           next_retry_at = v.next_retry_at, timeout_at = v.timeout_at, health_deadline = v.health_deadline, updated_at = v.updated_at
      FROM json_to_recordset(${records}::json) AS v(
             organization_id text, update_id char(32), status text, current_phase text, started_at timestamptz,
             completed_at timestamptz, progress_percentage int, bytes_downloaded bigint, download_speed float8,
             progress_written_at timestamptz, checksum_verified boolean, signature_verified boolean, error_code text,
             error_message text, next_retry_at timestamptz, timeout_at timestamptz, health_deadline timestamptz, updated_at timestamptz)
     WHERE u.organization_id = v.organization_id AND u.update_id = v.update_id`;
}

/**
 * The INSERT of timeline rows, in list order. Raw rather than createMany: Prisma's query compiler
 * costs far more CPU per row than the insert.
 */
function insertEventsSql(events: NewTimelineEvent[]): Prisma.Sql {
  const rows = JSON.stringify(
    events.map((event) => ({
      organization_id: event.organizationId,
      update_id: event.updateId,
      status: event.status,
      progress: event.progress,
      source: event.source,
      detail: event.detail?.slice(0, 2000) ?? null,
    })),
  );
  return Prisma.sql`
    INSERT INTO ota.device_update_events (organization_id, update_id, status, progress, source, detail)
    SELECT e.organization_id, e.update_id, e.status, e.progress, e.source, e.detail
      FROM ROWS FROM (json_to_recordset(${rows}::json)
             AS (organization_id text, update_id text, status text, progress int, source text, detail text))
           WITH ORDINALITY AS e(organization_id, update_id, status, progress, source, detail, position)
     ORDER BY e.position`;
}
