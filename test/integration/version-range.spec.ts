import { PrismaPg } from '@prisma/adapter-pg';
import semver from 'semver';
import { firmwareVersionKey, hardwareVersionKey } from '../../src/common/versions/version-key';
import { InvalidVersionRangeError, parseVersionRange, versionRangeCondition } from '../../src/common/versions/version-range-sql';
import { Prisma, PrismaClient } from '../../src/generated/prisma/client';
import { createTestDatabase, type TestDatabase } from '../utils/test-database';

/**
 * The database must agree with node-semver on every range, so the oracle here is
 * `semver.satisfies` itself, over versions chosen to hit the edges: prereleases, numeric
 * against alphanumeric identifiers, multi-digit components, build metadata.
 */
const versions = [
  '0.0.1', '0.9.0', '1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-alpha-b', '1.0.0-beta',
  '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0', '1.0.0+build.7', '1.2.0', '1.2.3', '1.4.0',
  '1.4.9', '1.5.0-rc.1', '1.5.0', '1.9.0', '1.10.0', '1.10.0-1', '2.0.0-0', '2.0.0-alpha', '2.0.0',
  '2.1.0', '10.0.0', 'v3.1.4', '1.2', 'banana', '01.2.3', '',
];
const ranges = [
  '<2.0.0', '>=1.2.0 <1.5.0', '1.x', '~1.4', '^1.2.0', '1.2.3', '>1.9.0', '<=1.0.0', '*', '>=1.0.0-beta <1.0.0',
  '>=1.0.0-alpha.1', '1.0.0-alpha - 1.2.0', '~1.5.0-rc.0', '<1.0.0 || >=2.0.0', '>=2.0.0-0', '^0.9', '=1.10.0-1',
];

describe('semver ranges evaluated in SQL', () => {
  let database: TestDatabase;
  let prisma: PrismaClient;

  beforeAll(async () => {
    database = await createTestDatabase();
    prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: database.url }) });
    await prisma.$executeRawUnsafe('CREATE TABLE version_probe (version text, key bytea)');
    for (const version of versions) {
      await prisma.$executeRaw`INSERT INTO version_probe VALUES (${version}, ${firmwareVersionKey(version)})`;
    }
  });

  afterAll(async () => {
    await prisma.$disconnect();
    await database.drop();
  });

  it.each(ranges)('matches exactly what semver.satisfies matches for %s', async (range) => {
    const condition = versionRangeCondition(parseVersionRange(range), Prisma.raw('key'));
    const rows = await prisma.$queryRaw<{ version: string }[]>`SELECT version FROM version_probe WHERE ${condition} ORDER BY version`;
    const expected = versions.filter((version) => semver.valid(version) !== null && semver.satisfies(version, range)).sort();
    expect(rows.map((row) => row.version).sort()).toEqual(expected);
  });

  it('orders keys the way semver orders versions, 1.10.0 above 1.9.0', async () => {
    const rows = await prisma.$queryRaw<{ version: string }[]>`SELECT version FROM version_probe WHERE key IS NOT NULL ORDER BY key, version`;
    const sorted = versions.filter((version) => semver.valid(version) !== null).sort((a, b) => semver.compare(a, b) || (a < b ? -1 : 1));
    // Versions equal in precedence (build metadata) may come in either order; compare precedence classes.
    expect(rows.map((row) => semver.clean(row.version)?.replace(/\+.*$/, ''))).toEqual(sorted.map((version) => semver.clean(version)?.replace(/\+.*$/, '')));
    expect(sorted.indexOf('1.9.0')).toBeLessThan(sorted.indexOf('1.10.0'));
  });

  it('stores invalid versions without a key, so no range matches them', () => {
    for (const version of ['banana', '1.2', '01.2.3', '']) expect(firmwareVersionKey(version)).toBeNull();
  });

  it('reads hardware revisions leniently', () => {
    expect(hardwareVersionKey('2')).toEqual(firmwareVersionKey('2.0.0'));
    expect(hardwareVersionKey('rev3')).toEqual(firmwareVersionKey('3.0.0'));
    expect(hardwareVersionKey('v1.2')).toEqual(firmwareVersionKey('1.2.0'));
    expect(hardwareVersionKey('none')).toBeNull();
  });

  it.each(['', '   ', 'not a range', '>>1'])('refuses %p as a range', (range) => {
    expect(() => parseVersionRange(range)).toThrow(InvalidVersionRangeError);
  });
});
