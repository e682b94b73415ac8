import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../database/prisma.service';
import { Prisma } from '../../generated/prisma/client';
import { IN_PROGRESS_STATUSES, PENDING_STATUSES } from '../updates/domain/update-state';

/** Aggregates over this organization's device updates and download records, computed in SQL. */
export interface UpdateFigures {
  totalUpdates: number;
  pendingUpdates: number;
  inProgressUpdates: number;
  completedUpdates: number;
  failedUpdates: number;
  /** Percent of finished updates (completed or failed) that completed, 2 decimals; 0 when none. */
  successRate: number;
  /** Mean minutes from `started_at` to `completed_at` of completed updates, 2 decimals; 0 when none. */
  avgUpdateMinutes: number;
  totalDataTransferred: number;
  last24hUpdates: number;
  last24hFailures: number;
  last24hDataTransferred: number;
  updatesByDeviceType: Record<string, number>;
  updatesByFirmwareVersion: Record<string, number>;
}

interface FiguresRow {
  total_updates: bigint;
  pending_updates: bigint;
  in_progress_updates: bigint;
  completed_updates: bigint;
  failed_updates: bigint;
  success_rate: unknown;
  avg_update_minutes: unknown;
  last_24h_updates: bigint;
  last_24h_failures: bigint;
  total_data_transferred: unknown;
  last_24h_data_transferred: unknown;
  by_device_type: Record<string, number>;
  by_firmware_version: Record<string, number>;
}

/**
 * Reads across the device update, device and download tables of several modules. It is a
 * read-only reporting view: going through each module's service would turn four aggregates into
 * per-module round trips and per-row work in JS for no gain in encapsulation.
 */
@Injectable()
export class FleetStatsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * One statement, so every figure comes from the same snapshot and the same `now()`: one pass over
   * the organization's updates with `FILTER` for the scalar figures, one `GROUP BY` per breakdown,
   * one pass over the download records (all on `organization_id`-leading indexes).
   */
  async figures(organizationId: string): Promise<UpdateFigures> {
    const [row] = await this.prisma.$queryRaw<FiguresRow[]>`
      WITH since AS (SELECT now() - interval '24 hours' AS at),
      totals AS (
        SELECT count(*) AS total_updates,
               count(*) FILTER (WHERE u.status IN (${Prisma.join(PENDING_STATUSES)})) AS pending_updates,
               count(*) FILTER (WHERE u.status IN (${Prisma.join(IN_PROGRESS_STATUSES)})) AS in_progress_updates,
               count(*) FILTER (WHERE u.status = 'completed') AS completed_updates,
               count(*) FILTER (WHERE u.status = 'failed') AS failed_updates,
               avg(extract(epoch FROM u.completed_at - u.started_at))
                 FILTER (WHERE u.status = 'completed' AND u.started_at IS NOT NULL AND u.completed_at IS NOT NULL)
                 AS avg_update_seconds,
               count(*) FILTER (WHERE u.created_at >= since.at) AS last_24h_updates,
               -- When the update failed: its finish time, or its last change where none was recorded.
               count(*) FILTER (WHERE u.status = 'failed' AND coalesce(u.completed_at, u.updated_at) >= since.at)
                 AS last_24h_failures
          FROM ota.device_updates u CROSS JOIN since
         WHERE u.organization_id = ${organizationId}
      ),
      by_device_type AS (
        SELECT coalesce(jsonb_object_agg(device_type, updates), '{}'::jsonb) AS breakdown
          FROM (SELECT coalesce(d.device_type, 'unknown') AS device_type, count(*) AS updates
                  FROM ota.device_updates u
                  LEFT JOIN ota.devices d ON d.organization_id = u.organization_id AND d.device_id = u.device_id
                 WHERE u.organization_id = ${organizationId}
                 GROUP BY 1) grouped
      ),
      by_firmware_version AS (
        SELECT coalesce(jsonb_object_agg(to_version, updates), '{}'::jsonb) AS breakdown
          FROM (SELECT u.to_version, count(*) AS updates
                  FROM ota.device_updates u
                 WHERE u.organization_id = ${organizationId}
                 GROUP BY 1) grouped
      ),
      downloads AS (
        SELECT coalesce(sum(f.file_size), 0) AS total_data_transferred,
               coalesce(sum(f.file_size) FILTER (WHERE f.created_at >= since.at), 0) AS last_24h_data_transferred
          FROM ota.firmware_downloads f CROSS JOIN since
         WHERE f.organization_id = ${organizationId}
      )
      SELECT t.total_updates, t.pending_updates, t.in_progress_updates, t.completed_updates, t.failed_updates,
             coalesce(round(100.0 * t.completed_updates / nullif(t.completed_updates + t.failed_updates, 0), 2), 0)::float8
               AS success_rate,
             coalesce(round((t.avg_update_seconds / 60)::numeric, 2), 0)::float8 AS avg_update_minutes,
             t.last_24h_updates, t.last_24h_failures,
             dl.total_data_transferred::text AS total_data_transferred,
             dl.last_24h_data_transferred::text AS last_24h_data_transferred,
             dt.breakdown AS by_device_type, fv.breakdown AS by_firmware_version
        FROM totals t, downloads dl, by_device_type dt, by_firmware_version fv`;
    if (!row) throw new Error('fleet statistics query returned no row');
    return {
      totalUpdates: Number(row.total_updates),
      pendingUpdates: Number(row.pending_updates),
      inProgressUpdates: Number(row.in_progress_updates),
      completedUpdates: Number(row.completed_updates),
      failedUpdates: Number(row.failed_updates),
      successRate: Number(row.success_rate),
      avgUpdateMinutes: Number(row.avg_update_minutes),
      totalDataTransferred: Number(row.total_data_transferred),
      last24hUpdates: Number(row.last_24h_updates),
      last24hFailures: Number(row.last_24h_failures),
      last24hDataTransferred: Number(row.last_24h_data_transferred),
      updatesByDeviceType: row.by_device_type,
      updatesByFirmwareVersion: row.by_firmware_version,
    };
  }
}
