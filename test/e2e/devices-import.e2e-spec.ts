import { Readable } from 'node:stream';
import { firmwareVersionKey, hardwareVersionKey } from '../../src/common/versions/version-key';
import {
  DEVICE_IMPORT_URL,
  devicePayload,
  deviceRows,
  deviceUrl,
  importDevices,
  ndjson,
  registerDevice,
  uniqueDeviceId,
} from '../utils/device-factory';
import { createTestApp, type TestApp } from '../utils/test-app';
import { withClient } from '../utils/test-database';
import { bearer, hs256Token } from '../utils/tokens';

const MAX_ROWS = 100_000;

/** An operator of an organization of its own, so the table holds only what the test imported there. */
async function freshOrganization(): Promise<{ id: string; headers: Record<string, string> }> {
  const id = uniqueDeviceId('org');
  return { id, headers: bearer(await hs256Token({ sub: 'importer', organization_id: id, role: 'operator' })) };
}

describe('device import', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  describe.each(['json', 'ndjson'] as const)('as %s', (format) => {
    const send = (headers: Record<string, string>, rows: unknown[]) => importDevices(t, headers, format === 'json' ? rows : ndjson(rows));

    it('writes the good rows, reports each bad one with its index, and writes none of the bad ones', async () => {
      const org = await freshOrganization();
      const good = [devicePayload(), devicePayload({ groups: ['g1'], firmware_version: '2.0.0' }), devicePayload({ attributes: undefined })];
      const rows = [
        good[0],
        devicePayload({ device_id: 'bad-type', device_type: 't'.repeat(101) }),
        good[1],
        'just a string',
        devicePayload({ device_id: good[0].device_id, device_type: 'duplicate' }),
        devicePayload({ device_id: 'bad-attribute', attributes: { nested: { a: 1 } } }),
        { device_type: 'no id' },
        good[2],
      ];

      const res = await send(org.headers, rows);

      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({ created: 3, updated: 0 });
      expect(body.failed.map((f: { index: number }) => f.index)).toEqual([1, 3, 4, 5, 6]);
      expect(body.failed).toEqual([
        { index: 1, device_id: 'bad-type', error: expect.stringContaining('device_type') },
        { index: 3, device_id: null, error: expect.any(String) },
        { index: 4, device_id: good[0].device_id, error: expect.stringContaining('row 0') },
        { index: 5, device_id: 'bad-attribute', error: expect.stringContaining('attributes.nested') },
        { index: 6, device_id: null, error: expect.stringContaining('device_id') },
      ]);
      const stored = await deviceRows(t, org.id);
      expect(stored.map((r) => r.device_id).sort()).toEqual(good.map((g) => g.device_id as string).sort());
      // The first occurrence of a repeated id wins.
      expect(stored.find((r) => r.device_id === good[0].device_id)?.device_type).toBe('smart_frame');
      const second = stored.find((r) => r.device_id === good[1].device_id);
      expect(second).toMatchObject({ groups: ['g1'], token_hash: null });
      expect(second?.firmware_version_key).toEqual(firmwareVersionKey('2.0.0'));
      expect(second?.hardware_version_key).toEqual(hardwareVersionKey('1.2'));
      expect(stored.find((r) => r.device_id === good[2].device_id)?.attributes).toEqual({});
    });

    it('counts a re-import as updated: given fields replaced, absent ones kept, tokens untouched', async () => {
      const org = await freshOrganization();
      const registered = await registerDevice(t, org.headers, devicePayload({ groups: ['keep-me'] }));
      expect(registered.statusCode).toBe(201);
      const first = [devicePayload(), devicePayload({ tags: ['old'] })];
      expect((await send(org.headers, first)).json()).toMatchObject({ created: 2, updated: 0, failed: [] });

      const again = [
        { device_id: registered.json().device_id, firmware_version: '9.9.9' },
        { device_id: first[0].device_id, groups: ['new-group'], firmware_version: 'odd-version' },
        { device_id: first[1].device_id, tags: [] },
        devicePayload(),
      ];
      expect((await send(org.headers, again)).json()).toEqual({ created: 1, updated: 3, failed: [] });

      const byId = new Map((await deviceRows(t, org.id)).map((r) => [r.device_id, r]));
      expect(byId.get(registered.json().device_id)).toMatchObject({ groups: ['keep-me'], firmware_version: '9.9.9', device_type: 'smart_frame' });
      expect(byId.get(registered.json().device_id)?.token_hash).not.toBeNull();
      expect(byId.get(first[0].device_id as string)).toMatchObject({ groups: ['new-group'], tags: ['wifi'], firmware_version: 'odd-version', firmware_version_key: null });
      expect(byId.get(first[1].device_id as string)).toMatchObject({ groups: ['living-room'], tags: [] });
      expect(byId.size).toBe(4);
    });
  });

  it('reads NDJSON with CRLF endings, blank lines (not counted) and invalid JSON lines', async () => {
    const org = await freshOrganization();
    const [a, b] = [devicePayload(), devicePayload()];
    const body = `${JSON.stringify(a)}\r\n\r\n{"device_id": "broken"\n   \n${JSON.stringify(b)}`;
    const res = await importDevices(t, org.headers, body);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ created: 2, updated: 0, failed: [{ index: 1, device_id: null, error: 'The line is not valid JSON' }] });
    expect((await deviceRows(t, org.id)).map((r) => r.device_id).sort()).toEqual([a.device_id, b.device_id].sort());
  });

  it('writes imports larger than one batch, giving imported devices no token until one is issued', async () => {
    const org = await freshOrganization();
    const rows = Array.from({ length: 12_345 }, (_, i) => ({
      device_id: `bulk-${i}`,
      device_model: `M${i % 3}`,
      firmware_version: `1.${i % 20}.0`,
      ...(i % 2 === 0 ? { groups: ['even'] } : {}),
    }));
    const res = await importDevices(t, org.headers, ndjson(rows));
    expect(res.json()).toEqual({ created: rows.length, updated: 0, failed: [] });
    const counts = await withClient(t.database.url, async (client) =>
      (
        await client.query(
          `SELECT count(*)::int AS total, count(*) FILTER (WHERE 'even' = ANY(groups))::int AS even,
             count(*) FILTER (WHERE token_hash IS NOT NULL)::int AS with_token,
             count(*) FILTER (WHERE firmware_version_key IS NULL)::int AS without_key
           FROM ota.devices WHERE organization_id = $1`,
          [org.id],
        )
      ).rows[0],
    );
    expect(counts).toEqual({ total: rows.length, even: Math.ceil(rows.length / 2), with_token: 0, without_key: 0 });

    const device = await t.request({ method: 'GET', url: deviceUrl('bulk-7'), headers: org.headers });
    expect(device.json()).toMatchObject({ has_token: false, token_issued_at: null, firmware_version: '1.7.0' });
    const token = await t.request({ method: 'POST', url: deviceUrl('bulk-7', '/token'), headers: org.headers });
    expect(token.statusCode).toBe(200);
    expect(token.json()).toMatchObject({ has_token: true, device_token: expect.stringMatching(/^dvt_/) });
  });

  it('keeps names with quotes, backslashes, commas and braces exactly as sent', async () => {
    const org = await freshOrganization();
    const names = ['say "hi"', 'back\\slash', 'a,b', '{braces}', 'NULL', ' spaced '];
    const res = await importDevices(t, org.headers, ndjson([devicePayload({ device_id: 'odd-names', groups: names, tags: names })]));
    expect(res.json()).toMatchObject({ created: 1, failed: [] });
    const [row] = await deviceRows(t, org.id);
    expect(row).toMatchObject({ groups: names, tags: names });
  });

  it('writes nothing when the database refuses a row of a later batch', async () => {
    const org = await freshOrganization();
    await withClient(t.database.url, async (client) => {
      await client.query(`CREATE FUNCTION refuse_device() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.device_id = 'refused-by-db' THEN RAISE EXCEPTION 'refused for the test'; END IF; RETURN NEW; END $$`);
      await client.query('CREATE TRIGGER refuse_device BEFORE INSERT ON ota.devices FOR EACH ROW EXECUTE FUNCTION refuse_device()');
    });
    try {
      const rows = Array.from({ length: 11_000 }, (_, i) => ({ device_id: i === 10_500 ? 'refused-by-db' : `ok-${i}` }));
      const res = await importDevices(t, org.headers, ndjson(rows));
      expect(res.statusCode).toBe(500);
      expect(res.json().code).toBe('internal/error');
    } finally {
      await withClient(t.database.url, (client) => client.query('DROP TRIGGER refuse_device ON ota.devices'));
    }
    expect(await deviceRows(t, org.id)).toEqual([]);
  });

  it('answers an empty import with zero counts', async () => {
    const org = await freshOrganization();
    expect((await importDevices(t, org.headers, [])).json()).toEqual({ created: 0, updated: 0, failed: [] });
    expect((await importDevices(t, org.headers, '')).json()).toEqual({ created: 0, updated: 0, failed: [] });
  });

  it('refuses a JSON body that is not an array with 422 at ["body"]', async () => {
    const org = await freshOrganization();
    const res = await t.request({ method: 'POST', url: DEVICE_IMPORT_URL, headers: org.headers, payload: devicePayload() });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors).toEqual([expect.objectContaining({ loc: ['body'] })]);
  });

  it.each(['json', 'ndjson'] as const)('refuses more than 100 000 rows as %s with 413 and writes nothing', async (format) => {
    const org = await freshOrganization();
    const rows = Array.from({ length: MAX_ROWS + 1 }, (_, i) => ({ device_id: `r${i}` }));
    const res = await importDevices(t, org.headers, format === 'json' ? rows : ndjson(rows));
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('device/import_too_large');
    expect(await deviceRows(t, org.id)).toEqual([]);
  });

  it('is for operators (a viewer gets 403), and other routes refuse NDJSON with 415', async () => {
    const viewer = bearer(await hs256Token({ organization_id: 'org-a', role: 'viewer' }));
    expect((await importDevices(t, viewer, [devicePayload()])).statusCode).toBe(403);
    const operator = bearer(await hs256Token({ organization_id: 'org-a', role: 'operator' }));
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/devices',
      headers: { ...operator, 'content-type': 'application/x-ndjson' },
      payload: JSON.stringify(devicePayload()),
    });
    expect(res.statusCode).toBe(415);
    expect(res.json().code).toBe('request/unsupported_media_type');
  });
});

describe('device import body limits', () => {
  const IMPORT_MAX_BYTES = 16 * 1024;
  const BODY_LIMIT_BYTES = 2 * 1024;
  let t: TestApp;
  let org: { id: string; headers: Record<string, string> };

  beforeAll(async () => {
    t = await createTestApp({ env: { DEVICE_IMPORT_MAX_BYTES: String(IMPORT_MAX_BYTES), BODY_LIMIT_BYTES: String(BODY_LIMIT_BYTES) } });
    org = await freshOrganization();
  });
  afterAll(() => t.close());

  /** Rows whose serialized size is above `bytes`. */
  function rowsOver(bytes: number): Record<string, unknown>[] {
    const rows: Record<string, unknown>[] = [];
    while (JSON.stringify(rows).length <= bytes) rows.push(devicePayload());
    return rows;
  }

  it('accepts an import above the global body limit but within DEVICE_IMPORT_MAX_BYTES', async () => {
    const rows = rowsOver(BODY_LIMIT_BYTES * 2);
    for (const body of [rows, ndjson(rows.map((row) => ({ ...row, device_id: `${row.device_id as string}-nd` })))]) {
      const res = await importDevices(t, org.headers, body);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ created: rows.length, failed: [] });
    }
  });

  it('refuses a body over DEVICE_IMPORT_MAX_BYTES with 413 and writes nothing', async () => {
    const before = (await deviceRows(t, org.id)).length;
    const rows = rowsOver(IMPORT_MAX_BYTES);
    const asJson = await importDevices(t, org.headers, rows);
    expect(asJson.statusCode).toBe(413);
    expect(asJson.json().code).toBe('request/body_too_large');

    const asNdjson = await importDevices(t, org.headers, ndjson(rows));
    expect(asNdjson.statusCode).toBe(413);
    expect(asNdjson.json().code).toBe('device/import_too_large');

    // Without a declared length (a streamed body) the bytes are counted as they are read.
    const lines = rows.map((row) => `${JSON.stringify(row)}\n`);
    const chunked = await t.request({
      method: 'POST',
      url: DEVICE_IMPORT_URL,
      headers: { ...org.headers, 'content-type': 'application/x-ndjson' },
      payload: Readable.from(lines),
    });
    expect(chunked.statusCode).toBe(413);
    expect(chunked.json().code).toBe('device/import_too_large');
    expect((await deviceRows(t, org.id)).length).toBe(before);
  });

  it('keeps the global limit on the other routes', async () => {
    const res = await registerDevice(t, org.headers, devicePayload({ attributes: { note: 'n'.repeat(400) }, tags: Array.from({ length: 40 }, (_, i) => `tag-${i}-${'x'.repeat(40)}`) }));
    expect(res.statusCode).toBe(413);
  });
});
