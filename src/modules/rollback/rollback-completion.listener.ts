import { Injectable } from '@nestjs/common';
import type { TransactionClient } from '../../database/prisma.service';
import { type FinishedUpdate, UpdateFinishedHook, type UpdateFinishedListener } from '../updates/update-hooks';
import { RollbackService } from './rollback.service';

/** Found by the updates module through its hook, so that module never imports this one. */
@Injectable()
@UpdateFinishedHook()
export class RollbackCompletionListener implements UpdateFinishedListener {
  constructor(private readonly rollbacks: RollbackService) {}

  onUpdateFinished(update: FinishedUpdate, tx: TransactionClient): Promise<void> {
    return this.rollbacks.onUpdateFinished(update, tx);
  }
}
