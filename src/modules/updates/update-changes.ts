import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { TransactionClient } from '../../database/prisma.service';
import { runWriteSteps, type WriteStep } from '../../database/write-steps';
import type { DeviceUpdate } from '../../generated/prisma/client';
import { OutboxService } from '../events/outbox.service';
import { DEVICE_COMMAND_SINK, type DeviceCommandSink } from './device-command-sink';
import { isTerminal, type UpdateStatus } from './domain/update-state';
import { type UpdateTransition, UpdateTransitionHook, type UpdateTransitionListener } from './update-hooks';
import { availableCommand, cancelledCommand, type EventSource, timelineEvent, updateEvent } from './update-records';
import { UpdateMetrics } from './update.metrics';
import { type Changed, UpdatesRepository } from './updates.repository';

/** A transition of full rows, as the writers of this module have them. */
export interface RowTransition extends UpdateTransition {
  before: DeviceUpdate | null;
  after: DeviceUpdate;
}

/**
 * What every write that changes updates does besides the change itself, in its transaction: a
 * timeline row per status change, its outbox event, the device's command, and the
 * {@link UpdateTransitionHook} listeners (their write steps in the same statement as the
 * timeline and events). Operator requests, device reports, the scheduler and campaigns all go
 * through here, so none of them can forget one.
 */
@Injectable()
export class UpdateChanges implements OnModuleInit {
  private listeners: UpdateTransitionListener[] = [];

  constructor(
    private readonly repository: UpdatesRepository,
    private readonly outbox: OutboxService,
    private readonly discovery: DiscoveryService,
    @Inject(DEVICE_COMMAND_SINK) private readonly commands: DeviceCommandSink,
    private readonly metrics: UpdateMetrics,
  ) {}

  onModuleInit(): void {
    this.listeners = this.discovery
      .getProviders({ metadataKey: UpdateTransitionHook.KEY })
      .map((wrapper) => wrapper.instance as UpdateTransitionListener);
  }

  /** The listeners' write steps for these transitions, for the statement that writes them. */
  transitionSteps(transitions: readonly RowTransition[]): WriteStep[] {
    if (transitions.length === 0) return [];
    return this.listeners.flatMap((listener) => listener.transitionSteps?.(transitions) ?? []);
  }

  /**
   * After a write whose {@link transitionSteps} ran with it: the listeners of updates it finished,
   * then the finish metrics.
   */
  async afterWrite(tx: TransactionClient, transitions: readonly RowTransition[]): Promise<void> {
    const finished = transitions
      .filter(({ before, after }) => isTerminal(after.status as UpdateStatus) && (before === null || !isTerminal(before.status as UpdateStatus)))
      .map(({ after }) => after);
    if (finished.length === 0) return;
    for (const listener of this.listeners) await listener.onUpdatesFinished?.(finished, tx);
    for (const row of finished) this.metrics.finished(row);
  }

  /** For a statement of the caller's that changed updates without a timeline (a dropped retry): the listeners. */
  async recorded(tx: TransactionClient, transitions: readonly RowTransition[]): Promise<void> {
    await runWriteSteps(tx, this.transitionSteps(transitions));
    await this.afterWrite(tx, transitions);
  }

  /**
   * Cancels `rows` (locked by the caller) in bulk: the rows, then their timeline, `update.cancelled`
   * events and the listeners' steps in one statement, and with `notifyDevices` a cancel command to
   * each device that had been told of its update. Returns the cancelled rows.
   */
  async cancel(tx: TransactionClient, organizationId: string, rows: DeviceUpdate[], source: EventSource, detail: string, notifyDevices: boolean): Promise<DeviceUpdate[]> {
    if (rows.length === 0) return [];
    const cancelled = await this.repository.cancelMany(organizationId, rows.map((row) => row.updateId), tx);
    const before = new Map(rows.map((row) => [row.updateId, row]));
    const transitions = cancelled.map((after) => ({ before: before.get(after.updateId) ?? null, after }));
    await runWriteSteps(tx, [
      ...this.repository.timelineSteps(cancelled.map((row) => timelineEvent(row, source, detail))),
      ...this.outbox.recordSteps(cancelled.map((row) => updateEvent('update.cancelled', row))),
      ...this.transitionSteps(transitions),
    ]);
    await this.afterWrite(tx, transitions);
    if (notifyDevices) {
      const told = transitions.filter(({ before: row }) => row !== null && row.status !== 'created').map(({ after }) => cancelledCommand(after, detail));
      await this.commands.enqueueMany(tx, told);
    }
    return cancelled;
  }

  /**
   * For rows just inserted released (`scheduled`) or already installed (`completed`): their
   * timeline, `update.completed` for the installed ones, the listeners, and the devices' commands.
   */
  async inserted(tx: TransactionClient, rows: DeviceUpdate[], source: EventSource): Promise<void> {
    const transitions = rows.map((after) => ({ before: null, after }));
    await runWriteSteps(tx, [
      ...this.repository.timelineSteps(
        rows.map((row) =>
          timelineEvent(row, source, insertedDetail(row)),
        ),
      ),
      ...this.outbox.recordSteps(rows.filter((row) => row.status === 'completed').map((row) => updateEvent('update.completed', row, { already_installed: true }))),
      ...this.transitionSteps(transitions),
    ]);
    await this.afterWrite(tx, transitions);
    await this.commands.enqueueMany(tx, rows.filter((row) => row.status === 'scheduled').map(availableCommand));
  }

  /** Rows a statement released (a retry, a campaign's batch): timeline, listeners, the devices' commands. */
  async released(tx: TransactionClient, changes: Changed[], source: EventSource, detail: (row: DeviceUpdate) => string): Promise<void> {
    await runWriteSteps(tx, [...this.repository.timelineSteps(changes.map(({ after }) => timelineEvent(after, source, detail(after)))), ...this.transitionSteps(changes)]);
    await this.afterWrite(tx, changes);
    await this.commands.enqueueMany(tx, changes.map(({ after }) => availableCommand(after)));
  }

  /** Rows a statement failed (timeouts): timeline, `update.failed`, listeners. */
  async failed(tx: TransactionClient, changes: Changed[], source: EventSource, detail: (row: DeviceUpdate) => string): Promise<void> {
    await runWriteSteps(tx, [
      ...this.repository.timelineSteps(changes.map(({ after }) => timelineEvent(after, source, detail(after)))),
      ...this.outbox.recordSteps(changes.map(({ after }) => updateEvent('update.failed', after))),
      ...this.transitionSteps(changes),
    ]);
    await this.afterWrite(tx, changes);
  }
}

/** The timeline's first entry of a new update. */
function insertedDetail(row: DeviceUpdate): string {
  if (row.status === 'completed') return `Already installed: the device reports version ${row.fromVersion}`;
  if (row.status === 'created') return `Waiting for its maintenance window, which opens at ${row.notBefore?.toISOString()}`;
  return `Released to the device (${row.kind})`;
}
