import { z } from 'zod';
import { storableTextProblem } from '../../../common/text/storable-text';
import { isSameVersion } from '../../firmware/compatibility';
import { type Activation, canRetry, DEVICE_REPORTED_STATUSES, isTerminal, judgeDeviceReport, retryDelayMs, type UpdateStatus } from './update-state';

/** Limits of a report's text fields, the same over HTTP and MQTT (and the columns they go to). */
export const DEVICE_REPORT_LIMITS = {
  errorCodeMaxLength: 100,
  errorMessageMaxLength: 2000,
  firmwareVersionMaxLength: 100,
} as const;

/**
 * Text the database can store (see `storableTextProblem`); a problem keeps its own `type`
 * (`string_nul`, `string_unicode`) in the issue's `params`, as the request pipe reports it.
 */
const storableText = z.string().superRefine((value, context) => {
  const problem = storableTextProblem(value);
  if (problem !== null) context.addIssue({ code: 'custom', message: problem.msg, params: { type: problem.type } });
});

/**
 * The fields of a device's report on one of its updates: the one definition of what a report
 * may hold, for the HTTP status report and the MQTT status payload alike.
 */
export const DEVICE_REPORT_FIELDS = {
  status: z.enum(DEVICE_REPORTED_STATUSES),
  progress_percentage: z.number().min(0).max(100).nullish(),
  error_code: storableText.min(1).max(DEVICE_REPORT_LIMITS.errorCodeMaxLength).nullish(),
  error_message: storableText.max(DEVICE_REPORT_LIMITS.errorMessageMaxLength).nullish(),
  // A zod integer is a safe integer: a larger count would lose precision in JSON.
  bytes_downloaded: z.number().int().min(0).nullish(),
  firmware_version: storableText.min(1).max(DEVICE_REPORT_LIMITS.firmwareVersionMaxLength).nullish(),
};

/** A report schema of `shape` (the report fields, plus any of the transport's own): unknown keys dropped, `null` read as absent. */
export function deviceReportSchema<Shape extends z.ZodRawShape>(shape: Shape) {
  return z.object(shape).transform(withoutNulls);
}

/** The report of an HTTP status report body (the update is in its path). */
export const deviceReportBody = deviceReportSchema(DEVICE_REPORT_FIELDS);

/** A device's report on one of its updates (HTTP body or MQTT payload). */
export type DeviceReport = z.output<typeof deviceReportBody>;

type NullAsAbsent<T> = { [Key in keyof T]: Exclude<T[Key], null> };

/** Drops the `null` fields of a freshly parsed object (so cheaper than copying it, on the hot path). */
function withoutNulls<T extends Record<string, unknown>>(parsed: T): NullAsAbsent<T> {
  for (const key of Object.keys(parsed)) if (parsed[key] === null) delete parsed[key];
  return parsed as NullAsAbsent<T>;
}

/** Progress-only reports are written at most this often per update. */
export const PROGRESS_WRITE_INTERVAL_MS = 1000;
/** Before the device fetched the image: leaving these for a later phase means it downloads it. */
const BEFORE_DOWNLOAD: readonly UpdateStatus[] = ['scheduled', 'in_progress'];
/** States reached only with an image whose checksum the device verified. */
const VERIFIED_STATES: readonly UpdateStatus[] = ['installing', 'awaiting_activation', 'rebooting', 'completed'];

/** The fields of an update row a device report reads or writes. */
export interface ReportedUpdate {
  status: string;
  activation: string;
  timeoutAt: Date | null;
  currentPhase: string | null;
  toVersion: string;
  retryCount: number;
  maxRetries: number;
  downloadSize: bigint | null;
  bytesDownloaded: bigint;
  downloadSpeed: number | null;
  progressPercentage: number;
  checksumVerified: boolean;
  signatureVerified: boolean;
  errorCode: string | null;
  errorMessage: string | null;
  startedAt: Date | null;
  completedAt: Date | null;
  nextRetryAt: Date | null;
  progressWrittenAt: Date | null;
  updatedAt: Date;
}

export interface ReportContext {
  now: Date;
  /** The update's firmware is signed: a verified image then counts as signature-verified too. */
  firmwareSigned: boolean;
  /** Base of the automatic retry delay (see {@link retryDelayMs}). */
  retryBaseDelayMs: number;
}

export type RefusalReason = 'terminal' | 'not_released' | 'awaiting_confirmation' | 'backwards' | 'activation';

export type ReportEffect<T> =
  /**
   * Refused: the update is finished, not released yet, waits for the device's consent, goes
   * backwards, or is out of step with its activation.
   */
  | { kind: 'refused'; reason: RefusalReason }
  /** A progress-only report within a second of the last write: nothing is written. */
  | { kind: 'throttled' }
  /** A progress-only report: the row's progress fields change, no timeline row, no event. */
  | { kind: 'progress'; row: T }
  /**
   * A new state: one timeline row (`detail`); `update.started` when `started`; a download record
   * when `downloaded`; the outcome's event, device version and listeners follow from `row.status`.
   */
  | { kind: 'changed'; row: T; detail: string | null; started: boolean; downloaded: boolean };

/**
 * What a device's report does to its update (see rollout-semantics.md § Device update states):
 * forward moves and skips change the state, a repeat of the current state only updates progress
 * (at most once per {@link PROGRESS_WRITE_INTERVAL_MS}), `completed` with another version than the
 * update's is a failure (`version_mismatch`), and a failure with retries left gets its retry time.
 * Pure: the caller locks the row, writes the answer and records what it says.
 */
export function deviceReportEffect<T extends ReportedUpdate>(row: T, report: DeviceReport, context: ReportContext): ReportEffect<T> {
  const verdict = judgeDeviceReport(row.status as UpdateStatus, report.status, row.activation as Activation);
  if (verdict.kind !== 'accept') return { kind: 'refused', reason: verdict.kind };
  return verdict.changed ? changeState(row, report, context) : writeProgress(row, report, context.now);
}

function writeProgress<T extends ReportedUpdate>(row: T, report: DeviceReport, now: Date): ReportEffect<T> {
  if (row.progressWrittenAt !== null && now.getTime() - row.progressWrittenAt.getTime() < PROGRESS_WRITE_INTERVAL_MS) return { kind: 'throttled' };
  return {
    kind: 'progress',
    row: {
      ...row,
      progressPercentage: clampPercent(report.progress_percentage ?? row.progressPercentage),
      bytesDownloaded: report.bytes_downloaded !== undefined ? BigInt(report.bytes_downloaded) : row.bytesDownloaded,
      downloadSpeed: report.bytes_downloaded !== undefined && row.startedAt !== null ? speed(report.bytes_downloaded, row.startedAt, now) : row.downloadSpeed,
      progressWrittenAt: now,
      updatedAt: now,
    },
  };
}

function changeState<T extends ReportedUpdate>(row: T, report: DeviceReport, { now, firmwareSigned, retryBaseDelayMs }: ReportContext): ReportEffect<T> {
  let status: UpdateStatus = report.status;
  let errorCode: string | null = null;
  let errorMessage: string | null = null;
  if (status === 'completed' && report.firmware_version !== undefined && !isSameVersion(report.firmware_version, row.toVersion)) {
    status = 'failed';
    errorCode = 'version_mismatch';
    errorMessage = `The device reports version ${report.firmware_version} after installing ${row.toVersion}`;
  } else if (status === 'failed') {
    errorCode = report.error_code ?? 'device_error';
    errorMessage = report.error_message ?? null;
  }
  const startedAt = row.startedAt ?? now;
  const verified = row.checksumVerified || VERIFIED_STATES.includes(status);
  const retryDue = status === 'failed' && canRetry({ status, retryCount: row.retryCount, maxRetries: row.maxRetries });
  const changed: T = {
    ...row,
    status,
    currentPhase: status,
    startedAt,
    completedAt: isTerminal(status) ? now : null,
    progressPercentage: status === 'completed' ? 100 : clampPercent(report.progress_percentage ?? row.progressPercentage),
    bytesDownloaded:
      report.bytes_downloaded !== undefined
        ? BigInt(report.bytes_downloaded)
        : status === 'completed' && row.downloadSize !== null
          ? row.downloadSize
          : row.bytesDownloaded,
    downloadSpeed: report.bytes_downloaded !== undefined ? speed(report.bytes_downloaded, startedAt, now) : row.downloadSpeed,
    progressWrittenAt: now,
    checksumVerified: verified,
    signatureVerified: verified && firmwareSigned,
    errorCode,
    errorMessage: errorMessage?.slice(0, DEVICE_REPORT_LIMITS.errorMessageMaxLength) ?? null,
    nextRetryAt: retryDue ? new Date(now.getTime() + retryDelayMs(row.retryCount + 1, retryBaseDelayMs)) : null,
    // A staged blue-green update waits for its campaign without a clock; the switch starts it again.
    timeoutAt: status === 'awaiting_activation' ? null : row.timeoutAt,
    updatedAt: now,
  };
  return {
    kind: 'changed',
    row: changed,
    detail: errorCode !== null ? `${errorCode}${errorMessage ? `: ${errorMessage}` : ''}` : status === 'completed' ? `Installed ${row.toVersion}` : null,
    // The start is news of its own; an outcome in the same report is the next event's.
    started: row.startedAt === null,
    // The device fetches the image once per attempt, when it leaves the phases before download
    // (not when it fails there): that is when its check-in link is used, recorded for statistics.
    downloaded: BEFORE_DOWNLOAD.includes(row.status as UpdateStatus) && !BEFORE_DOWNLOAD.includes(status) && status !== 'failed',
  };
}

function clampPercent(value: number): number {
  return Math.max(0, Math.min(100, Math.round(value)));
}

function speed(bytes: number, since: Date, now: Date): number | null {
  const seconds = (now.getTime() - since.getTime()) / 1000;
  return seconds > 0 ? bytes / seconds : null;
}
