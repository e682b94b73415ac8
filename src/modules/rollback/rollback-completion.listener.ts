import { Injectable } from '@nestjs/common';
import type { TransactionClient } from '../../database/prisma.service';
import { UpdateTransitionHook, type UpdateSnapshot, type UpdateTransitionListener } from '../updates/update-hooks';
import { RollbackService } from './rollback.service';

/** Found by the updates module through its hook, so that module never imports this one. */
@Injectable()
@UpdateTransitionHook()
export class RollbackCompletionListener implements UpdateTransitionListener {
  constructor(private readonly rollbacks: RollbackService) {}

  async onUpdatesFinished(finished: readonly UpdateSnapshot[], tx: TransactionClient): Promise<void> {
    for (const update of finished) await this.rollbacks.onUpdateFinished(update, tx);
  }
}
