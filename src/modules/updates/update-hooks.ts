import { DiscoveryService } from '@nestjs/core';
import type { TransactionClient } from '../../database/prisma.service';

/** What a listener learns about an update that reached a final state. */
export interface FinishedUpdate {
  organizationId: string;
  updateId: string;
  deviceId: string;
  kind: string;
  status: 'completed' | 'failed';
  fromVersion: string | null;
  toVersion: string;
}

/**
 * Something that follows the end of an update (a rollback's log, later a campaign's counters).
 * Providers decorated with {@link UpdateFinishedHook} are called inside the transaction that
 * finished the update, so this module needs to know none of them and none of them need to
 * import it back.
 */
export interface UpdateFinishedListener {
  onUpdateFinished(update: FinishedUpdate, tx: TransactionClient): Promise<void>;
}

export const UpdateFinishedHook = DiscoveryService.createDecorator<void>();
