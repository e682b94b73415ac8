import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../database/prisma.service';
import type { AuditContext } from '../audit/audit-context';
import { AuditService } from '../audit/audit.service';
import type { WebhookSecretCreatedResponseDto, WebhookSecretStatusResponseDto } from './dto/webhook.dto';
import { WebhookSecretsRepository } from './webhook-secrets.repository';

/** The organization's key for signing webhook bodies. Stored as is: signing needs the secret itself. */
@Injectable()
export class WebhookSecretsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly repository: WebhookSecretsRepository,
    private readonly auditLog: AuditService,
  ) {}

  /**
   * Makes a new secret for the organization, replacing any previous one at once (deliveries sent
   * from now on are signed with it), and answers it: it is never shown again.
   */
  async create(organizationId: string, audit: AuditContext): Promise<WebhookSecretCreatedResponseDto> {
    const secret = `whsec_${randomBytes(32).toString('base64url')}`;
    const row = await this.prisma.$transaction(async (tx) => {
      const previous = await this.repository.findByOrganization(organizationId, tx);
      const saved = await this.repository.upsert(organizationId, secret, audit.principal.id, new Date(), tx);
      await this.auditLog.record(tx, audit, {
        organizationId,
        action: previous ? 'webhook_secret.rotated' : 'webhook_secret.created',
        resourceType: 'webhook_secret',
        resourceId: organizationId,
        summary: { rotated: previous !== null },
      });
      return saved;
    });
    return { secret: row.secret, created_at: row.createdAt.toISOString() };
  }

  /** Whether the organization has a secret, and since when; never the secret. */
  async status(organizationId: string): Promise<WebhookSecretStatusResponseDto> {
    const row = await this.repository.findByOrganization(organizationId);
    return { configured: row !== null, created_by: row?.createdBy ?? null, created_at: row?.createdAt.toISOString() ?? null };
  }
}
