import { describe, expect, it } from 'vitest';
import { prepareImport } from './import-file';
import { importSummaryOf, unsentSummaryOf } from './import-result';

describe('importSummaryOf', () => {
  it("maps the service's indexes back to the file's rows and lines, with the console's own refusals", () => {
    // Row 2 has too many cells, so the service sees rows 1, 3 and 4 at indexes 0, 1 and 2.
    const prepared = prepareImport('device_id,hardware_version\nsf-1,1\nsf-2,1,x\nsf-3,way-too-long\nsf-1,2\n', 'csv');
    const summary = importSummaryOf(prepared, {
      created: 1,
      updated: 0,
      failed: [
        { index: 2, device_id: 'sf-1', error: 'device_id repeats row 0 of this import, which was used instead' },
        { index: 1, device_id: null, error: 'hardware_version: too long' },
      ],
    });
    expect(summary).toEqual({
      created: 1,
      updated: 0,
      failed: 3,
      errors: [
        { row: 2, line: 3, deviceId: 'sf-2', error: '3 cells where the header has 2' },
        { row: 3, line: 4, deviceId: 'sf-3', error: 'hardware_version: too long' },
        { row: 4, line: 5, deviceId: 'sf-1', error: 'device_id repeats row 0 of this import, which was used instead' },
      ],
    });
  });

  it('has no line for a JSON array, and no device id for a row without one', () => {
    const prepared = prepareImport('[{"device_model":"x"}]', 'json');
    const summary = importSummaryOf(prepared, { created: 0, updated: 0, failed: [{ index: 0, device_id: null, error: 'device_id: required' }] });
    expect(summary.errors).toEqual([{ row: 1, deviceId: null, error: 'device_id: required' }]);
  });
});

describe('unsentSummaryOf', () => {
  it('counts only the unreadable rows when nothing could be sent', () => {
    const prepared = prepareImport('{bad\n{worse', 'ndjson');
    expect(unsentSummaryOf(prepared)).toMatchObject({ created: 0, updated: 0, failed: 2 });
  });
});
