import { PrismaPg } from '@prisma/adapter-pg';
import semver from 'semver';
import type { PrismaService } from '../../src/database/prisma.service';
import { Prisma, PrismaClient } from '../../src/generated/prisma/client';
import { incompatibility, isSameVersion } from '../../src/modules/firmware/compatibility';
import { resolveTarget } from '../../src/modules/targeting/target-resolution';
import type { TargetFirmware, TargetSpec } from '../../src/modules/targeting/target-spec';
import { TargetsRepository } from '../../src/modules/targeting/targets.repository';
import { deleteDeviceRows, type DeviceRow, deviceRow, insertDeviceRows } from '../utils/device-rows';
import { hashBytesExtended, sampleBucket, sampleOrder, sampleSeed } from '../utils/sample-hash';
import { createTestDatabase, type TestDatabase } from '../utils/test-database';

/**
 * Target selection against real PostgreSQL: the conditions the resolver builds are run as the
 * campaigns issue will run them (`… FROM ota.devices d WHERE ${condition}`), and each answer is
 * checked against the same rule computed here in JavaScript over the rows the test inserted.
 */
const ORG = 'org-a';
const OTHER_ORG = 'org-b';

const FIRMWARE_VERSIONS = [
  '0.9.0', '1.0.0-alpha', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0', '1.2.0', '1.4.0', '1.4.9', '1.5.0-rc.1', '1.5.0',
  '1.9.0', '1.10.0', '2.0.0-rc.1', '2.0.0', 'v2.1.0', '10.0.0', 'banana', '1.2', '01.2.3', null,
];
const RANGES = ['<2.0.0', '>=1.2.0 <1.5.0', '1.x', '~1.4', '1.4.9', '>1.9.0', '>=1.0.0-beta.2 <1.0.0', '<2.0.0-rc.2 || 10.x', '*', '^0.9'];

function spec(overrides: Partial<TargetSpec>): TargetSpec {
  return { seed: 'test', ...overrides };
}

function firmware(overrides: Partial<TargetFirmware> = {}): TargetFirmware {
  return { device_model: 'SF-2024-Pro', version: '2.0.0', min_hardware_version: null, max_hardware_version: null, ...overrides };
}

describe('target selection in SQL', () => {
  let database: TestDatabase;
  let prisma: PrismaClient;
  let repository: TargetsRepository;

  beforeAll(async () => {
    database = await createTestDatabase();
    prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: database.url }) });
    repository = new TargetsRepository(prisma as unknown as PrismaService);
  });

  afterAll(async () => {
    await prisma.$disconnect();
    await database.drop();
  });

  async function ids(condition: Prisma.Sql): Promise<string[]> {
    const rows = await prisma.$queryRaw<{ device_id: string }[]>`SELECT d.device_id FROM ota.devices d WHERE ${condition} ORDER BY d.device_id COLLATE "C"`;
    return rows.map((row) => row.device_id);
  }

  function matchedIds(target: Partial<TargetSpec>): Promise<string[]> {
    return ids(resolveTarget(ORG, spec(target), null).matched);
  }

  const idsOf = (rows: DeviceRow[]) => rows.map((row) => row.device_id).sort();

  describe('filters', () => {
    let fleet: DeviceRow[];

    beforeAll(async () => {
      await deleteDeviceRows(database.url);
      fleet = [
        ...FIRMWARE_VERSIONS.map((version, index) => deviceRow({ device_id: `fw-${index}`, firmware_version: version })),
        deviceRow({ device_id: 'cam-1', device_type: 'camera', device_model: 'CAM-1', manufacturer: 'Lens', hardware_version: 'rev2', groups: ['eu', 'lab'], tags: ['beta', 'indoor'], attributes: { region: 'eu', floor: 3, outdoor: false } }),
        deviceRow({ device_id: 'cam-2', device_type: 'camera', device_model: 'CAM-1', manufacturer: 'Lens', hardware_version: '2', groups: ['us'], tags: ['beta'], attributes: { region: 'us', floor: '3', outdoor: true } }),
        deviceRow({ device_id: 'cam-3', device_type: 'camera', device_model: 'CAM-2', manufacturer: 'Other', hardware_version: null, groups: [], tags: ['indoor'], attributes: { floor: 3.0 } }),
        // The same ids, groups and attributes in another organization must never be selected.
        deviceRow({ organization_id: OTHER_ORG, device_id: 'cam-1', device_type: 'camera', groups: ['eu'], tags: ['beta', 'indoor'], attributes: { region: 'eu' } }),
        deviceRow({ organization_id: OTHER_ORG, device_id: 'fw-x', firmware_version: '1.5.0' }),
      ];
      await insertDeviceRows(database.url, fleet);
    });

    const ours = () => fleet.filter((row) => row.organization_id === ORG);

    it.each(RANGES)('firmware_version %p matches what semver.satisfies matches, never an invalid version', async (range) => {
      const expected = ours().filter((row) => row.firmware_version !== null && semver.valid(row.firmware_version) !== null && semver.satisfies(row.firmware_version, range));
      expect(await matchedIds({ targetFilters: { firmware_version: range } })).toEqual(idsOf(expected));
    });

    it('orders 1.10.0 above 1.9.0 and keeps prereleases below their release', async () => {
      expect(await matchedIds({ targetFilters: { firmware_version: '>1.9.0 <2.0.0' } })).toEqual(['fw-11']);
      expect(await matchedIds({ targetFilters: { firmware_version: '>=1.0.0-alpha <1.0.0' } })).toEqual(['fw-1', 'fw-2', 'fw-3']);
    });

    it('stores invalid versions but excludes them from every range, even "*"', async () => {
      const invalid = ['fw-16', 'fw-17', 'fw-18', 'fw-19'];
      expect(await ids(Prisma.sql`d.device_id IN (${Prisma.join(invalid)}) AND d.organization_id = ${ORG}`)).toEqual(invalid);
      const all = await matchedIds({ targetFilters: { firmware_version: '*' } });
      for (const id of invalid) expect(all).not.toContain(id);
    });

    it.each([
      ['device_type', 'camera', ['cam-1', 'cam-2', 'cam-3']],
      ['device_model', 'CAM-1', ['cam-1', 'cam-2']],
      ['manufacturer', 'Other', ['cam-3']],
      ['hardware_version', 'rev2', ['cam-1']],
      ['tags', ['beta', 'indoor'], ['cam-1']],
      ['tags', ['indoor'], ['cam-1', 'cam-3']],
      ['group', 'eu', ['cam-1']],
      ['attributes.region', 'eu', ['cam-1']],
      ['attributes.floor', 3, ['cam-1', 'cam-3']],
      ['attributes.floor', '3', ['cam-2']],
      ['attributes.outdoor', false, ['cam-1']],
      ['attributes.outdoor', true, ['cam-2']],
    ])('%s = %j matches its devices of this organization only', async (key, value, expected) => {
      expect(await matchedIds({ targetFilters: { [key]: value } })).toEqual(expected);
    });

    it('requires every filter key to match', async () => {
      expect(await matchedIds({ targetFilters: { device_type: 'camera', tags: ['beta'], 'attributes.region': 'us' } })).toEqual(['cam-2']);
      expect(await matchedIds({ targetFilters: { device_type: 'camera', firmware_version: '<1.0.0' } })).toEqual([]);
    });

    it('unites explicit devices, groups and filters', async () => {
      const target = { targetDevices: ['fw-0', 'fw-1', 'no-such-device'], targetGroups: ['us', 'lab'], targetFilters: { firmware_version: '1.4.x' } };
      expect(await matchedIds(target)).toEqual(['cam-1', 'cam-2', 'fw-0', 'fw-1', 'fw-6', 'fw-7']);
      expect(await matchedIds({ targetDevices: ['cam-1'] })).toEqual(['cam-1']);
      expect(await matchedIds({ targetGroups: ['eu'] })).toEqual(['cam-1']);
      // An empty kind adds nothing rather than everything.
      expect(await matchedIds({ targetDevices: ['cam-3'], targetGroups: [], targetFilters: {} })).toEqual(['cam-3']);
    });

    it('counts what the conditions select', async () => {
      const target = resolveTarget(ORG, spec({ targetFilters: { device_type: 'camera' } }), firmware({ device_model: 'CAM-1', version: '1.0.0' }));
      expect(await repository.count(target)).toEqual({
        matched: (await ids(target.matched)).length,
        compatible: (await ids(target.compatible)).length,
        alreadyOnTargetVersion: (await ids(target.alreadyOnTargetVersion)).length,
        selected: (await ids(target.selected)).length,
      });
    });
  });

  describe('compatibility and the target version', () => {
    let fleet: DeviceRow[];

    beforeAll(async () => {
      await deleteDeviceRows(database.url);
      const row = (device_id: string, overrides: Partial<DeviceRow>) => deviceRow({ device_id, groups: ['fleet'], ...overrides });
      fleet = [
        row('hw-1.0', { hardware_version: '1.0' }),
        row('hw-2', { hardware_version: '2' }),
        row('hw-v2.5', { hardware_version: 'v2.5' }),
        row('hw-3.0.0', { hardware_version: '3.0.0' }),
        row('hw-rev4', { hardware_version: 'rev4' }),
        row('hw-unknown', { hardware_version: 'unknown' }),
        row('hw-null', { hardware_version: null }),
        row('other-model', { device_model: 'SF-Mini', hardware_version: '2' }),
        row('no-model', { device_model: null, hardware_version: '2' }),
        row('on-2.0.0', { hardware_version: '2', firmware_version: '2.0.0' }),
        row('on-v2.0.0', { hardware_version: '2', firmware_version: 'v2.0.0' }),
        row('on-build', { hardware_version: '2', firmware_version: '2.0.0+build.5' }),
        row('on-2.0.0-rc.1', { hardware_version: '2', firmware_version: '2.0.0-rc.1' }),
        row('fw-null', { hardware_version: '2', firmware_version: null }),
        row('fw-invalid', { hardware_version: '2', firmware_version: 'nightly' }),
        row('other-model-on', { device_model: 'SF-Mini', firmware_version: '2.0.0' }),
      ];
      await insertDeviceRows(database.url, fleet);
    });

    async function sets(fw: TargetFirmware) {
      const target = resolveTarget(ORG, spec({ targetGroups: ['fleet'] }), fw);
      return {
        compatible: await ids(target.compatible),
        onTarget: await ids(target.alreadyOnTargetVersion),
        selected: await ids(target.selected),
        counts: await repository.count(target),
      };
    }

    it('requires the firmware device model', async () => {
      const result = await sets(firmware({ device_model: 'SF-Mini', version: '9.9.9' }));
      expect(result.compatible).toEqual(['other-model', 'other-model-on']);
      expect(result.counts).toEqual({ matched: fleet.length, compatible: 2, alreadyOnTargetVersion: 0, selected: 2 });
    });

    it('keeps hardware within [min, max], read leniently; a device without a hardware number is outside any bound', async () => {
      const within = await sets(firmware({ min_hardware_version: '2.0', max_hardware_version: '3' }));
      expect(within.compatible).toEqual(['fw-invalid', 'fw-null', 'hw-2', 'hw-3.0.0', 'hw-v2.5', 'on-2.0.0', 'on-2.0.0-rc.1', 'on-build', 'on-v2.0.0'].sort());
      const minOnly = await sets(firmware({ min_hardware_version: 'rev3' }));
      expect(minOnly.compatible).toEqual(['hw-3.0.0', 'hw-rev4']);
      const maxOnly = await sets(firmware({ max_hardware_version: '1.5' }));
      expect(maxOnly.compatible).toEqual(['hw-1.0']);
    });

    it('without bounds, only the model matters: unparsable and missing hardware versions are compatible', async () => {
      const result = await sets(firmware({ min_hardware_version: null, max_hardware_version: '' }));
      expect(result.compatible).toEqual(expect.arrayContaining(['hw-unknown', 'hw-null']));
      expect(result.compatible).not.toContain('other-model');
      expect(result.compatible).not.toContain('no-model');
    });

    it('treats a bound without a number as unsatisfiable: nothing is compatible', async () => {
      const result = await sets(firmware({ min_hardware_version: 'n/a' }));
      expect(result.compatible).toEqual([]);
      expect(result.counts).toEqual({ matched: fleet.length, compatible: 0, alreadyOnTargetVersion: 0, selected: 0 });
    });

    it('counts devices on the firmware version (same text or same precedence) and does not select them', async () => {
      const result = await sets(firmware({ version: '2.0.0' }));
      expect(result.onTarget).toEqual(['on-2.0.0', 'on-build', 'on-v2.0.0']);
      // Devices without a (valid) version are not on the target, so they are selected.
      expect(result.selected).toEqual(expect.arrayContaining(['fw-null', 'fw-invalid', 'on-2.0.0-rc.1', 'hw-unknown']));
      for (const id of result.onTarget) expect(result.selected).not.toContain(id);
      const compatibleRows = fleet.filter((row) => row.device_model === 'SF-2024-Pro');
      expect(result.counts).toEqual({ matched: fleet.length, compatible: compatibleRows.length, alreadyOnTargetVersion: 3, selected: compatibleRows.length - 3 });
    });

    it.each([
      [null, null], ['', null], ['   ', '  '], ['n/a', null], [null, 'n/a'], ['1.2', ''], ['2', '2'], ['v2.5', '3.0.0'], ['', '1.5'], ['rev3', null],
    ])('selects exactly the devices a single update accepts (incompatibility), with bounds %p..%p', async (min, max) => {
      const fw = firmware({ version: '9.9.9', min_hardware_version: min, max_hardware_version: max });
      const accepted = fleet
        .filter((row) => incompatibility({ deviceModel: row.device_model, hardwareVersion: row.hardware_version }, fw) === null)
        .map((row) => row.device_id)
        .sort();
      expect((await sets(fw)).compatible).toEqual(accepted);
    });

    it('counts a device on the target version exactly when isSameVersion says so', async () => {
      for (const version of ['2.0.0', 'v2.0.0', '2.0.0-rc.1', 'nightly', 'Nightly']) {
        const expected = fleet
          .filter((row) => row.device_model === 'SF-2024-Pro' && isSameVersion(row.firmware_version, version))
          .map((row) => row.device_id)
          .sort();
        expect((await sets(firmware({ version }))).onTarget).toEqual(expected);
      }
    });

    it('matches a firmware version that is not semver by its text only', async () => {
      expect((await sets(firmware({ version: 'nightly' }))).onTarget).toEqual(['fw-invalid']);
    });
  });

  describe('deterministic sampling', () => {
    it('is reproduced by the JavaScript transcription of hashtextextended the tests compare with', async () => {
      const keys = ['', 'a', 'abcd', 'abcdefg', 'abcdefgh', 'abcdefghijk', 'abcdefghijkl', 'abcdefghijklmnopq', 'dev-ünï€-0001', 'x'.repeat(40)];
      for (const seed of [0n, -1n, sampleSeed('preview'), sampleSeed('campaign-1')]) {
        for (const key of keys) {
          const [row] = await prisma.$queryRaw<{ hash: bigint }[]>`SELECT hashtextextended(${key}::text, ${seed}::bigint) AS hash`;
          expect(hashBytesExtended(Buffer.from(key, 'utf8'), seed)).toBe(row.hash);
        }
      }
    });

    const SIZE = 10_000;
    let deviceIds: string[];

    beforeAll(async () => {
      await deleteDeviceRows(database.url);
      const rows = Array.from({ length: SIZE }, (_, index) => deviceRow({ device_id: `sample-${index}`, tags: ['sampled'] }));
      deviceIds = rows.map((row) => row.device_id);
      await insertDeviceRows(database.url, rows);
    });

    function sampled(seed: string, rolloutPercentage: number): Promise<string[]> {
      return ids(resolveTarget(ORG, { seed, targetFilters: { tags: ['sampled'] }, rolloutPercentage }, null).selected);
    }

    it('picks about the requested share, exactly the devices whose documented bucket is below it', async () => {
      const picked = await sampled('campaign-1', 30);
      expect(picked.length).toBeGreaterThanOrEqual(SIZE * 0.27);
      expect(picked.length).toBeLessThanOrEqual(SIZE * 0.33);
      expect(picked).toEqual(deviceIds.filter((id) => sampleBucket('campaign-1', id) < 3000).sort());
    });

    it('picks the same devices for the same seed and others for another seed', async () => {
      const first = await sampled('campaign-1', 30);
      expect(await sampled('campaign-1', 30)).toEqual(first);
      const other = await sampled('campaign-2', 30);
      expect(other).not.toEqual(first);
      const overlap = other.filter((id) => first.includes(id)).length;
      // Independent 30 % samples share about 9 % of the fleet, far from all of the 30 %.
      expect(overlap).toBeLessThan(first.length * 0.5);
    });

    it('grows a sample by adding devices: 10 % is inside 30 %, and 100 % is everyone', async () => {
      const small = await sampled('campaign-1', 10);
      const large = new Set(await sampled('campaign-1', 30));
      expect(small.every((id) => large.has(id))).toBe(true);
      expect(await sampled('campaign-1', 100)).toHaveLength(SIZE);
    });

    it('orders the selection by the seed hash, the same order the documented hash gives', async () => {
      const target = resolveTarget(ORG, { seed: 'campaign-1', targetFilters: { tags: ['sampled'] }, rolloutPercentage: 5 }, null);
      const ordered = (await repository.firstSelected(target, 20)).map((row) => row.device_id);
      const expected = sampleOrder('campaign-1', deviceIds.filter((id) => sampleBucket('campaign-1', id) < 500)).slice(0, 20);
      expect(ordered).toEqual(expected);
      const buckets = await prisma.$queryRaw<{ device_id: string; bucket: bigint }[]>`
        SELECT d.device_id, ${target.bucket} AS bucket FROM ota.devices d WHERE ${target.matched} ORDER BY ${target.order} LIMIT 50`;
      for (const row of buckets) expect(Number(row.bucket)).toBe(sampleBucket('campaign-1', row.device_id));
      const values = buckets.map((row) => Number(row.bucket));
      expect(values).toEqual([...values].sort((a, b) => a - b));
    });
  });
});
