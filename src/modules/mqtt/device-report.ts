import { z } from 'zod';
import { isStorableText } from '../../common/text/storable-text';
import { DEVICE_REPORT_LIMITS } from '../updates/domain/device-report';
import { DEVICE_REPORTED_STATUSES } from '../updates/domain/update-state';

/**
 * A status report published by a device: the body of the HTTP status report plus `update_id`.
 * Unknown keys are ignored, as in the HTTP API; `null` counts as absent.
 */
/** Text the database can store (see `storableTextProblem`); other text makes the report invalid, not a failed batch. */
const storableText = z.string().refine(isStorableText, 'must be valid Unicode without NUL (U+0000)');

const reportSchema = z.object({
  update_id: z.string().regex(/^[0-9a-f]{32}$/, 'must be 32 lowercase hex characters'),
  status: z.enum(DEVICE_REPORTED_STATUSES),
  progress_percentage: z.number().min(0).max(100).nullish(),
  error_code: storableText.min(1).max(DEVICE_REPORT_LIMITS.errorCodeMaxLength).nullish(),
  error_message: storableText.max(DEVICE_REPORT_LIMITS.errorMessageMaxLength).nullish(),
  bytes_downloaded: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullish(),
  firmware_version: storableText.min(1).max(DEVICE_REPORT_LIMITS.firmwareVersionMaxLength).nullish(),
});

export interface DeviceReport {
  update_id: string;
  status: (typeof DEVICE_REPORTED_STATUSES)[number];
  progress_percentage?: number;
  error_code?: string;
  error_message?: string;
  bytes_downloaded?: number;
  firmware_version?: string;
}

export type ParsedReport = { ok: true; report: DeviceReport } | { ok: false; reason: 'malformed_json' | 'invalid_report'; detail: string };

/** Parses and validates a report payload; never throws. */
export function parseDeviceReport(payload: Buffer | string): ParsedReport {
  let json: unknown;
  try {
    json = JSON.parse(typeof payload === 'string' ? payload : payload.toString('utf8'));
  } catch (error) {
    return { ok: false, reason: 'malformed_json', detail: error instanceof Error ? error.message : String(error) };
  }
  const parsed = reportSchema.safeParse(json);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
    return { ok: false, reason: 'invalid_report', detail };
  }
  const report: DeviceReport = { update_id: parsed.data.update_id, status: parsed.data.status };
  for (const key of ['progress_percentage', 'error_code', 'error_message', 'bytes_downloaded', 'firmware_version'] as const) {
    const value = parsed.data[key];
    if (value !== null && value !== undefined) (report as unknown as Record<string, unknown>)[key] = value;
  }
  return { ok: true, report };
}
