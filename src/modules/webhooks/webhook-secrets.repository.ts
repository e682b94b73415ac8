import { Injectable } from '@nestjs/common';
import { PrismaService, type TransactionClient } from '../../database/prisma.service';
import type { WebhookSecret } from '../../generated/prisma/client';

/** One secret per organization. */
@Injectable()
export class WebhookSecretsRepository {
  constructor(private readonly prisma: PrismaService) {}

  findByOrganization(organizationId: string, tx: TransactionClient = this.prisma): Promise<WebhookSecret | null> {
    return tx.webhookSecret.findUnique({ where: { organizationId } });
  }

  /** The secrets of several organizations, in one read. */
  async findByOrganizations(organizationIds: string[]): Promise<Map<string, string>> {
    if (organizationIds.length === 0) return new Map();
    const rows = await this.prisma.webhookSecret.findMany({ where: { organizationId: { in: organizationIds } }, select: { organizationId: true, secret: true } });
    return new Map(rows.map((row) => [row.organizationId, row.secret]));
  }

  /** Creates the organization's secret or replaces it; `created_at` is the current secret's. */
  upsert(organizationId: string, secret: string, createdBy: string, createdAt: Date, tx: TransactionClient): Promise<WebhookSecret> {
    return tx.webhookSecret.upsert({
      where: { organizationId },
      create: { organizationId, secret, createdBy, createdAt },
      update: { secret, createdBy, createdAt },
    });
  }
}
