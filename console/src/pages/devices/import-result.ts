import type { components } from '../../../../clients/typescript';
import type { ImportFailure, PreparedImport } from './import-file';

export type DeviceImportResponse = components['schemas']['DeviceImportResponseDto'];

export interface ImportSummary {
  created: number;
  updated: number;
  failed: number;
  /** Every refused row, in file order. */
  errors: ImportFailure[];
}

/**
 * The service's answer in the file's terms: its `failed[].index` is a position among the rows
 * sent, which is turned back into the row (and line) of the file; rows the console could not read
 * are listed with them.
 */
export function importSummaryOf(prepared: PreparedImport, response: DeviceImportResponse): ImportSummary {
  const refused = response.failed.map((failure): ImportFailure => {
    const sent = prepared.rows[failure.index];
    return {
      row: sent?.row ?? failure.index + 1,
      ...(sent?.line !== undefined && { line: sent.line }),
      deviceId: failure.device_id ?? deviceIdOf(sent?.record),
      error: failure.error,
    };
  });
  const errors = [...prepared.unreadable, ...refused].sort((a, b) => a.row - b.row);
  return { created: response.created, updated: response.updated, failed: errors.length, errors };
}

/** A summary for a file whose rows were all unreadable: nothing was sent. */
export function unsentSummaryOf(prepared: PreparedImport): ImportSummary {
  return { created: 0, updated: 0, failed: prepared.unreadable.length, errors: [...prepared.unreadable] };
}

function deviceIdOf(record: unknown): string | null {
  if (typeof record !== 'object' || record === null || !('device_id' in record)) return null;
  const { device_id: id } = record as { device_id: unknown };
  return typeof id === 'string' && id !== '' ? id : null;
}
