import { Injectable } from '@nestjs/common';
import { PrismaService, type TransactionClient } from '../../database/prisma.service';
import type { SigningKey } from '../../generated/prisma/client';

@Injectable()
export class SigningKeysRepository {
  constructor(private readonly prisma: PrismaService) {}

  find(organizationId: string, keyId: string): Promise<SigningKey | null> {
    return this.prisma.signingKey.findUnique({ where: { organizationId_keyId: { organizationId, keyId } } });
  }

  /** Every key of the organization, by id; an organization has few (registration is capped). */
  listByOrganization(organizationId: string): Promise<SigningKey[]> {
    return this.prisma.signingKey.findMany({ where: { organizationId }, orderBy: { keyId: 'asc' } });
  }

  countByOrganization(organizationId: string): Promise<number> {
    return this.prisma.signingKey.count({ where: { organizationId } });
  }

  create(data: Omit<SigningKey, 'createdAt'>, tx: TransactionClient = this.prisma): Promise<SigningKey> {
    return tx.signingKey.create({ data });
  }

  async delete(organizationId: string, keyId: string, tx: TransactionClient = this.prisma): Promise<void> {
    await tx.signingKey.delete({ where: { organizationId_keyId: { organizationId, keyId } } });
  }
}
