import type { FieldError } from '../../common/errors/domain-error';
import { describeErrors, readDeviceCollections, readDeviceRecord } from './device-input';

function read(value: unknown): { record: ReturnType<typeof readDeviceRecord>; errors: FieldError[] } {
  const errors: FieldError[] = [];
  return { record: readDeviceRecord(value, errors), errors };
}

describe('readDeviceRecord', () => {
  it('reads a full registration and reuses the attributes object', () => {
    const attributes = { color: 'black', inches: 10.1, touch: false };
    const { record, errors } = read({ device_id: 'd1', device_type: 'frame', groups: ['a', 'b', 'a'], tags: [], attributes, extra: 1 });
    expect(errors).toEqual([]);
    expect(record).toEqual({
      device_id: 'd1',
      device_type: 'frame',
      device_model: null,
      manufacturer: null,
      hardware_version: null,
      firmware_version: null,
      groups: ['a', 'b'],
      tags: [],
      attributes,
    });
    expect(record?.attributes).toBe(attributes);
  });

  it('treats null like an absent field', () => {
    expect(read({ device_id: 'd1', device_type: null, groups: null, attributes: null }).record).toMatchObject({ device_type: null, groups: null, attributes: null });
  });

  it('reports every problem with its location', () => {
    const { record, errors } = read({ device_id: '', firmware_version: 5, tags: ['ok', ''], attributes: { a: {}, b: Number.NaN, c: 'x' } });
    expect(record).toBeNull();
    expect(errors.map((e) => e.loc)).toEqual([['device_id'], ['firmware_version'], ['tags', 1], ['attributes', 'a'], ['attributes', 'b']]);
    expect(describeErrors(errors)).toContain('attributes.a: Attribute "a"');
  });

  it('refuses what is not an object', () => {
    for (const value of [null, 'd1', ['d1'], 3]) expect(read(value).errors).toEqual([expect.objectContaining({ loc: [], type: 'object_type' })]);
  });

  it('refuses NUL characters, which PostgreSQL cannot store', () => {
    expect(read({ device_id: 'd1', manufacturer: 'a\u0000b' }).errors).toEqual([expect.objectContaining({ loc: ['manufacturer'], type: 'string_nul' })]);
    expect(read({ device_id: 'd1', attributes: { ['k\u0000']: 1 } }).errors).toEqual([expect.objectContaining({ type: 'attribute_name' })]);
  });

  it('refuses unpaired surrogates, which have no UTF-8 form, wherever text is stored', () => {
    expect(read({ device_id: 'd1', manufacturer: 'a\ud800' }).errors).toEqual([expect.objectContaining({ loc: ['manufacturer'], type: 'string_unicode' })]);
    expect(read({ device_id: 'd\udc00' }).errors).toEqual([expect.objectContaining({ loc: ['device_id'] })]);
    expect(read({ device_id: 'd1', tags: ['ok', 't\ud800'] }).errors).toEqual([expect.objectContaining({ loc: ['tags', 1] })]);
    expect(read({ device_id: 'd1', attributes: { ['k\ud800']: 1, v: 'x\udfff' } }).errors.map((e) => e.type)).toEqual(['attribute_name', 'attribute_value']);
    // A well-formed pair is fine.
    expect(read({ device_id: 'd1', manufacturer: 'emoji \ud83d\ude00' }).errors).toEqual([]);
  });
});

describe('readDeviceCollections', () => {
  it('reads only groups, tags and attributes', () => {
    const errors: FieldError[] = [];
    expect(readDeviceCollections({ tags: ['x'], device_type: 'ignored' }, errors)).toEqual({ groups: null, tags: ['x'], attributes: null });
    expect(errors).toEqual([]);
  });
});
