import type { LightMyRequestResponse } from 'fastify';
import { ApiKeysRepository } from '../../src/modules/auth/api-keys.repository';
import { DevicesRepository } from '../../src/modules/devices/devices.repository';
import { createDevice, DEVICE_API_URL, deviceAuth, deviceUrl } from '../utils/device-factory';
import { createTestApp, type TestApp } from '../utils/test-app';
import { apiKeyHeader, apiKeyRequest, bearer, hs256Token } from '../utils/tokens';

/**
 * Lets the next call of `method` read the database for real, then holds its answer until the test
 * releases it: the credential lookup of a request that is in flight while something changes.
 */
function holdNextLookup<K extends string, T extends Record<K, (...args: never[]) => Promise<unknown>>>(target: T, method: K) {
  const original = target[method];
  let readDone!: () => void;
  let release!: () => void;
  const read = new Promise<void>((resolve) => (readDone = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  target[method] = (async (...args: never[]) => {
    target[method] = original;
    const result = await original.apply(target, args);
    readDone();
    await released;
    return result;
  }) as T[K];
  return { read, release };
}

/**
 * Revocation and rotation take effect at once on the replica that makes them, even for a lookup of
 * the credential that was in flight when they landed: that lookup may answer its own request,
 * which came first, but must not put the credential back into the cache.
 */
describe('credential freshness on the replica that revokes or rotates', () => {
  let t: TestApp;
  let admin: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp();
    admin = bearer(await hs256Token({ sub: 'admin-a', organization_id: 'org-a', role: 'admin' }));
  });
  afterAll(() => t.close());

  const code = (res: LightMyRequestResponse) => ({ status: res.statusCode, code: res.statusCode === 200 ? undefined : res.json().code });

  it('a revoked API key stops working at once, even when its first use was in flight', async () => {
    const created = await t.request({ method: 'POST', url: '/api/v1/api-keys', headers: admin, payload: apiKeyRequest({ role: 'viewer' }) });
    expect(created.statusCode).toBe(201);
    const { id, key } = created.json<{ id: string; key: string }>();
    const useKey = () => t.request({ method: 'GET', url: '/api/v1/firmware', headers: apiKeyHeader(key) });

    const held = holdNextLookup(t.app.get(ApiKeysRepository), 'findUsableByHash');
    const inFlight = useKey();
    await held.read;
    expect((await t.request({ method: 'DELETE', url: `/api/v1/api-keys/${id}`, headers: admin })).statusCode).toBe(200);
    held.release();

    expect(code(await inFlight)).toEqual({ status: 200 });
    expect(code(await useKey())).toEqual({ status: 401, code: 'auth/invalid_api_key' });
  });

  /**
   * A device's first request, held at its token lookup while `change` (rotating the token,
   * deleting the device) lands; answers the held request and the next one with the same token.
   */
  async function raceDeviceToken(change: (operator: Record<string, string>, deviceId: string) => Promise<LightMyRequestResponse>) {
    const operator = bearer(await hs256Token({ sub: 'op-a', organization_id: 'org-a', role: 'operator' }));
    const device = await createDevice(t, operator);
    const useToken = () => t.request({ method: 'GET', url: `${DEVICE_API_URL}/${device.device_id}`, headers: deviceAuth(device.device_token) });

    const held = holdNextLookup(t.app.get(DevicesRepository), 'findByTokenHash');
    const inFlight = useToken();
    await held.read;
    expect((await change(operator, device.device_id)).statusCode).toBe(200);
    held.release();
    return { inFlight: await inFlight, next: await useToken() };
  }

  it('a rotated device token stops working at once, even when its first use was in flight', async () => {
    const { inFlight, next } = await raceDeviceToken((operator, deviceId) => t.request({ method: 'POST', url: deviceUrl(deviceId, '/token'), headers: operator }));
    expect(code(inFlight)).toEqual({ status: 200 });
    expect(code(next)).toEqual({ status: 401, code: 'auth/invalid_device_token' });
  });

  it('a deleted device\'s token stops working at once, even when its first use was in flight', async () => {
    // The request in flight reaches a device that no longer exists; what matters is the next one.
    const { next } = await raceDeviceToken((operator, deviceId) => t.request({ method: 'DELETE', url: deviceUrl(deviceId), headers: operator }));
    expect(code(next)).toEqual({ status: 401, code: 'auth/invalid_device_token' });
  });
});
