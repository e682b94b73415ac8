import { Injectable } from '@nestjs/common';
import { PrismaService, type TransactionClient } from '../../database/prisma.service';
import type { ApiKey } from '../../generated/prisma/client';

export interface NewApiKey {
  id: string;
  organizationId: string;
  name: string;
  role: string;
  prefix: string;
  keyHash: string;
  createdBy: string;
  expiresAt: Date | null;
}

@Injectable()
export class ApiKeysRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(data: NewApiKey, tx: TransactionClient = this.prisma): Promise<ApiKey> {
    return tx.apiKey.create({ data });
  }

  /** The key with this hash if it is neither revoked nor expired. */
  findUsableByHash(keyHash: string, now: Date, tx: TransactionClient = this.prisma): Promise<ApiKey | null> {
    return tx.apiKey.findFirst({
      where: { keyHash, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
    });
  }

  findInOrganization(id: string, organizationId: string, tx: TransactionClient = this.prisma): Promise<ApiKey | null> {
    return tx.apiKey.findFirst({ where: { id, organizationId } });
  }

  /** One page of an organization's keys, newest first, with the total for the envelope. */
  async pageInOrganization(
    organizationId: string,
    includeRevoked: boolean,
    limit: number,
    offset: number,
  ): Promise<{ items: ApiKey[]; total: number }> {
    const where = { organizationId, ...(includeRevoked ? {} : { revokedAt: null }) };
    const [items, total] = await this.prisma.$transaction([
      this.prisma.apiKey.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: limit, skip: offset }),
      this.prisma.apiKey.count({ where }),
    ]);
    return { items, total };
  }

  /** Marks the key revoked unless it already is; returns the row as it now stands. */
  async revoke(id: string, now: Date, tx: TransactionClient = this.prisma): Promise<ApiKey> {
    await tx.apiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: now } });
    return tx.apiKey.findUniqueOrThrow({ where: { id } });
  }

  async touchLastUsed(id: string, now: Date): Promise<void> {
    await this.prisma.apiKey.update({ where: { id }, data: { lastUsedAt: now } });
  }
}
