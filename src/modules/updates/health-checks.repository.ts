import { Injectable } from '@nestjs/common';
import type { TransactionClient } from '../../database/prisma.service';
import type { DeviceUpdate } from '../../generated/prisma/client';
import { HEALTH_CHECK_ERROR } from './domain/update-state';
import { BEFORE_COLUMNS, type Changed, type ChangedRow, DEVICE_UPDATE_COLUMNS } from './updates.repository';

/** A device seen running `version` at `seenAt` (a check-in's report, from the last-seen flush). */
export interface SeenVersion {
  organizationId: string;
  deviceId: string;
  version: string;
  seenAt: Date;
}

type HealthChangedRow = ChangedRow & { beforeHealthDeadline: Date | null };

/**
 * The health windows of completed campaign updates (`health_deadline`): closed by a confirmation,
 * or by a failure (`error_code` `health_check`). Each statement locks what it changes; the sweep
 * skips rows another replica holds, the others lock in key order as device report batches do.
 */
@Injectable()
export class HealthChecksRepository {
  /** Whether any health window is open, in any organization: one probe of the partial index. */
  async anyWindowOpen(client: TransactionClient): Promise<boolean> {
    const [{ open }] = await client.$queryRaw<{ open: boolean }[]>`
      SELECT EXISTS (SELECT 1 FROM ota.device_updates WHERE health_deadline IS NOT NULL) AS open`;
    return open;
  }

  /**
   * Closes the open windows of the devices seen running their update's version (the same text)
   * after it completed: `health_confirmed_at` is when. One statement for a whole flush of check-ins.
   */
  async confirmSeen(seen: readonly SeenVersion[], tx: TransactionClient): Promise<Changed[]> {
    if (seen.length === 0) return [];
    const records = JSON.stringify(seen.map((entry) => ({ organization_id: entry.organizationId, device_id: entry.deviceId, version: entry.version, seen_at: entry.seenAt })));
    const rows = await tx.$queryRaw<HealthChangedRow[]>`
      WITH due AS (
        SELECT u.organization_id, u.update_id, u.status, u.current_phase, u.error_code, u.next_retry_at, u.health_deadline, v.seen_at
          FROM json_to_recordset(${records}::json) AS v(organization_id text, device_id text, version text, seen_at timestamptz)
          JOIN ota.device_updates u ON u.organization_id = v.organization_id AND u.device_id = v.device_id
         WHERE u.health_deadline IS NOT NULL AND u.status = 'completed' AND u.to_version = v.version AND v.seen_at > u.completed_at
         ORDER BY u.organization_id, u.update_id
           FOR UPDATE OF u)
      UPDATE ota.device_updates u SET health_deadline = NULL, health_confirmed_at = due.seen_at, updated_at = now()
        FROM due
       WHERE u.organization_id = due.organization_id AND u.update_id = due.update_id AND u.health_deadline IS NOT NULL
   RETURNING ${DEVICE_UPDATE_COLUMNS}, ${BEFORE_COLUMNS}, due.health_deadline AS "beforeHealthDeadline"`;
    return rows.map(healthChanged);
  }

  /** Closes this (locked, pending) update's window as confirmed now. */
  async confirm(row: DeviceUpdate, tx: TransactionClient): Promise<Changed> {
    const [after] = await tx.$queryRaw<DeviceUpdate[]>`
      UPDATE ota.device_updates u SET health_deadline = NULL, health_confirmed_at = now(), updated_at = now()
       WHERE u.organization_id = ${row.organizationId} AND u.update_id = ${row.updateId}
   RETURNING ${DEVICE_UPDATE_COLUMNS}`;
    return { before: row, after };
  }

  /** Fails this (locked, pending) update: the device reported it unhealthy. */
  async fail(row: DeviceUpdate, message: string, tx: TransactionClient): Promise<Changed> {
    const [after] = await tx.$queryRaw<DeviceUpdate[]>`
      UPDATE ota.device_updates u
         SET status = 'failed', current_phase = 'failed', error_code = ${HEALTH_CHECK_ERROR}, error_message = ${message},
             health_deadline = NULL, next_retry_at = NULL, completed_at = now(), updated_at = now()
       WHERE u.organization_id = ${row.organizationId} AND u.update_id = ${row.updateId}
   RETURNING ${DEVICE_UPDATE_COLUMNS}`;
    return { before: row, after };
  }

  /**
   * Fails up to `limit` completed updates whose window passed without a confirmation, oldest
   * deadline first, skipping rows another replica holds (the partial index
   * `device_updates_health_due` holds only open windows). No automatic retry: the device either
   * did not come back or runs the image and says it is unwell.
   */
  async failOverdue(limit: number, tx: TransactionClient): Promise<Changed[]> {
    const rows = await tx.$queryRaw<HealthChangedRow[]>`
      WITH due AS (
        SELECT d.organization_id, d.update_id, d.status, d.current_phase, d.error_code, d.next_retry_at, d.health_deadline,
               (SELECT c.health_check_window_minutes FROM ota.campaigns c
                 WHERE c.organization_id = d.organization_id AND c.campaign_id = d.campaign_id) AS window_minutes
          FROM ota.device_updates d
         WHERE d.health_deadline <= now() AND d.health_deadline IS NOT NULL AND d.status = 'completed'
         ORDER BY d.health_deadline LIMIT ${limit}
           FOR UPDATE SKIP LOCKED)
      UPDATE ota.device_updates u
         SET status = 'failed', current_phase = 'failed', error_code = ${HEALTH_CHECK_ERROR},
             error_message = 'Not confirmed healthy within ' || coalesce(due.window_minutes::text, '?') || ' minutes of completing',
             health_deadline = NULL, next_retry_at = NULL, completed_at = now(), updated_at = now()
        FROM due
       WHERE u.organization_id = due.organization_id AND u.update_id = due.update_id
   RETURNING ${DEVICE_UPDATE_COLUMNS}, ${BEFORE_COLUMNS}, due.health_deadline AS "beforeHealthDeadline"`;
    return rows.map(healthChanged);
  }
}

function healthChanged({ beforeStatus, beforePhase, beforeErrorCode, beforeNextRetryAt, beforeHealthDeadline, ...after }: HealthChangedRow): Changed {
  return {
    before: { ...after, status: beforeStatus, currentPhase: beforePhase, errorCode: beforeErrorCode, nextRetryAt: beforeNextRetryAt, healthDeadline: beforeHealthDeadline },
    after,
  };
}
