import { Injectable } from '@nestjs/common';
import { PrismaService, type TransactionClient } from '../../database/prisma.service';
import type { AuditEvent, Prisma } from '../../generated/prisma/client';

export interface AuditEventFilters {
  actorId?: string;
  resourceType?: string;
  resourceId?: string;
  action?: string;
  /** Inclusive. */
  from?: Date;
  /** Exclusive. */
  to?: Date;
}

@Injectable()
export class AuditRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Inserts the event in `tx`, the transaction of the change it describes. */
  insert(data: Prisma.AuditEventUncheckedCreateInput, tx: TransactionClient): Promise<AuditEvent> {
    return tx.auditEvent.create({ data });
  }

  /** The organization's events, newest first (ties in write order, so pages never overlap). */
  async page(organizationId: string, filters: AuditEventFilters, limit: number, offset: number): Promise<{ items: AuditEvent[]; total: number }> {
    const where: Prisma.AuditEventWhereInput = {
      organizationId,
      actorId: filters.actorId,
      resourceType: filters.resourceType,
      resourceId: filters.resourceId,
      action: filters.action,
      createdAt: { gte: filters.from, lt: filters.to },
    };
    const [items, total] = await this.prisma.$transaction([
      this.prisma.auditEvent.findMany({ where, orderBy: [{ createdAt: 'desc' }, { sequence: 'desc' }], take: limit, skip: offset }),
      this.prisma.auditEvent.count({ where }),
    ]);
    return { items, total };
  }

  /**
   * Deletes up to `limit` events created before `cutoff`, oldest first; returns how many went.
   * Rows another replica is deleting are skipped rather than waited for.
   */
  deleteCreatedBefore(cutoff: Date, limit: number): Promise<number> {
    return this.prisma.$executeRaw`
      DELETE FROM ota.audit_events WHERE id IN (
        SELECT id FROM ota.audit_events WHERE created_at < ${cutoff} ORDER BY created_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)`;
  }
}
