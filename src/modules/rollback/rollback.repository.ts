import { Injectable } from '@nestjs/common';
import type { TransactionClient } from '../../database/prisma.service';
import type { Prisma, RollbackLog } from '../../generated/prisma/client';

@Injectable()
export class RollbackRepository {
  insert(data: Prisma.RollbackLogUncheckedCreateInput, tx: TransactionClient): Promise<RollbackLog> {
    return tx.rollbackLog.create({ data });
  }

  /** Marks the log of the rollback carried out by `updateId` completed; null when that update was no rollback's. */
  async markCompleted(organizationId: string, updateId: string, tx: TransactionClient): Promise<RollbackLog | null> {
    const [row] = await tx.rollbackLog.updateManyAndReturn({
      where: { organizationId, updateId, completedAt: null },
      data: { completedAt: new Date() },
    });
    return row ?? null;
  }
}
