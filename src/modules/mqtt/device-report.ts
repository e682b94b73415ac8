import { z } from 'zod';
import { DEVICE_REPORT_FIELDS, deviceReportSchema } from '../updates/domain/device-report';

/**
 * A status report published by a device: the report of the HTTP status report (the same schema)
 * plus `update_id`, which is in the HTTP path. Unknown keys are ignored, as in the HTTP API;
 * `null` counts as absent.
 */
const reportSchema = deviceReportSchema({
  update_id: z.string().regex(/^[0-9a-f]{32}$/, 'must be 32 lowercase hex characters'),
  ...DEVICE_REPORT_FIELDS,
});

export type DeviceReport = z.output<typeof reportSchema>;

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
  return { ok: true, report: parsed.data };
}
