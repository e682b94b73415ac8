import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PrismaService, type TransactionClient } from '../../database/prisma.service';
import type { Firmware, Prisma } from '../../generated/prisma/client';

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
}
