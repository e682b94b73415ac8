import { firmwareVersionKey } from '../../src/common/versions/version-key';
import { DevicesRepository } from '../../src/modules/devices/devices.repository';
import { LAST_SEEN_FLUSH_THRESHOLD, LastSeenBuffer } from '../../src/modules/devices/last-seen-buffer';
import { HealthChecksOnSeen } from '../../src/modules/updates/health-checks.listener';
import { createTestApp, type TestApp } from '../utils/test-app';
import { createTestDatabase, type TestDatabase, withClient } from '../utils/test-database';

const ORG = 'org-seen';
const DEVICES = LAST_SEEN_FLUSH_THRESHOLD + 500;

interface SeenRow {
  device_id: string;
  last_seen_at: Date | null;
  firmware_version: string | null;
  firmware_version_key: Buffer | null;
}

describe('last-seen buffer against PostgreSQL', () => {
  let database: TestDatabase;
  let t: TestApp;
  let buffer: LastSeenBuffer;

  const sql = <T extends object = Record<string, unknown>>(text: string, values: unknown[] = []) =>
    withClient(database.url, async (client) => (await client.query<T>(text, values)).rows);
  const rows = (ids: string[]) => sql<SeenRow>('SELECT device_id, last_seen_at, firmware_version, firmware_version_key FROM ota.devices WHERE organization_id = $1 AND device_id = ANY($2) ORDER BY device_id', [ORG, ids]);
  const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds));
  /** Arranges what the database already knows of devices: seen at `seenAt`, running `version`. */
  const seen = (ids: string[], seenAt: Date, version: string) =>
    sql('UPDATE ota.devices SET last_seen_at = $3, firmware_version = $4, firmware_version_key = $5 WHERE organization_id = $1 AND device_id = ANY($2)', [
      ORG,
      ids,
      seenAt,
      version,
      firmwareVersionKey(version),
    ]);

  /** Runs `during` while every UPDATE of a device row fails ('refused for the test'). */
  const whileDeviceUpdatesRefused = async (during: () => Promise<void>) => {
    await sql(`CREATE OR REPLACE FUNCTION refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused for the test'; END $$`);
    await sql('CREATE TRIGGER refuse_update BEFORE UPDATE ON ota.devices FOR EACH ROW EXECUTE FUNCTION refuse_update()');
    try {
      await during();
    } finally {
      await sql('DROP TRIGGER refuse_update ON ota.devices');
    }
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    // The flush interval is long so that only the flushes the tests cause happen.
    t = await createTestApp({ database, env: { LAST_SEEN_FLUSH_MS: '60000' } });
    buffer = t.app.get(LastSeenBuffer);
    await sql(
      `INSERT INTO ota.devices (organization_id, device_id, firmware_version, updated_at)
       SELECT $1, 'd' || g, '0.1.0', now() FROM generate_series(1, ${DEVICES}) g`,
      [ORG],
    );
  });
  // Every test starts from never-seen devices on 0.1.0 and an empty buffer.
  beforeEach(async () => {
    await sql(`UPDATE ota.devices SET last_seen_at = NULL, firmware_version = '0.1.0', firmware_version_key = NULL WHERE organization_id = $1`, [ORG]);
    expect(buffer.size).toBe(0);
  });
  afterAll(async () => {
    await t?.close();
    await database?.drop();
  });

  it('keeps one entry per device (latest time, latest reported version) and writes all of them in one flush', async () => {
    buffer.record(ORG, 'd1', { seenAt: at(10), firmwareVersion: '1.0.0' });
    buffer.record(ORG, 'd1', { seenAt: at(20) });
    buffer.record(ORG, 'd1', { seenAt: at(5), firmwareVersion: '0.9.0' });
    buffer.record(ORG, 'd2', { seenAt: at(30), firmwareVersion: '2.0.0-beta.1' });
    buffer.record(ORG, 'd2', { seenAt: at(40), firmwareVersion: '2.0.0' });
    for (let i = 3; i <= 300; i += 1) buffer.record(ORG, `d${i}`, { seenAt: at(i) });
    buffer.record(ORG, 'no-such-device', { seenAt: at(50) });
    expect(buffer.size).toBe(301);

    expect(await buffer.flush()).toBe(301);

    expect(buffer.size).toBe(0);
    const [d1, d2] = await rows(['d1', 'd2']);
    expect(d1).toMatchObject({ last_seen_at: at(20), firmware_version: '1.0.0' });
    expect(d1.firmware_version_key).toEqual(firmwareVersionKey('1.0.0'));
    expect(d2).toMatchObject({ last_seen_at: at(40), firmware_version: '2.0.0' });
    const written = await sql<{ n: number }>('SELECT count(*)::int AS n FROM ota.devices WHERE organization_id = $1 AND last_seen_at IS NOT NULL', [ORG]);
    expect(written[0].n).toBe(300);
    expect(await buffer.flush()).toBe(0);
  });

  it('never moves last_seen_at back, and keeps the stored version when none was reported', async () => {
    await seen(['d1'], at(20), '1.0.0');
    buffer.record(ORG, 'd1', { seenAt: at(1) });
    await buffer.flush();
    expect((await rows(['d1']))[0]).toMatchObject({ last_seen_at: at(20), firmware_version: '1.0.0' });
  });

  it('keeps a newer stored version when another replica flushes an older sighting later', async () => {
    await seen(['d12'], at(30), '2.0.0');
    buffer.record(ORG, 'd12', { seenAt: at(29), firmwareVersion: '1.0.0' });
    await buffer.flush();
    expect((await rows(['d12']))[0]).toMatchObject({ last_seen_at: at(30), firmware_version: '2.0.0' });
  });

  it('moves a stored time forward only past the resolution (60 s by default), unless the version changed', async () => {
    await seen(['d10'], at(10), '0.1.0');
    await seen(['d11'], at(11), '0.1.0');
    buffer.record(ORG, 'd10', { seenAt: at(69), firmwareVersion: '0.1.0' });
    buffer.record(ORG, 'd11', { seenAt: at(41), firmwareVersion: '5.0.0' });
    await buffer.flush();
    const [within, changed] = await rows(['d10', 'd11']);
    expect(within).toMatchObject({ last_seen_at: at(10), firmware_version: '0.1.0' });
    expect(changed).toMatchObject({ last_seen_at: at(41), firmware_version: '5.0.0' });
    expect(changed.firmware_version_key).toEqual(firmwareVersionKey('5.0.0'));

    buffer.record(ORG, 'd10', { seenAt: at(70) });
    await buffer.flush();
    expect((await rows(['d10']))[0].last_seen_at).toEqual(at(70));
  });

  it('stores a version that is not semver without a key, and drops one the column cannot hold', async () => {
    buffer.record(ORG, 'd3', { seenAt: at(100), firmwareVersion: 'nightly' });
    buffer.record(ORG, 'd4', { seenAt: at(100), firmwareVersion: 'v'.repeat(51) });
    await buffer.flush();
    const [d3, d4] = await rows(['d3', 'd4']);
    expect(d3).toMatchObject({ firmware_version: 'nightly', firmware_version_key: null, last_seen_at: at(100) });
    expect(d4).toMatchObject({ firmware_version: '0.1.0', last_seen_at: at(100) });
  });

  it('keeps the entries of a failed flush and writes them, merged with newer reports, on the next', async () => {
    const [first, second] = ['d1', 'd2'];
    buffer.record(ORG, first, { seenAt: at(200), firmwareVersion: '3.0.0' });
    buffer.record(ORG, second, { seenAt: at(200), firmwareVersion: '3.0.0' });

    await whileDeviceUpdatesRefused(async () => {
      await expect(buffer.flush()).rejects.toThrow(/refused for the test/);
      expect(buffer.size).toBe(2);
      expect((await rows([first]))[0].last_seen_at).toBeNull();
      buffer.record(ORG, second, { seenAt: at(250) });
    });

    expect(await buffer.flush()).toBe(2);
    const [a, b] = await rows([first, second]);
    expect(a).toMatchObject({ last_seen_at: at(200), firmware_version: '3.0.0' });
    expect(b).toMatchObject({ last_seen_at: at(250), firmware_version: '3.0.0' });
  });

  it(`starts a flush by itself once ${LAST_SEEN_FLUSH_THRESHOLD} devices are waiting`, async () => {
    for (let i = 1; i <= LAST_SEEN_FLUSH_THRESHOLD; i += 1) buffer.record(ORG, `d${i}`, { seenAt: at(500) });
    // The flush took the whole buffer as the threshold was reached; wait for it to finish.
    expect(buffer.size).toBe(0);
    await buffer.flush();
    const seen = await sql<{ n: number }>('SELECT count(*)::int AS n FROM ota.devices WHERE organization_id = $1 AND last_seen_at = $2', [ORG, at(500)]);
    expect(seen[0].n).toBe(LAST_SEEN_FLUSH_THRESHOLD);
  });

  describe('remembering what the rows hold', () => {
    // Spied through (the real statements run): which devices each flush asks the database about,
    // and what the listeners hear.
    let asked: jest.SpiedFunction<DevicesRepository['recordLastSeen']>;
    let heard: jest.SpiedFunction<HealthChecksOnSeen['onSeen']>;
    const askedAbout = () => asked.mock.calls.flatMap(([entries]) => entries.map((entry) => entry.deviceId));
    const heardOf = () => heard.mock.calls.flatMap(([entries]) => entries.map((entry) => entry.deviceId));
    /** Records one sighting, flushes, and says whether the database was asked about the device. */
    const flushOne = async (deviceId: string, seenAt: Date, firmwareVersion?: string) => {
      asked.mockClear();
      heard.mockClear();
      buffer.record(ORG, deviceId, { seenAt, firmwareVersion });
      expect(await buffer.flush()).toBe(1);
      expect(heardOf()).toEqual([deviceId]);
      return askedAbout().includes(deviceId);
    };

    beforeEach(() => {
      asked = jest.spyOn(t.app.get(DevicesRepository), 'recordLastSeen');
      heard = jest.spyOn(t.app.get(HealthChecksOnSeen), 'onSeen');
    });
    afterEach(() => jest.restoreAllMocks());

    it('leaves a device out of a flush while the database would skip it, and still tells the listeners', async () => {
      expect(await flushOne('d5401', at(1000), '1.0.0')).toBe(true);
      // Within the resolution of the stored time, with the stored version or none.
      expect(await flushOne('d5401', at(1030), '1.0.0')).toBe(false);
      expect(await flushOne('d5401', at(1040))).toBe(false);
      expect((await rows(['d5401']))[0]).toMatchObject({ last_seen_at: at(1000), firmware_version: '1.0.0' });
      // Another version goes out at once; a time goes out once it is past the resolution.
      expect(await flushOne('d5401', at(1045), '1.1.0')).toBe(true);
      expect((await rows(['d5401']))[0]).toMatchObject({ last_seen_at: at(1045), firmware_version: '1.1.0' });
      expect(await flushOne('d5401', at(1104))).toBe(false);
      expect(await flushOne('d5401', at(1105))).toBe(true);
      expect((await rows(['d5401']))[0]).toMatchObject({ last_seen_at: at(1105), firmware_version: '1.1.0' });
    });

    it('learns the stored time from a flush that wrote nothing (another replica wrote it)', async () => {
      await seen(['d5402'], at(2000), '0.1.0');
      expect(await flushOne('d5402', at(2010), '0.1.0')).toBe(true);
      expect((await rows(['d5402']))[0].last_seen_at).toEqual(at(2000));
      expect(await flushOne('d5402', at(2059), '0.1.0')).toBe(false);
      expect(await flushOne('d5402', at(2060), '0.1.0')).toBe(true);
      expect((await rows(['d5402']))[0].last_seen_at).toEqual(at(2060));
    });

    it('remembers nothing from a failed flush', async () => {
      buffer.record(ORG, 'd5403', { seenAt: at(3000), firmwareVersion: '2.0.0' });
      await whileDeviceUpdatesRefused(() => expect(buffer.flush()).rejects.toThrow(/refused for the test/));
      asked.mockClear();
      buffer.record(ORG, 'd5403', { seenAt: at(3001), firmwareVersion: '2.0.0' });
      await buffer.flush();
      expect(askedAbout()).toEqual(['d5403']);
      expect((await rows(['d5403']))[0]).toMatchObject({ last_seen_at: at(3001), firmware_version: '2.0.0' });
    });

    it('asks about every device every time with LAST_SEEN_CACHE_SIZE=0', async () => {
      const forgetful = await createTestApp({ database, env: { LAST_SEEN_FLUSH_MS: '60000', LAST_SEEN_CACHE_SIZE: '0' } });
      try {
        const other = forgetful.app.get(LastSeenBuffer);
        const repository = jest.spyOn(forgetful.app.get(DevicesRepository), 'recordLastSeen');
        for (const seconds of [4000, 4001]) {
          other.record(ORG, 'd5404', { seenAt: at(seconds), firmwareVersion: '1.0.0' });
          await other.flush();
        }
        expect(repository.mock.calls.map(([entries]) => entries.map((entry) => entry.deviceId))).toEqual([['d5404'], ['d5404']]);
      } finally {
        await forgetful.close();
      }
    });
  });

  it('flushes what is buffered when the application shuts down', async () => {
    // An instance of its own, so the other tests keep theirs whatever the order.
    const stopping = await createTestApp({ database, env: { LAST_SEEN_FLUSH_MS: '60000' } });
    stopping.app.get(LastSeenBuffer).record(ORG, 'd1', { seenAt: at(900), firmwareVersion: '4.0.0' });
    await stopping.close();
    expect((await rows(['d1']))[0]).toMatchObject({ last_seen_at: at(900), firmware_version: '4.0.0' });
  });
});
