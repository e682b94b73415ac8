import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PrismaService, type TransactionClient } from '../../database/prisma.service';
import type { WriteStep } from '../../database/write-steps';
import { type Firmware, Prisma } from '../../generated/prisma/client';

export interface FirmwareFilters {
  deviceModel?: string;
  manufacturer?: string;
  isBeta?: boolean;
  isSecurityUpdate?: boolean;
}

export interface NewDownload {
  organizationId: string;
  firmwareId: string;
  requestedBy: string;
  requestedByKind: string;
  deviceId: string | null;
  fileSize: bigint;
  expiresAt: Date;
}

@Injectable()
export class FirmwareRepository {
  constructor(private readonly prisma: PrismaService) {}

  findById(organizationId: string, firmwareId: string, tx: TransactionClient = this.prisma): Promise<Firmware | null> {
    return tx.firmware.findUnique({ where: { organizationId_firmwareId: { organizationId, firmwareId } } });
  }

  findManyByIds(organizationId: string, firmwareIds: string[]): Promise<Firmware[]> {
    return this.prisma.firmware.findMany({ where: { organizationId, firmwareId: { in: firmwareIds } } });
  }

  findByModelAndVersion(organizationId: string, deviceModel: string, version: string, tx: TransactionClient = this.prisma): Promise<Firmware | null> {
    return tx.firmware.findUnique({ where: { organizationId_deviceModel_version: { organizationId, deviceModel, version } } });
  }

  /** Locks the row until the transaction ends, so nothing starts using it while it is deleted. */
  async lockForDelete(organizationId: string, firmwareId: string, tx: TransactionClient): Promise<Firmware | null> {
    const [row] = await tx.$queryRaw<{ firmware_id: string }[]>`
      SELECT firmware_id FROM ota.firmware WHERE organization_id = ${organizationId} AND firmware_id = ${firmwareId} FOR UPDATE`;
    return row ? this.findById(organizationId, firmwareId, tx) : null;
  }

  create(data: Prisma.FirmwareUncheckedCreateInput, tx: TransactionClient): Promise<Firmware> {
    return tx.firmware.create({ data });
  }

  async delete(organizationId: string, firmwareId: string, tx: TransactionClient): Promise<void> {
    await tx.firmware.delete({ where: { organizationId_firmwareId: { organizationId, firmwareId } } });
  }

  /** One page, newest first, with the total for the envelope. */
  async page(organizationId: string, filters: FirmwareFilters, limit: number, offset: number): Promise<{ items: Firmware[]; total: number }> {
    const where: Prisma.FirmwareWhereInput = {
      organizationId,
      deviceModel: filters.deviceModel,
      manufacturer: filters.manufacturer,
      isBeta: filters.isBeta,
      isSecurityUpdate: filters.isSecurityUpdate,
    };
    const [items, total] = await this.prisma.$transaction([
      this.prisma.firmware.findMany({ where, orderBy: [{ createdAt: 'desc' }, { firmwareId: 'asc' }], take: limit, skip: offset }),
      this.prisma.firmware.count({ where }),
    ]);
    return { items, total };
  }

  /** Records an issued download URL and counts it, atomically. */
  async recordDownload(download: NewDownload, tx: TransactionClient): Promise<void> {
    await tx.firmwareDownload.create({ data: { id: randomUUID(), ...download } });
    await tx.firmware.update({
      where: { organizationId_firmwareId: { organizationId: download.organizationId, firmwareId: download.firmwareId } },
      data: { downloadCount: { increment: 1 } },
    });
  }

  /**
   * The write steps that record downloads by devices (each device requested its own) of existing
   * firmware, with the size each has now, and count them per firmware.
   */
  deviceDownloadSteps(downloads: { organizationId: string; firmwareId: string; deviceId: string }[], expiresAt: Date): WriteStep[] {
    return [
      {
        name: 'firmware_downloads_recorded',
        sql: Prisma.sql`
          INSERT INTO ota.firmware_downloads (id, organization_id, firmware_id, requested_by, requested_by_kind, device_id, file_size, created_at, expires_at)
          SELECT gen_random_uuid(), v.organization_id, v.firmware_id, v.device_id, 'device', v.device_id, f.file_size, now(), ${expiresAt}::timestamptz
            FROM unnest(${downloads.map((d) => d.organizationId)}::text[], ${downloads.map((d) => d.firmwareId)}::char(32)[], ${downloads.map((d) => d.deviceId)}::text[])
                 AS v(organization_id, firmware_id, device_id)
            JOIN ota.firmware f ON f.organization_id = v.organization_id AND f.firmware_id = v.firmware_id
          RETURNING organization_id, firmware_id`,
      },
      {
        name: 'firmware_download_counted',
        sql: Prisma.sql`
          UPDATE ota.firmware f SET download_count = f.download_count + c.downloads, updated_at = now()
            FROM (SELECT organization_id, firmware_id, count(*)::int AS downloads FROM firmware_downloads_recorded GROUP BY organization_id, firmware_id) c
           WHERE f.organization_id = c.organization_id AND f.firmware_id = c.firmware_id`,
      },
    ];
  }
}
