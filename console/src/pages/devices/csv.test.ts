import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, parseCsv } from './csv';

describe('parseCsv', () => {
  it('splits records and cells, with their starting lines', () => {
    expect(parseCsv('a,b\r\n1,2\n3,\n')).toEqual([
      { cells: ['a', 'b'], line: 1 },
      { cells: ['1', '2'], line: 2 },
      { cells: ['3', ''], line: 3 },
    ]);
  });

  it('reads quoted cells with commas, doubled quotes and line breaks', () => {
    expect(parseCsv('id,note\nx,"a, ""b""\nc"\ny,z')).toEqual([
      { cells: ['id', 'note'], line: 1 },
      { cells: ['x', 'a, "b"\nc'], line: 2 },
      { cells: ['y', 'z'], line: 4 },
    ]);
  });

  it('skips blank lines and a byte-order mark, and keeps a quoted empty cell', () => {
    expect(parseCsv('\uFEFFid\n\n\r\n""\nlast')).toEqual([
      { cells: ['id'], line: 1 },
      { cells: [''], line: 4 },
      { cells: ['last'], line: 5 },
    ]);
  });

  it('handles old Mac line ends', () => {
    expect(parseCsv('a\rb').map((record) => record.line)).toEqual([1, 2]);
  });

  it('refuses an unclosed quote and a stray quote, naming the line', () => {
    expect(() => parseCsv('id\n"open,\nmore')).toThrow(new CsvSyntaxError('a quoted field is not closed', 2));
    expect(() => parseCsv('id\nab"c')).toThrow(/Line 2: a quote inside an unquoted field/);
  });
});
