import { ConflictError } from '../../common/errors/domain-error';
import { ErrorCode } from '../../common/errors/error-codes';
import type { DeviceUpdate } from '../../generated/prisma/client';
import type { DomainEvent } from '../events/outbox.service';
import { type DeviceReport, deviceReportEffect, type RefusalReason, type ReportEffect } from './domain/device-report';
import { isTerminal, type UpdateStatus } from './domain/update-state';
import type { ItemOutcome } from './report-batcher';
import { timelineEvent, updateEvent, updateNotFound } from './update-records';
import type { LockedForReport, NewTimelineEvent } from './updates.repository';

export type ReportSource = 'device' | 'mqtt';

/** What a batch of device reports answers and writes. */
export interface ReportBatchPlan {
  /** Per report, in arrival order: the update as the report left it, or the report's error. */
  outcomes: ItemOutcome<DeviceUpdate>[];
  /** The final state of every update the batch changed. */
  written: DeviceUpdate[];
  timeline: NewTimelineEvent[];
  events: DomainEvent<Record<string, unknown>>[];
  downloads: { organizationId: string; firmwareId: string; deviceId: string }[];
  installed: { organizationId: string; deviceId: string; version: string }[];
  /** Updates the batch finished (completed or failed), for the rollback path, listeners and metrics. */
  finished: DeviceUpdate[];
}

/**
 * Runs each report of the batch, in arrival order, through the state machine against its locked
 * row as the reports before it left it, and gathers what the batch must write. No I/O.
 */
export function planReportBatch(batch: QueuedReport[], locked: LockedForReport[], context: { now: Date; retryBaseDelayMs: number }): ReportBatchPlan {
  const rows = new Map(locked.map(({ row }) => [updateKey(row.organizationId, row.updateId), row]));
  const signed = new Set(locked.filter((lock) => lock.firmwareSigned).map(({ row }) => updateKey(row.organizationId, row.updateId)));
  const healthWindows = new Map(locked.map(({ row, healthWindowMinutes }) => [updateKey(row.organizationId, row.updateId), healthWindowMinutes]));
  const changed = new Set<string>();
  const plan: ReportBatchPlan = { outcomes: [], written: [], timeline: [], events: [], downloads: [], installed: [], finished: [] };
  for (const item of batch) {
    const key = updateKey(item.organizationId, item.updateId);
    const row = rows.get(key);
    if (!row || row.deviceId !== item.deviceId) {
      plan.outcomes.push({ ok: false, error: updateNotFound(item.updateId) });
      continue;
    }
    let effect: ReportEffect<DeviceUpdate>;
    try {
      effect = deviceReportEffect(row, item.report, { ...context, firmwareSigned: signed.has(key) });
    } catch (error) {
      // A report the row cannot take fails alone, not the batch.
      plan.outcomes.push({ ok: false, error });
      continue;
    }
    if (effect.kind === 'refused') {
      plan.outcomes.push({ ok: false, error: refusal(effect.reason, row) });
      continue;
    }
    if (effect.kind === 'throttled') {
      plan.outcomes.push({ ok: true, value: row });
      continue;
    }
    const next = effect.kind === 'changed' ? withHealthWindow(effect.row, healthWindows.get(key) ?? 0) : effect.row;
    rows.set(key, next);
    changed.add(key);
    plan.outcomes.push({ ok: true, value: next });
    if (effect.kind === 'progress') continue;
    plan.timeline.push(timelineEvent(next, item.source, effect.detail));
    if (effect.started) plan.events.push(updateEvent('update.started', next, { error_code: null }));
    if (effect.downloaded) plan.downloads.push({ organizationId: next.organizationId, firmwareId: next.firmwareId, deviceId: next.deviceId });
    if (next.status === 'completed') {
      plan.events.push(updateEvent('update.completed', next));
      plan.installed.push({ organizationId: next.organizationId, deviceId: next.deviceId, version: next.toVersion });
    } else if (next.status === 'failed') {
      plan.events.push(updateEvent('update.failed', next));
    }
    if (isTerminal(next.status as UpdateStatus)) plan.finished.push(next);
  }
  plan.written = [...changed].map((key) => rows.get(key) as DeviceUpdate);
  return plan;
}

/**
 * A campaign's update that completes in a campaign with a health window must be confirmed by
 * then (see health-checks.service.ts); a rollback restores a known image and needs none.
 */
function withHealthWindow(row: DeviceUpdate, windowMinutes: number): DeviceUpdate {
  if (row.status !== 'completed' || row.kind !== 'update' || windowMinutes <= 0 || row.completedAt === null) return row;
  return { ...row, healthDeadline: new Date(row.completedAt.getTime() + windowMinutes * 60_000) };
}

/** A device report waiting for its batch. */
export interface QueuedReport {
  organizationId: string;
  deviceId: string;
  updateId: string;
  report: DeviceReport;
  source: ReportSource;
}

export function updateKey(organizationId: string, updateId: string): string {
  return `${organizationId}\u0000${updateId}`;
}

function refusal(reason: RefusalReason, row: DeviceUpdate): ConflictError {
  if (reason === 'terminal') return new ConflictError(ErrorCode.UpdateTerminal, `Update ${row.updateId} is already ${row.status}`);
  if (reason === 'awaiting_confirmation') {
    return new ConflictError(ErrorCode.UpdateAwaitingConfirmation, `Update ${row.updateId} waits for the device's consent: post its confirmation first`);
  }
  if (reason === 'not_released') return new ConflictError(ErrorCode.UpdateInvalidTransition, `Update ${row.updateId} has not been released yet`);
  if (reason === 'activation') {
    return new ConflictError(
      ErrorCode.UpdateInvalidTransition,
      row.activation === 'immediate'
        ? `Update ${row.updateId} is not a blue-green update: install and reboot, there is no awaiting_activation`
        : `Update ${row.updateId} is staged (activation: deferred): wait at awaiting_activation until its campaign switches (activation: now)`,
    );
  }
  return new ConflictError(ErrorCode.UpdateInvalidTransition, `Update ${row.updateId} is ${row.status}; a device cannot go back`);
}
