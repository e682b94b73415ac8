import { PrismaService } from '../../src/database/prisma.service';
import { createDevice, DEVICE_API_URL, deviceAuth } from '../utils/device-factory';
import { createTestApp, type TestApp } from '../utils/test-app';
import { bearer, hs256Token } from '../utils/tokens';

/**
 * Device tokens not yet in the token cache (a fleet's entries expire together when it started
 * polling together) are looked up together: one statement for the concurrent check-ins, each
 * still answered for its own device.
 */
describe('device token lookups', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('reads the tokens of concurrent requests in one statement, each resolved to its own device', async () => {
    const operator = bearer(await hs256Token({ sub: 'token-lookups', organization_id: 'org-lookups' }));
    const devices: Awaited<ReturnType<typeof createDevice>>[] = [];
    for (let i = 0; i < 12; i++) devices.push(await createDevice(t, operator));
    const madeUp = Array.from({ length: 3 }, (_, i) => `dvt_${String(i).repeat(43)}`);
    const lookups = jest.spyOn(t.app.get(PrismaService).device, 'findMany');
    try {
      const checkIn = (deviceId: string, token: string) =>
        t.request({ method: 'POST', url: `${DEVICE_API_URL}/${encodeURIComponent(deviceId)}/check-in`, headers: deviceAuth(token), payload: { firmware_version: '1.0.0' } });
      const [own, unknown, crossed] = await Promise.all([
        Promise.all(devices.map((device) => checkIn(device.device_id, device.device_token))),
        Promise.all(madeUp.map((token) => checkIn(devices[0].device_id, token))),
        // Another device's token, in the same batch: still refused for this device.
        checkIn(devices[1].device_id, devices[2].device_token),
      ]);
      expect(own.map((res) => res.statusCode)).toEqual(devices.map(() => 200));
      expect(unknown.map((res) => res.json().code)).toEqual(madeUp.map(() => 'auth/invalid_device_token'));
      expect(crossed.statusCode).toBe(403);
      expect(lookups).toHaveBeenCalledTimes(1);
    } finally {
      lookups.mockRestore();
    }
  });
});
