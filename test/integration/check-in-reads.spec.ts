import { CheckInReads } from '../../src/modules/device-api/check-in-reads';
import { UpdatesService } from '../../src/modules/updates/updates.service';
import { createDevice } from '../utils/device-factory';
import { createTestApp, type TestApp } from '../utils/test-app';
import { bearer, hs256Token } from '../utils/tokens';
import { BULK_UPDATE_URL, createFirmware } from '../utils/update-factory';

const ORG = 'org-check-in-reads';

/** Concurrent check-ins share reads (CheckInReads): one statement at a time, each device its own answer. */
describe('check-in reads against PostgreSQL', () => {
  let t: TestApp;
  let reads: CheckInReads;
  let updateOf: Map<string, string>;
  let idle: string[];

  beforeAll(async () => {
    t = await createTestApp();
    reads = t.app.get(CheckInReads);
    const operator = bearer(await hs256Token({ sub: 'op-1', organization_id: ORG, role: 'operator' }));
    const firmware = await createFirmware(t, operator);
    const deviceIds: string[] = [];
    for (let index = 0; index < 12; index += 1) deviceIds.push((await createDevice(t, operator)).device_id);
    const updated = deviceIds.slice(0, 6);
    idle = deviceIds.slice(6);
    const res = await t.request({ method: 'POST', url: BULK_UPDATE_URL, headers: operator, payload: { firmware_id: firmware.firmware_id, device_ids: updated } });
    expect(res.json()).toMatchObject({ succeeded: updated.length });
    updateOf = new Map(res.json().results.map((result: { device_id: string; update_id: string }) => [result.device_id, result.update_id]));
  });
  afterAll(() => t.close());
  afterEach(() => jest.restoreAllMocks());

  /**
   * Records each read the loader sends: its size, and how many were out at once at most.
   * `sent` settles when the first read goes out.
   */
  function watchReads() {
    let firstSent = (): void => undefined;
    const sent = new Promise<void>((resolve) => {
      firstSent = resolve;
    });
    const updates = t.app.get(UpdatesService);
    const read = updates.releasedForCheckIn.bind(updates);
    const watched = { sizes: [] as number[], out: 0, mostOut: 0, sent };
    jest.spyOn(updates, 'releasedForCheckIn').mockImplementation(async (devices) => {
      watched.sizes.push(devices.length);
      firstSent();
      watched.mostOut = Math.max(watched.mostOut, ++watched.out);
      try {
        return await read(devices);
      } finally {
        watched.out--;
      }
    });
    return watched;
  }

  const answer = async (deviceId: string) => (await reads.releasedUpdate(ORG, deviceId))?.updateId ?? null;

  it('answers each device its own released update, or null for none and for an unknown device', async () => {
    const watched = watchReads();
    const devices = [...updateOf.keys(), ...idle, 'no-such-device'];
    expect(await Promise.all(devices.map(answer))).toEqual(devices.map((deviceId) => updateOf.get(deviceId) ?? null));
    expect(watched.sizes).toEqual([devices.length]);
  });

  it('gathers check-ins that arrive while a read is out into the next one, one read at a time', async () => {
    const watched = watchReads();
    const first = Promise.all(idle.map(answer));
    // Once the first read is out (soon after the last test's: reads keep a spacing), send more.
    await watched.sent;
    expect(watched.sizes).toEqual([idle.length]);
    const later = [...updateOf.keys()];
    const second = Promise.all(later.map(answer));
    expect(await first).toEqual(idle.map(() => null));
    expect(await second).toEqual(later.map((deviceId) => updateOf.get(deviceId)));
    expect(watched.sizes).toEqual([idle.length, later.length]);
    expect(watched.mostOut).toBe(1);
  });
});
