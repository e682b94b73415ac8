import { parseCsv } from './csv';

export type ImportFormat = 'json' | 'ndjson' | 'csv';

/** A row to send: what it holds and where it came from in the file, for the error table. */
export interface ImportRow {
  /** 1-based position among the file's rows (JSON array items, NDJSON lines, CSV records). */
  row: number;
  /** 1-based line of the file, when the format has one row per line. */
  line?: number;
  record: unknown;
}

/** A row refused, by the console before sending or by the service. */
export interface ImportFailure {
  row: number;
  line?: number;
  deviceId: string | null;
  error: string;
}

export interface PreparedImport {
  format: ImportFormat;
  /** Sent in this order: the service's `failed[].index` is a position in it. */
  rows: ImportRow[];
  /** Rows that could not be read; not sent. */
  unreadable: ImportFailure[];
}

/** A problem with the whole file: nothing is sent. */
export class ImportFileError extends Error {
  override name = 'ImportFileError';
}

/** The file's format from its name, or from its media type when the name has no known ending. */
export function importFormatOf(fileName: string, mediaType: string): ImportFormat | undefined {
  const name = fileName.toLowerCase();
  if (name.endsWith('.ndjson') || name.endsWith('.jsonl')) return 'ndjson';
  if (name.endsWith('.json')) return 'json';
  if (name.endsWith('.csv')) return 'csv';
  if (mediaType === 'application/json') return 'json';
  if (mediaType === 'application/x-ndjson' || mediaType === 'application/ndjson') return 'ndjson';
  if (mediaType === 'text/csv') return 'csv';
  return undefined;
}

/** The content type the service reads the rows in: a JSON file goes as a JSON array, the others as NDJSON. */
export function importContentType(format: ImportFormat): 'application/json' | 'application/x-ndjson' {
  return format === 'json' ? 'application/json' : 'application/x-ndjson';
}

/** NDJSON text of the rows: one JSON value per line. */
export function toNdjson(records: unknown[]): string {
  return records.map((record) => JSON.stringify(record)).join('\n');
}

export function prepareImport(text: string, format: ImportFormat): PreparedImport {
  if (format === 'json') return prepareJson(text);
  if (format === 'ndjson') return prepareNdjson(text);
  return prepareCsv(text);
}

function prepareJson(text: string): PreparedImport {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ImportFileError(`The file is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!Array.isArray(value)) throw new ImportFileError('A JSON import is an array of devices: [{"device_id": "…"}, …]');
  // Each item goes as it is: the service checks every row and reports the bad ones.
  return { format: 'json', rows: value.map((record: unknown, index) => ({ row: index + 1, record })), unreadable: [] };
}

function prepareNdjson(text: string): PreparedImport {
  const rows: ImportRow[] = [];
  const unreadable: ImportFailure[] = [];
  let row = 0;
  text.split(/\r\n|\n|\r/).forEach((content, index) => {
    if (content.trim() === '') return;
    row += 1;
    try {
      rows.push({ row, line: index + 1, record: JSON.parse(content) as unknown });
    } catch {
      unreadable.push({ row, line: index + 1, deviceId: null, error: 'The line is not valid JSON' });
    }
  });
  return { format: 'ndjson', rows, unreadable };
}

// CSV columns: the fields of `POST /devices`; `groups` and `tags` hold several names separated by
// `;`, and `attributes.<name>` columns fill the attributes (as strings).
const CSV_TEXT_COLUMNS = ['device_id', 'device_type', 'device_model', 'manufacturer', 'hardware_version', 'firmware_version'] as const;
const CSV_LIST_COLUMNS = ['groups', 'tags'] as const;
const ATTRIBUTE_PREFIX = 'attributes.';

function prepareCsv(text: string): PreparedImport {
  let records;
  try {
    records = parseCsv(text);
  } catch (error) {
    throw new ImportFileError(`The CSV file cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  const [header, ...data] = records;
  if (header === undefined) throw new ImportFileError('The CSV file is empty: it needs a header line (device_id,device_model,…) and a line per device');
  const columns = header.cells.map((cell) => cell.trim());
  checkCsvColumns(columns);

  const rows: ImportRow[] = [];
  const unreadable: ImportFailure[] = [];
  data.forEach(({ cells, line }, index) => {
    const row = index + 1;
    if (cells.length !== columns.length) {
      const deviceId = cells[columns.indexOf('device_id')]?.trim() || null;
      unreadable.push({ row, line, deviceId, error: `${cells.length} cells where the header has ${columns.length}` });
      return;
    }
    rows.push({ row, line, record: csvRecord(columns, cells) });
  });
  return { format: 'csv', rows, unreadable };
}

function checkCsvColumns(columns: string[]): void {
  const known = new Set<string>([...CSV_TEXT_COLUMNS, ...CSV_LIST_COLUMNS]);
  const unknown = columns.filter((column) => !known.has(column) && !(column.startsWith(ATTRIBUTE_PREFIX) && column.length > ATTRIBUTE_PREFIX.length));
  if (unknown.length > 0) {
    throw new ImportFileError(
      `Unknown CSV columns: ${unknown.join(', ')}. Columns are ${[...CSV_TEXT_COLUMNS, ...CSV_LIST_COLUMNS].join(', ')} and attributes.<name>`,
    );
  }
  const repeated = columns.filter((column, index) => columns.indexOf(column) !== index);
  if (repeated.length > 0) throw new ImportFileError(`CSV columns given twice: ${[...new Set(repeated)].join(', ')}`);
  if (!columns.includes('device_id')) throw new ImportFileError('The CSV file needs a device_id column');
}

/** One device from a CSV record; empty cells are left out, so they keep the stored value. */
function csvRecord(columns: string[], cells: string[]): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  const attributes: Record<string, string> = {};
  columns.forEach((column, index) => {
    const value = (cells[index] ?? '').trim();
    if (value === '') return;
    if (column.startsWith(ATTRIBUTE_PREFIX)) attributes[column.slice(ATTRIBUTE_PREFIX.length)] = value;
    else if ((CSV_LIST_COLUMNS as readonly string[]).includes(column)) record[column] = value.split(';').map((name) => name.trim()).filter((name) => name !== '');
    else record[column] = value;
  });
  if (Object.keys(attributes).length > 0) record.attributes = attributes;
  return record;
}
