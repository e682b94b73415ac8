import { DiscoveryService } from '@nestjs/core';
import type { TransactionClient } from '../../database/prisma.service';
import type { WriteStep } from '../../database/write-steps';
import type { DeviceUpdate } from '../../generated/prisma/client';

/** What a listener sees of an update: who it is for, where it belongs, and its state. */
export type UpdateSnapshot = Pick<
  DeviceUpdate,
  | 'organizationId'
  | 'updateId'
  | 'deviceId'
  | 'campaignId'
  | 'campaignStage'
  | 'kind'
  | 'status'
  | 'currentPhase'
  | 'errorCode'
  | 'nextRetryAt'
  | 'fromVersion'
  | 'toVersion'
  | 'startedAt'
  | 'completedAt'
  | 'healthDeadline'
>;

/**
 * One update's change as one write left it: the row before (null when the write created it) and
 * after. Several reports about one update in a batch are one transition, from the first state to
 * the last.
 */
export interface UpdateTransition {
  before: UpdateSnapshot | null;
  after: UpdateSnapshot;
}

/**
 * Something that follows the updates' changes (a rollback's log, a campaign's counters).
 * Providers decorated with {@link UpdateTransitionHook} are found at start, so this module needs
 * to know none of them and none of them need to import it back. Every write that changes the
 * status of updates calls them once for the whole write, inside its transaction: a batch of device
 * reports, a release, a cancellation (operator, campaign, deleted device, superseded), timeouts,
 * retries, rollbacks. The one exception is a campaign creating its unreleased rows at start,
 * which the campaign counts itself.
 *
 * Lock order: a listener's steps may insert rows of its own but must not update rows another
 * writer holds (a campaign row, say), so a batch of reports never waits for a scheduler tick.
 */
export interface UpdateTransitionListener {
  /**
   * Write steps recording the transitions, run in the same statement as the write itself (see
   * `runWriteSteps`); pure, no I/O. A listener ignores transitions that are not its business.
   */
  transitionSteps?(transitions: readonly UpdateTransition[]): WriteStep[];
  /**
   * Updates that reached a final state in this write (completed, failed, cancelled), after it, in
   * its transaction: for rare follow-ups that need reads of their own.
   */
  onUpdatesFinished?(finished: readonly UpdateSnapshot[], tx: TransactionClient): Promise<void>;
}

export const UpdateTransitionHook = DiscoveryService.createDecorator<void>();
