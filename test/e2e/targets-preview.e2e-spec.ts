import semver from 'semver';
import { type DeviceRow, deviceRow, insertDeviceRows } from '../utils/device-rows';
import { firmwareMetadata, uploadFirmware } from '../utils/firmware-factory';
import { sampleBucket, sampleOrder } from '../utils/sample-hash';
import { createTestApp, type TestApp } from '../utils/test-app';
import { bearer, hs256Token } from '../utils/tokens';

/**
 * `POST /api/v1/targets/preview` through the real application. Every figure is checked against
 * an independent count made here over the inserted rows: semver.satisfies for ranges,
 * semver.coerce for hardware bounds, and the sample's hash transcribed in test/utils/sample-hash.ts.
 */
const URL = '/api/v1/targets/preview';
const FIRMWARE_VERSIONS = ['1.0.0', '1.2.0', '1.9.0', '1.10.0', '1.10.0-beta.1', '2.0.0-rc.1', '2.0.0', 'v2.0.0', '2.0.0+build.9', '2.1.0', 'banana', '1.2', null];
const HARDWARE_VERSIONS = ['1.0', '1.5', '2', 'rev3', 'v2.5.1', 'unknown', null];
const MODELS = ['SF-2024-Pro', 'SF-2024-Pro', 'SF-2024-Pro', 'SF-Mini'];
const TYPES = ['smart_frame', 'smart_frame', 'camera'];
const GROUPS = [[], ['eu'], ['us'], ['eu', 'beta-testers']];
const TAGS = [[], ['indoor'], ['indoor', 'wifi'], ['wifi']];
const REGIONS = ['eu', 'us', 'apac'];

type Filters = Record<string, unknown>;
interface Body {
  target_devices?: string[];
  target_groups?: string[];
  target_filters?: Filters;
  rollout_percentage?: number;
  firmware_id?: string;
  seed?: string;
}
interface Firmware {
  firmware_id: string;
  device_model: string;
  version: string;
  min_hardware_version: string | null;
  max_hardware_version: string | null;
}

/** A varied fleet, the same on every run: every combination of the lists above comes up. */
function fleet(organizationId: string, size: number, prefix: string): DeviceRow[] {
  return Array.from({ length: size }, (_, i) =>
    deviceRow({
      organization_id: organizationId,
      device_id: `${prefix}-${String(i).padStart(5, '0')}`,
      device_type: TYPES[i % TYPES.length],
      device_model: MODELS[(i >> 1) % MODELS.length],
      manufacturer: i % 5 === 0 ? 'OtherCo' : 'SmartTech',
      hardware_version: HARDWARE_VERSIONS[i % HARDWARE_VERSIONS.length],
      firmware_version: FIRMWARE_VERSIONS[i % FIRMWARE_VERSIONS.length],
      groups: GROUPS[(i >> 2) % GROUPS.length],
      tags: TAGS[(i >> 3) % TAGS.length],
      attributes: { region: REGIONS[i % REGIONS.length], floor: i % 4, outdoor: i % 6 === 0 },
    }),
  );
}

function matchesFilters(row: DeviceRow, filters: Filters): boolean {
  return Object.entries(filters).every(([key, value]) => {
    if (key === 'firmware_version') {
      return row.firmware_version !== null && semver.valid(row.firmware_version) !== null && semver.satisfies(row.firmware_version, value as string);
    }
    if (key === 'tags') return (value as string[]).every((tag) => row.tags.includes(tag));
    if (key === 'group') return row.groups.includes(value as string);
    if (key.startsWith('attributes.')) return row.attributes[key.slice('attributes.'.length)] === value;
    return row[key as 'device_type' | 'device_model' | 'manufacturer' | 'hardware_version'] === value;
  });
}

function hardwareWithin(row: DeviceRow, firmware: Firmware): boolean {
  const hardware = semver.coerce(row.hardware_version ?? '');
  const min = firmware.min_hardware_version ? semver.coerce(firmware.min_hardware_version) : null;
  const max = firmware.max_hardware_version ? semver.coerce(firmware.max_hardware_version) : null;
  if (!min && !max) return true;
  return hardware !== null && (!min || semver.gte(hardware, min)) && (!max || semver.lte(hardware, max));
}

function onVersion(row: DeviceRow, version: string): boolean {
  if (row.firmware_version === version) return true;
  return row.firmware_version !== null && semver.valid(row.firmware_version) !== null && semver.eq(row.firmware_version, version);
}

/** The preview worked out in JavaScript over the rows the test inserted. */
function expectedPreview(rows: DeviceRow[], organizationId: string, body: Body, firmware: Firmware | null) {
  const seed = body.seed ?? 'preview';
  const matched = rows.filter(
    (row) =>
      row.organization_id === organizationId &&
      ((body.target_devices ?? []).includes(row.device_id) ||
        (body.target_groups ?? []).some((group) => row.groups.includes(group)) ||
        (body.target_filters !== undefined && Object.keys(body.target_filters).length > 0 && matchesFilters(row, body.target_filters))),
  );
  const compatible = firmware ? matched.filter((row) => row.device_model === firmware.device_model && hardwareWithin(row, firmware)) : matched;
  const onTarget = firmware ? compatible.filter((row) => onVersion(row, firmware.version)) : [];
  const selected = compatible.filter((row) => !onTarget.includes(row) && sampleBucket(seed, row.device_id) < (body.rollout_percentage ?? 100) * 100);
  const sample = sampleOrder(
    seed,
    selected.map((row) => row.device_id),
  ).slice(0, 20);
  return { matched: matched.length, compatible: compatible.length, already_on_target_version: onTarget.length, selected: selected.length, sample };
}

describe('POST /api/v1/targets/preview', () => {
  let t: TestApp;
  let viewer: Record<string, string>;
  let otherOrg: Record<string, string>;
  let firmware: Firmware;
  let rows: DeviceRow[];

  beforeAll(async () => {
    t = await createTestApp();
    const operator = bearer(await hs256Token({ sub: 'op-1', organization_id: 'org-a', role: 'operator' }));
    viewer = bearer(await hs256Token({ sub: 'viewer-1', organization_id: 'org-a', role: 'viewer' }));
    otherOrg = bearer(await hs256Token({ sub: 'op-2', organization_id: 'org-b', role: 'operator' }));
    const upload = await uploadFirmware(t, operator, {
      metadata: firmwareMetadata({ version: '2.0.0', device_model: 'SF-2024-Pro', min_hardware_version: '1.5', max_hardware_version: 'rev3' }),
    });
    expect(upload.statusCode).toBe(201);
    firmware = upload.json();
    rows = [...fleet('org-a', 3000, 'a'), ...fleet('org-b', 500, 'b')];
    await insertDeviceRows(t.database.url, rows);
  });
  afterAll(async () => {
    await t?.close();
  });

  function preview(body: unknown, headers: Record<string, string> = viewer) {
    return t.request({ method: 'POST', url: URL, headers, payload: body as object });
  }

  it.each<[string, Body, boolean]>([
    ['a semver range alone', { target_filters: { firmware_version: '<2.0.0' } }, false],
    ['the issue example', { target_filters: { device_type: 'smart_frame', firmware_version: '<2.0.0' } }, false],
    ['every filter key at once', { target_filters: { device_type: 'smart_frame', device_model: 'SF-2024-Pro', manufacturer: 'SmartTech', hardware_version: '2', firmware_version: '>=1.2.0 <2.0.0 || 2.x', tags: ['indoor'], group: 'eu', 'attributes.region': 'eu', 'attributes.floor': 1, 'attributes.outdoor': false } }, false],
    ['devices, groups and filters united, with a firmware and a 40 % sample', { target_devices: ['a-00001', 'a-00002', 'b-00001', 'missing'], target_groups: ['beta-testers'], target_filters: { 'attributes.region': 'apac', tags: ['wifi'] }, rollout_percentage: 40, seed: 'campaign-x' }, true],
    ['a whole group against the firmware', { target_groups: ['eu', 'us'] }, true],
    ['prereleases and 1.10.0 against a firmware, 12.5 %', { target_filters: { firmware_version: '>1.9.0 <=2.0.0-rc.1' }, rollout_percentage: 12.5 }, true],
  ])('answers %s with the figures counted independently', async (_, body, withFirmware) => {
    const request = withFirmware ? { ...body, firmware_id: firmware.firmware_id } : body;
    const res = await preview(request);
    expect(res.statusCode).toBe(200);
    const expected = expectedPreview(rows, 'org-a', body, withFirmware ? firmware : null);
    expect(res.json()).toEqual(expected);
    expect(expected.matched).toBeGreaterThan(0);
    if (withFirmware) expect(expected.compatible).toBeLessThan(expected.matched);
  });

  it('shows a firmware at work: compatible below matched, some already on its version, none of those selected', async () => {
    const body = { target_filters: { device_type: 'smart_frame' }, firmware_id: firmware.firmware_id };
    const answer = (await preview(body)).json();
    const expected = expectedPreview(rows, 'org-a', body, firmware);
    expect(answer).toEqual(expected);
    expect(expected.already_on_target_version).toBeGreaterThan(0);
    expect(expected.selected).toBe(expected.compatible - expected.already_on_target_version);
  });

  it('is repeatable: the default seed gives the same sample every time, another seed another one', async () => {
    const body = { target_filters: { firmware_version: '*' }, rollout_percentage: 50 };
    const first = (await preview(body)).json();
    expect((await preview(body)).json()).toEqual(first);
    expect(first).toEqual(expectedPreview(rows, 'org-a', { ...body, seed: 'preview' }, null));
    const other = (await preview({ ...body, seed: 'another' })).json();
    expect(other.sample).not.toEqual(first.sample);
    expect(other.matched).toBe(first.matched);
  });

  it("counts only the caller's organization and refuses another organization's firmware", async () => {
    const body = { target_groups: ['eu'], target_devices: ['a-00001'] };
    const res = await preview(body, otherOrg);
    expect(res.json()).toEqual(expectedPreview(rows, 'org-b', body, null));
    expect(res.json().sample.every((id: string) => id.startsWith('b-'))).toBe(true);
    const foreign = await preview({ ...body, firmware_id: firmware.firmware_id }, otherOrg);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().code).toBe('firmware/not_found');
  });

  it('answers 404 for an unknown firmware', async () => {
    const res = await preview({ target_groups: ['eu'], firmware_id: 'f'.repeat(32) });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'firmware/not_found', detail: expect.stringContaining('f'.repeat(32)) });
  });

  it.each([
    [{ colour: 'red' }, 'colour'],
    [{ firmware_version: 'not-a-range' }, 'firmware_version'],
    [{ firmware_version: 2 }, 'firmware_version'],
    [{ tags: 'indoor' }, 'tags'],
    [{ 'attributes.region': ['eu'] }, 'attributes.region'],
  ])('answers 422 target/invalid_filter for %j, naming the key', async (filters, key) => {
    const res = await preview({ target_filters: filters, firmware_id: 'f'.repeat(32) });
    expect(res.statusCode).toBe(422);
    const body = res.json();
    expect(body).toMatchObject({ code: 'target/invalid_filter', request_id: expect.any(String) });
    expect(body.detail).toContain(key);
    expect(body.errors).toEqual([{ loc: ['body', 'target_filters', key], msg: expect.stringContaining(key), type: 'target_filter' }]);
  });

  it.each([{}, { target_devices: [], target_groups: [], target_filters: {} }, { rollout_percentage: 50 }])(
    'answers 422 target/no_targets for %j',
    async (body) => {
      const res = await preview(body);
      expect(res.statusCode).toBe(422);
      expect(res.json().code).toBe('target/no_targets');
    },
  );

  it.each([
    [{ target_groups: ['eu'], rollout_percentage: 0 }, ['body', 'rollout_percentage']],
    [{ target_groups: ['eu'], rollout_percentage: 101 }, ['body', 'rollout_percentage']],
    [{ target_groups: ['eu'], rollout_percentage: '50' }, ['body', 'rollout_percentage']],
    [{ target_filters: ['device_type'] }, ['body', 'target_filters']],
    [{ target_devices: 'a-00001' }, ['body', 'target_devices']],
    [{ target_devices: [''] }, ['body', 'target_devices']],
    [{ target_groups: [7] }, ['body', 'target_groups']],
    [{ target_groups: ['eu'], firmware_id: 'nope' }, ['body', 'firmware_id']],
    [{ target_groups: ['eu'], seed: '' }, ['body', 'seed']],
  ])('answers 422 for %j at %j', async (body, loc) => {
    const res = await preview(body);
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('request/validation_failed');
    expect(res.json().errors.map((e: { loc: unknown }) => e.loc)).toContainEqual(loc);
  });

  it('ignores unknown body keys, as campaign clients send them', async () => {
    const body = { target_groups: ['us'], schedule_start: '2030-01-01T00:00:00Z', requires_approval: true };
    const res = await preview(body);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(expectedPreview(rows, 'org-a', body, null));
  });

  it('needs credentials', async () => {
    const res = await t.request({ method: 'POST', url: URL, payload: { target_groups: ['eu'] } });
    expect(res.statusCode).toBe(401);
  });
});
