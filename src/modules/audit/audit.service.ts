import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ValidationError } from '../../common/errors/domain-error';
import { listEnvelope } from '../../common/http/pagination.dto';
import { APP_CONFIG, type AppConfig } from '../../config';
import type { TransactionClient } from '../../database/prisma.service';
import { deleteInBatches } from '../../database/sequential-chunks';
import { OutboxService } from '../events/outbox.service';
import type { AuditContext } from './audit-context';
import { auditSummary } from './audit-summary';
import { toAuditEventResponse } from './audit.mapper';
import { AuditRepository } from './audit.repository';
import type { AuditEventListResponseDto, ListAuditEventsQueryDto } from './dto/audit-event.dto';

/** One write as the audit log records it; who made it and from where comes from the {@link AuditContext}. */
export interface AuditEntry {
  organizationId: string;
  /** `<resource type>.<past-tense verb>`, e.g. `campaign.paused`. */
  action: string;
  resourceType: string;
  /** Null for an action on many resources at once. */
  resourceId: string | null;
  /** What changed (see {@link auditSummary}); nothing secret. */
  summary?: Record<string, unknown>;
}

/** Rows per purge statement: small enough that no statement holds locks or bloats WAL for long. */
export const AUDIT_PURGE_BATCH = 1_000;
const DAY_MS = 86_400_000;

/**
 * The audit log of operator writes: each is recorded in the transaction of the change (with its
 * `audit.recorded` event), so the log holds exactly the writes that were committed.
 */
@Injectable()
export class AuditService {
  constructor(
    private readonly repository: AuditRepository,
    private readonly outbox: OutboxService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Records `entry`, made by `context`'s caller, and emits `audit.recorded`, both in `tx`. */
  async record(tx: TransactionClient, context: AuditContext, entry: AuditEntry): Promise<void> {
    const row = await this.repository.insert(
      {
        id: randomUUID(),
        organizationId: entry.organizationId,
        actorKind: context.principal.kind,
        actorId: context.principal.id,
        actorRoles: [...context.principal.roles],
        action: entry.action,
        resourceType: entry.resourceType,
        resourceId: entry.resourceId,
        summary: auditSummary(entry.summary ?? {}),
        requestId: context.requestId,
        clientIp: context.clientIp?.slice(0, 100) ?? null,
      },
      tx,
    );
    await this.outbox.record(tx, { type: 'audit.recorded', organizationId: entry.organizationId, data: toAuditEventResponse(row) });
  }

  /**
   * The organization's audit events, newest first, filtered.
   * @throws ValidationError when `from` is after `to`.
   */
  async list(organizationId: string, query: ListAuditEventsQueryDto): Promise<AuditEventListResponseDto> {
    const from = query.from === undefined ? undefined : new Date(query.from);
    const to = query.to === undefined ? undefined : new Date(query.to);
    if (from !== undefined && to !== undefined && from > to) {
      throw new ValidationError([{ loc: ['query', 'from'], msg: 'from must not be after to', type: 'range' }]);
    }
    const filters = { actorId: query.actor_id, resourceType: query.resource_type, resourceId: query.resource_id, action: query.action, from, to };
    const page = await this.repository.page(organizationId, filters, query.limit, query.offset);
    return listEnvelope('audit_events', { items: page.items.map(toAuditEventResponse), total: page.total }, query, {
      actor_id: query.actor_id ?? null,
      resource_type: query.resource_type ?? null,
      resource_id: query.resource_id ?? null,
      action: query.action ?? null,
      from: from?.toISOString() ?? null,
      to: to?.toISOString() ?? null,
    });
  }

  /** Deletes events older than AUDIT_RETENTION_DAYS, `batchSize` rows per statement, until none is left; the total. */
  async purgeExpired(batchSize = AUDIT_PURGE_BATCH): Promise<number> {
    const cutoff = new Date(Date.now() - this.config.audit.retentionDays * DAY_MS);
    return deleteInBatches((limit) => this.repository.deleteCreatedBefore(cutoff, limit), batchSize);
  }
}
