import { describe, expect, it } from 'vitest';
import { importContentType, importFormatOf, ImportFileError, prepareImport, toNdjson } from './import-file';

describe('importFormatOf', () => {
  it('goes by the name, then by the media type', () => {
    expect(importFormatOf('fleet.JSON', '')).toBe('json');
    expect(importFormatOf('fleet.ndjson', 'application/json')).toBe('ndjson');
    expect(importFormatOf('fleet.jsonl', '')).toBe('ndjson');
    expect(importFormatOf('fleet.csv', '')).toBe('csv');
    expect(importFormatOf('export', 'text/csv')).toBe('csv');
    expect(importFormatOf('fleet.xlsx', 'application/vnd.ms-excel')).toBeUndefined();
  });

  it('sends JSON as a JSON array and the rest as NDJSON', () => {
    expect(importContentType('json')).toBe('application/json');
    expect(importContentType('ndjson')).toBe('application/x-ndjson');
    expect(importContentType('csv')).toBe('application/x-ndjson');
  });
});

describe('prepareImport: JSON', () => {
  it('sends every item of the array as it is, numbered from 1', () => {
    expect(prepareImport('[{"device_id":"a"}, 7]', 'json')).toEqual({
      format: 'json',
      rows: [
        { row: 1, record: { device_id: 'a' } },
        { row: 2, record: 7 },
      ],
      unreadable: [],
    });
  });

  it('refuses a file that is not a JSON array', () => {
    expect(() => prepareImport('{"device_id":"a"}', 'json')).toThrow(ImportFileError);
    expect(() => prepareImport('[{', 'json')).toThrow(/not valid JSON/);
  });
});

describe('prepareImport: NDJSON', () => {
  it('numbers rows among the non-blank lines, keeps the line, and reports lines that are not JSON', () => {
    const prepared = prepareImport('{"device_id":"a"}\n\n{oops\r\n{"device_id":"b"}\n', 'ndjson');
    expect(prepared.rows).toEqual([
      { row: 1, line: 1, record: { device_id: 'a' } },
      { row: 3, line: 4, record: { device_id: 'b' } },
    ]);
    expect(prepared.unreadable).toEqual([{ row: 2, line: 3, deviceId: null, error: 'The line is not valid JSON' }]);
  });
});

describe('prepareImport: CSV', () => {
  it('turns each record into a registration, with lists, attributes and empty cells left out', () => {
    const csv = 'device_id,device_model,firmware_version,groups,tags,attributes.color\nsf-1,SF-1,1.0.0,lab; eu,wifi,black\nsf-2,,,,,\n';
    expect(prepareImport(csv, 'csv')).toEqual({
      format: 'csv',
      rows: [
        { row: 1, line: 2, record: { device_id: 'sf-1', device_model: 'SF-1', firmware_version: '1.0.0', groups: ['lab', 'eu'], tags: ['wifi'], attributes: { color: 'black' } } },
        { row: 2, line: 3, record: { device_id: 'sf-2' } },
      ],
      unreadable: [],
    });
  });

  it('reports a record with the wrong number of cells and sends the others', () => {
    const prepared = prepareImport('device_id,device_model\nsf-1,SF-1\nsf-2,SF-1,extra\nsf-3,SF-1', 'csv');
    expect(prepared.rows.map((row) => row.row)).toEqual([1, 3]);
    expect(prepared.unreadable).toEqual([{ row: 2, line: 3, deviceId: 'sf-2', error: '3 cells where the header has 2' }]);
  });

  it('refuses a header it cannot map', () => {
    expect(() => prepareImport('device_id,colour\n', 'csv')).toThrow(/Unknown CSV columns: colour/);
    expect(() => prepareImport('device_model\nSF-1', 'csv')).toThrow(/needs a device_id column/);
    expect(() => prepareImport('device_id,device_id\n', 'csv')).toThrow(/given twice: device_id/);
    expect(() => prepareImport('', 'csv')).toThrow(/empty/);
    expect(() => prepareImport('device_id\n"open', 'csv')).toThrow(/cannot be read: Line 2/);
  });
});

describe('toNdjson', () => {
  it('writes one JSON value per line', () => {
    expect(toNdjson([{ device_id: 'a' }, 7])).toBe('{"device_id":"a"}\n7');
  });
});
