import { createHash } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { firmwareVersionKey, hardwareVersionKey } from '../../src/common/versions/version-key';
import {
  createDevice,
  DEVICE_GROUPS_URL,
  devicePayload,
  deviceRows,
  DEVICES_URL,
  deviceUrl,
  registerDevice,
  uniqueDeviceId,
} from '../utils/device-factory';
import { createTestApp, type TestApp } from '../utils/test-app';
import { withClient } from '../utils/test-database';
import { bearer, hs256Token } from '../utils/tokens';

const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const RESPONSE_FIELDS = [
  'device_id',
  'device_type',
  'device_model',
  'manufacturer',
  'hardware_version',
  'firmware_version',
  'groups',
  'tags',
  'attributes',
  'has_token',
  'token_issued_at',
  'last_seen_at',
  'created_at',
  'updated_at',
];

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

describe('device registry', () => {
  let t: TestApp;
  /** Operator, viewer and another organization's operator. */
  let operator: Record<string, string>;
  let viewer: Record<string, string>;
  let otherOrg: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp();
    operator = bearer(await hs256Token({ sub: 'op-1', organization_id: 'org-a', role: 'operator' }));
    viewer = bearer(await hs256Token({ sub: 'viewer-1', organization_id: 'org-a', role: 'viewer' }));
    otherOrg = bearer(await hs256Token({ sub: 'op-2', organization_id: 'org-b', role: 'operator' }));
  });
  afterAll(() => t.close());

  /** An operator of an organization of its own, so lists and counts hold only what the test made. */
  async function freshOrganization(): Promise<Record<string, string>> {
    return bearer(await hs256Token({ sub: 'op-x', organization_id: uniqueDeviceId('org'), role: 'operator' }));
  }

  function expectValidation(res: LightMyRequestResponse, loc: (string | number)[]): void {
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'request/validation_failed', detail: expect.any(String) });
    expect(res.json().errors).toEqual(expect.arrayContaining([expect.objectContaining({ loc })]));
  }

  describe('registration', () => {
    it('creates a device: 201, every field, a device token shown once, only its hash stored', async () => {
      const payload = devicePayload();
      const res = await registerDevice(t, operator, payload);

      expect(res.statusCode).toBe(201);
      const body = res.json();
      expect(Object.keys(body).sort()).toEqual([...RESPONSE_FIELDS, 'device_token'].sort());
      expect(body).toMatchObject({
        device_id: payload.device_id,
        device_type: 'smart_frame',
        device_model: 'SF-2024-Pro',
        manufacturer: 'SmartTech',
        hardware_version: '1.2',
        firmware_version: '1.4.2',
        groups: ['living-room'],
        tags: ['wifi'],
        attributes: { color: 'black', screen_inches: 10.1, touch: true },
        has_token: true,
        last_seen_at: null,
      });
      expect(body.device_token).toMatch(/^dvt_[A-Za-z0-9_-]{43}$/);
      expect(body.token_issued_at).toMatch(ISO_UTC);
      expect(body.created_at).toMatch(ISO_UTC);

      const [row] = (await deviceRows(t, 'org-a')).filter((r) => r.device_id === payload.device_id);
      expect(row.token_hash).toBe(sha256Hex(body.device_token));
      expect(JSON.stringify(row)).not.toContain(body.device_token);
      expect(row.firmware_version_key).toEqual(firmwareVersionKey('1.4.2'));
      expect(row.hardware_version_key).toEqual(hardwareVersionKey('1.2'));

      const fetched = await t.request({ method: 'GET', url: deviceUrl(payload.device_id as string), headers: viewer });
      expect(fetched.statusCode).toBe(200);
      const { device_token: _token, ...withoutToken } = body;
      expect(fetched.json()).toEqual(withoutToken);
    });

    it('updates a registered device_id: 200, given fields replaced, absent ones kept, the token neither shown nor changed', async () => {
      const created = await createDevice(t, operator);
      const [before] = (await deviceRows(t, 'org-a')).filter((r) => r.device_id === created.device_id);

      const res = await registerDevice(t, operator, { device_id: created.device_id, firmware_version: '2.0.0-beta.1', tags: ['lte', 'lte'] });

      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).not.toHaveProperty('device_token');
      expect(body).toMatchObject({
        device_type: 'smart_frame',
        device_model: 'SF-2024-Pro',
        hardware_version: '1.2',
        firmware_version: '2.0.0-beta.1',
        groups: ['living-room'],
        tags: ['lte'],
        attributes: created.attributes,
        has_token: true,
        token_issued_at: created.token_issued_at,
        created_at: created.created_at,
      });
      const [after] = (await deviceRows(t, 'org-a')).filter((r) => r.device_id === created.device_id);
      expect(after.token_hash).toBe(before.token_hash);
      expect(after.firmware_version_key).toEqual(firmwareVersionKey('2.0.0-beta.1'));
      expect(after.hardware_version_key).toEqual(before.hardware_version_key);
    });

    it('stores a firmware version that is not semver, with no sort key (it never matches a range)', async () => {
      const created = await createDevice(t, operator, { firmware_version: 'build-2024-11', hardware_version: 'rev3' });
      const [row] = (await deviceRows(t, 'org-a')).filter((r) => r.device_id === created.device_id);
      expect(row.firmware_version_key).toBeNull();
      expect(row.hardware_version_key).toEqual(hardwareVersionKey('3'));
      expect(created.firmware_version).toBe('build-2024-11');
    });

    it('registers a device with only its id: empty collections, null fields', async () => {
      const res = await registerDevice(t, operator, { device_id: uniqueDeviceId(), unknown_key: 'ignored' });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ device_type: null, firmware_version: null, groups: [], tags: [], attributes: {} });
      expect(res.json()).not.toHaveProperty('unknown_key');
    });

    it.each<[string, Record<string, unknown>, (string | number)[]]>([
      ['a missing device_id', { device_id: undefined }, ['body', 'device_id']],
      ['an empty device_id', { device_id: '' }, ['body', 'device_id']],
      ['a device_id of 256 characters', { device_id: 'd'.repeat(256) }, ['body', 'device_id']],
      ['a device_id with a control character', { device_id: 'dev\n1' }, ['body', 'device_id']],
      ['a numeric device_id', { device_id: 42 }, ['body', 'device_id']],
      ['a device_type of 101 characters', { device_type: 't'.repeat(101) }, ['body', 'device_type']],
      ['a numeric manufacturer', { manufacturer: 7 }, ['body', 'manufacturer']],
      ['a firmware_version of 51 characters', { firmware_version: '1'.repeat(51) }, ['body', 'firmware_version']],
      ['groups that are not an array', { groups: 'living-room' }, ['body', 'groups']],
      ['a group of 101 characters', { groups: ['ok', 'g'.repeat(101)] }, ['body', 'groups', 1]],
      ['51 tags', { tags: Array.from({ length: 51 }, (_, i) => `t${i}`) }, ['body', 'tags']],
      ['attributes that are an array', { attributes: ['a'] }, ['body', 'attributes']],
      ['a nested attribute', { attributes: { ok: 1, nested: { a: 1 } } }, ['body', 'attributes', 'nested']],
      ['a null attribute', { attributes: { gone: null } }, ['body', 'attributes', 'gone']],
      ['an attribute list', { attributes: { list: [1, 2] } }, ['body', 'attributes', 'list']],
      ['an attribute of 501 characters', { attributes: { note: 'n'.repeat(501) } }, ['body', 'attributes', 'note']],
      ['51 attributes', { attributes: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])) }, ['body', 'attributes']],
    ])('refuses %s with 422 naming the field', async (_label, overrides, loc) => {
      const res = await registerDevice(t, operator, devicePayload(overrides));
      expectValidation(res, loc);
    });

    it('refuses a body that is not an object with 422 at ["body"], and writes nothing on any refusal', async () => {
      const before = (await deviceRows(t, 'org-a')).length;
      expectValidation(await t.request({ method: 'POST', url: DEVICES_URL, headers: operator, payload: [devicePayload()] }), ['body']);
      expectValidation(await registerDevice(t, operator, devicePayload({ attributes: { nested: {} } })), ['body', 'attributes', 'nested']);
      expect((await deviceRows(t, 'org-a')).length).toBe(before);
    });

    it('is for operators: a viewer may read but not register (403)', async () => {
      const res = await registerDevice(t, viewer);
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('auth/forbidden');
      expect((await t.request({ method: 'GET', url: DEVICES_URL, headers: viewer })).statusCode).toBe(200);
    });
  });

  describe('reading', () => {
    it('answers 404 device/not_found for an unknown device', async () => {
      const res = await t.request({ method: 'GET', url: deviceUrl('no-such-device'), headers: viewer });
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('device/not_found');
    });

    it('addresses ids with reserved characters when they are URL-encoded', async () => {
      const created = await createDevice(t, operator, { device_id: `mac/aa:bb cc?${uniqueDeviceId()}` });
      const res = await t.request({ method: 'GET', url: deviceUrl(created.device_id), headers: viewer });
      expect(res.statusCode).toBe(200);
      expect(res.json().device_id).toBe(created.device_id);
    });

    it('pages newest first with the list envelope and the total', async () => {
      const org = await freshOrganization();
      const created: { device_id: string; created_at: string }[] = [];
      for (let i = 0; i < 5; i += 1) {
        const device = await createDevice(t, org);
        created.push({ device_id: device.device_id, created_at: device.created_at as string });
      }
      // Newest first; devices created within the same millisecond by id.
      const expected = [...created]
        .sort((a, b) => b.created_at.localeCompare(a.created_at) || (a.device_id < b.device_id ? -1 : 1))
        .map((d) => d.device_id);

      const first = await t.request({ method: 'GET', url: `${DEVICES_URL}?limit=2`, headers: org });
      expect(first.statusCode).toBe(200);
      expect(first.json()).toMatchObject({
        limit: 2,
        offset: 0,
        count: 2,
        total: 5,
        filters: { device_type: null, device_model: null, group: null, tag: null, firmware_version: null, q: null },
      });
      const pages = [first.json().devices];
      for (const offset of [2, 4]) pages.push((await t.request({ method: 'GET', url: `${DEVICES_URL}?limit=2&offset=${offset}`, headers: org })).json().devices);
      expect(pages.flat().map((d: { device_id: string }) => d.device_id)).toEqual(expected);
      expect(pages[2]).toHaveLength(1);
    });

    it('filters by device_type, device_model, group, tag, firmware_version range and id prefix', async () => {
      const org = await freshOrganization();
      const prefix = uniqueDeviceId('flt');
      const make = (suffix: string, fields: Record<string, unknown>) => createDevice(t, org, { device_id: `${prefix}-${suffix}`, ...fields });
      await make('a', { device_type: 'frame', device_model: 'M1', groups: ['hall'], tags: ['wifi'], firmware_version: '1.9.0' });
      await make('b', { device_type: 'frame', device_model: 'M2', groups: ['hall', 'attic'], tags: ['lte', 'wifi'], firmware_version: '1.10.0' });
      await make('c', { device_type: 'speaker', device_model: 'M1', groups: ['attic'], tags: [], firmware_version: '2.0.0-rc.1' });
      await make('d', { device_type: 'speaker', device_model: 'M3', groups: [], tags: ['lte'], firmware_version: 'not-a-version' });
      await createDevice(t, org, { device_id: `other-${prefix}`, device_type: 'frame', firmware_version: '1.0.0' });
      await createDevice(t, org, { device_id: `${prefix}_x%`, device_type: 'lamp', firmware_version: '3.0.0' });

      const ids = async (query: string): Promise<string[]> => {
        const res = await t.request({ method: 'GET', url: `${DEVICES_URL}?limit=200&${query}`, headers: org });
        expect(res.statusCode).toBe(200);
        expect(res.json().total).toBe(res.json().count);
        return res.json().devices.map((d: { device_id: string }) => d.device_id.replace(`${prefix}-`, '')).sort();
      };
      expect(await ids(`q=${encodeURIComponent(`${prefix}-`)}`)).toEqual(['a', 'b', 'c', 'd']);
      expect(await ids(`device_type=frame&q=${encodeURIComponent(prefix)}`)).toEqual(['a', 'b']);
      expect(await ids('device_model=M1')).toEqual(['a', 'c']);
      expect(await ids('group=hall')).toEqual(['a', 'b']);
      expect(await ids('group=attic&tag=lte')).toEqual(['b']);
      expect(await ids(`tag=wifi&q=${encodeURIComponent(`${prefix}-`)}`)).toEqual(['a', 'b']);
      // 1.10.0 > 1.9.0, prereleases only match ranges that name them, non-semver never matches.
      expect(await ids(`firmware_version=${encodeURIComponent('>=1.9.1')}&q=${encodeURIComponent(prefix)}`)).toEqual(['b', `${prefix}_x%`].sort());
      expect(await ids(`firmware_version=${encodeURIComponent('1.x')}&q=${encodeURIComponent(prefix)}`)).toEqual(['a', 'b']);
      expect(await ids(`firmware_version=${encodeURIComponent('>=2.0.0-rc.0 <2.0.0')}`)).toEqual(['c']);
      // `%` and `_` in q are literal characters, not wildcards.
      expect(await ids(`q=${encodeURIComponent(`${prefix}_x%`)}`)).toEqual([`${prefix}_x%`]);
      expect(await ids(`q=${encodeURIComponent(`${prefix.slice(0, -1)}_`)}`)).toEqual([]);

      const echoed = await t.request({ method: 'GET', url: `${DEVICES_URL}?group=hall&firmware_version=1.x`, headers: org });
      expect(echoed.json().filters).toEqual({ device_type: null, device_model: null, group: 'hall', tag: null, firmware_version: '1.x', q: null });
    });

    it('refuses an invalid firmware_version range with 422 at ["query","firmware_version"]', async () => {
      const res = await t.request({ method: 'GET', url: `${DEVICES_URL}?firmware_version=${encodeURIComponent('>=banana')}`, headers: viewer });
      expectValidation(res, ['query', 'firmware_version']);
    });

    it('refuses a bad limit with 422 at ["query","limit"]', async () => {
      expectValidation(await t.request({ method: 'GET', url: `${DEVICES_URL}?limit=0`, headers: viewer }), ['query', 'limit']);
    });
  });

  describe('changes', () => {
    it('PATCH replaces the given collections and keeps everything else', async () => {
      const created = await createDevice(t, operator);
      const res = await t.request({
        method: 'PATCH',
        url: deviceUrl(created.device_id),
        headers: operator,
        payload: { groups: ['kitchen', 'beta'], attributes: { color: 'white' }, device_type: 'ignored' },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        groups: ['kitchen', 'beta'],
        tags: ['wifi'],
        attributes: { color: 'white' },
        device_type: 'smart_frame',
        created_at: created.created_at,
      });
      const emptied = await t.request({ method: 'PATCH', url: deviceUrl(created.device_id), headers: operator, payload: { tags: [] } });
      expect(emptied.json()).toMatchObject({ groups: ['kitchen', 'beta'], tags: [] });
    });

    it('PATCH validates like registration and answers 404 for an unknown device', async () => {
      const created = await createDevice(t, operator);
      const bad = await t.request({ method: 'PATCH', url: deviceUrl(created.device_id), headers: operator, payload: { attributes: { deep: { a: 1 } } } });
      expectValidation(bad, ['body', 'attributes', 'deep']);
      const missing = await t.request({ method: 'PATCH', url: deviceUrl('no-such-device'), headers: operator, payload: { tags: [] } });
      expect(missing.statusCode).toBe(404);
      expect(missing.json().code).toBe('device/not_found');
    });

    it('rotates the token: 200 with a new token whose hash replaces the old one', async () => {
      const created = await createDevice(t, operator);
      const res = await t.request({ method: 'POST', url: deviceUrl(created.device_id, '/token'), headers: operator });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.device_token).toMatch(/^dvt_/);
      expect(body.device_token).not.toBe(created.device_token);
      expect(body).toMatchObject({ device_id: created.device_id, has_token: true });
      const [row] = (await deviceRows(t, 'org-a')).filter((r) => r.device_id === created.device_id);
      expect(row.token_hash).toBe(sha256Hex(body.device_token));

      const unknown = await t.request({ method: 'POST', url: deviceUrl('no-such-device', '/token'), headers: operator });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json().code).toBe('device/not_found');
    });

    it('DELETE answers 200 with the device, records device.deleted, and the device is gone', async () => {
      const created = await createDevice(t, operator);
      const res = await t.request({ method: 'DELETE', url: deviceUrl(created.device_id), headers: operator });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ device_id: created.device_id, device_type: 'smart_frame' });
      expect(res.json()).not.toHaveProperty('device_token');

      const events = await withClient(t.database.url, async (client) =>
        (await client.query("SELECT organization_id, envelope FROM ota.outbox_events WHERE type = 'device.deleted'")).rows,
      );
      expect(events).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ organization_id: 'org-a', envelope: expect.objectContaining({ data: expect.objectContaining({ device_id: created.device_id }) }) }),
        ]),
      );
      expect((await t.request({ method: 'GET', url: deviceUrl(created.device_id), headers: viewer })).statusCode).toBe(404);
      expect((await t.request({ method: 'DELETE', url: deviceUrl(created.device_id), headers: operator })).statusCode).toBe(404);
    });
  });

  describe('groups', () => {
    it('counts devices per group, sorted by name', async () => {
      const org = await freshOrganization();
      await createDevice(t, org, { groups: ['b-group', 'a-group'] });
      await createDevice(t, org, { groups: ['b-group'] });
      await createDevice(t, org, { groups: [] });
      const res = await t.request({ method: 'GET', url: DEVICE_GROUPS_URL, headers: org });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        groups: [
          { name: 'a-group', device_count: 1 },
          { name: 'b-group', device_count: 2 },
        ],
        total: 2,
      });
    });
  });

  describe('organization isolation', () => {
    it('another organization sees none of the devices: 404 on each, empty lists and groups', async () => {
      const created = await createDevice(t, operator, { groups: ['only-in-a'] });
      const url = deviceUrl(created.device_id);
      for (const [method, target, payload] of [
        ['GET', url, undefined],
        ['PATCH', url, { tags: [] }],
        ['DELETE', url, undefined],
        ['POST', deviceUrl(created.device_id, '/token'), undefined],
      ] as const) {
        const res = await t.request({ method, url: target, headers: otherOrg, ...(payload ? { payload } : {}) });
        expect({ method, status: res.statusCode, code: res.json().code }).toEqual({ method, status: 404, code: 'device/not_found' });
      }
      const list = await t.request({ method: 'GET', url: `${DEVICES_URL}?q=${encodeURIComponent(created.device_id)}`, headers: otherOrg });
      expect(list.json()).toMatchObject({ devices: [], total: 0 });
      const groups = await t.request({ method: 'GET', url: DEVICE_GROUPS_URL, headers: otherOrg });
      expect(groups.json().groups.map((g: { name: string }) => g.name)).not.toContain('only-in-a');

      // The same id in another organization is another device.
      const twin = await registerDevice(t, otherOrg, devicePayload({ device_id: created.device_id, device_type: 'twin' }));
      expect(twin.statusCode).toBe(201);
      const original = await t.request({ method: 'GET', url, headers: viewer });
      expect(original.json().device_type).toBe('smart_frame');
    });
  });
});
