import type { LightMyRequestResponse } from 'fastify';
import { LastSeenBuffer } from '../../src/modules/devices/last-seen-buffer';
import { createDevice, DEVICE_API_URL, deviceAuth, devicePayload, DEVICES_URL, deviceUrl, registerDevice } from '../utils/device-factory';
import { createTestApp, type TestApp } from '../utils/test-app';
import { apiKeyHeader, apiKeyRequest, bearer, hs256Token } from '../utils/tokens';

describe('device credentials', () => {
  let t: TestApp;
  let operatorA: Record<string, string>;
  let adminA: Record<string, string>;
  let deviceA: { device_id: string; device_token: string };
  let deviceB: { device_id: string; device_token: string };
  let deviceOfOrgB: { device_id: string; device_token: string };
  let gatewayA: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp();
    operatorA = bearer(await hs256Token({ sub: 'op-a', organization_id: 'org-a', role: 'operator' }));
    adminA = bearer(await hs256Token({ sub: 'admin-a', organization_id: 'org-a', role: 'admin' }));
    const operatorB = bearer(await hs256Token({ sub: 'op-b', organization_id: 'org-b', role: 'operator' }));
    deviceA = await createDevice(t, operatorA);
    deviceB = await createDevice(t, operatorA);
    deviceOfOrgB = await createDevice(t, operatorB);
    gatewayA = apiKeyHeader(await createKey(adminA, 'device_gateway'));
  });
  afterAll(() => t.close());

  async function createKey(admin: Record<string, string>, role: string): Promise<string> {
    const res = await t.request({ method: 'POST', url: '/api/v1/api-keys', headers: admin, payload: apiKeyRequest({ name: `${role} key`, role }) });
    expect(res.statusCode).toBe(201);
    expect(res.json().role).toBe(role);
    return res.json().key;
  }

  const getOwn = (deviceId: string, headers: Record<string, string>) =>
    t.request({ method: 'GET', url: `${DEVICE_API_URL}/${encodeURIComponent(deviceId)}`, headers });

  function expectError(res: LightMyRequestResponse, status: number, code: string): void {
    expect({ status: res.statusCode, code: res.json().code }).toEqual({ status, code });
  }

  describe('Authorization: Device <token>', () => {
    it('lets a device read its own registration, without any token in the answer', async () => {
      const res = await getOwn(deviceA.device_id, deviceAuth(deviceA.device_token));
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ device_id: deviceA.device_id, device_type: 'smart_frame', has_token: true });
      expect(res.json()).not.toHaveProperty('device_token');
    });

    it('accepts the scheme in any case', async () => {
      expect((await getOwn(deviceA.device_id, { authorization: `device ${deviceA.device_token}` })).statusCode).toBe(200);
    });

    it("refuses another device's route with 403, whether that device exists or not", async () => {
      expectError(await getOwn(deviceB.device_id, deviceAuth(deviceA.device_token)), 403, 'auth/forbidden');
      expectError(await getOwn('no-such-device', deviceAuth(deviceA.device_token)), 403, 'auth/forbidden');
      expectError(await getOwn(deviceOfOrgB.device_id, deviceAuth(deviceA.device_token)), 403, 'auth/forbidden');
    });

    it.each([
      ['an unknown token', 'dvt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
      ['a token without the prefix', 'not-a-device-token'],
      ['an empty token', ''],
    ])('refuses %s with 401 auth/invalid_device_token', async (_label, token) => {
      expectError(await getOwn(deviceA.device_id, { authorization: `Device ${token}` }), 401, 'auth/invalid_device_token');
    });

    it('is not taken for a bearer token: a valid JWT sent as a device token is refused', async () => {
      const jwt = await hs256Token({ organization_id: 'org-a', role: 'admin' });
      expectError(await getOwn(deviceA.device_id, { authorization: `Device ${jwt}` }), 401, 'auth/invalid_device_token');
    });

    it('stops working when the token is rotated; the new one works', async () => {
      const device = await createDevice(t, operatorA);
      const rotated = await t.request({ method: 'POST', url: deviceUrl(device.device_id, '/token'), headers: operatorA });
      expect(rotated.statusCode).toBe(200);
      expectError(await getOwn(device.device_id, deviceAuth(device.device_token)), 401, 'auth/invalid_device_token');
      expect((await getOwn(device.device_id, deviceAuth(rotated.json().device_token))).statusCode).toBe(200);
    });

    it('stops working when the device is deleted', async () => {
      const device = await createDevice(t, operatorA);
      expect((await t.request({ method: 'DELETE', url: deviceUrl(device.device_id), headers: operatorA })).statusCode).toBe(200);
      expectError(await getOwn(device.device_id, deviceAuth(device.device_token)), 401, 'auth/invalid_device_token');
    });

    it('is refused on operator routes with 403', async () => {
      const headers = deviceAuth(deviceA.device_token);
      expectError(await t.request({ method: 'GET', url: DEVICES_URL, headers }), 403, 'auth/forbidden');
      expectError(await t.request({ method: 'GET', url: deviceUrl(deviceA.device_id), headers }), 403, 'auth/forbidden');
      expectError(await registerDevice(t, headers, devicePayload()), 403, 'auth/forbidden');
      expectError(await t.request({ method: 'GET', url: '/api/v1/firmware', headers }), 403, 'auth/forbidden');
    });

    it('records the device as seen (written by the next flush)', async () => {
      const device = await createDevice(t, operatorA);
      expect(device.last_seen_at).toBeNull();
      const before = Date.now();
      expect((await getOwn(device.device_id, deviceAuth(device.device_token))).statusCode).toBe(200);
      await t.app.get(LastSeenBuffer).flush();
      const seen = (await t.request({ method: 'GET', url: deviceUrl(device.device_id), headers: operatorA })).json().last_seen_at;
      expect(Date.parse(seen)).toBeGreaterThanOrEqual(before - 1);
    });
  });

  describe('API keys with the role device_gateway', () => {
    it('act for any device of their organization', async () => {
      for (const device of [deviceA, deviceB]) {
        const res = await getOwn(device.device_id, gatewayA);
        expect(res.statusCode).toBe(200);
        expect(res.json().device_id).toBe(device.device_id);
      }
    });

    it("answer 404 for another organization's device or an unknown one", async () => {
      expectError(await getOwn(deviceOfOrgB.device_id, gatewayA), 404, 'device/not_found');
      expectError(await getOwn('no-such-device', gatewayA), 404, 'device/not_found');
    });

    it('are refused on operator and admin routes with 403', async () => {
      expectError(await t.request({ method: 'GET', url: DEVICES_URL, headers: gatewayA }), 403, 'auth/forbidden');
      expectError(await registerDevice(t, gatewayA, devicePayload()), 403, 'auth/forbidden');
      expectError(await t.request({ method: 'GET', url: '/api/v1/firmware', headers: gatewayA }), 403, 'auth/forbidden');
      expectError(await t.request({ method: 'GET', url: '/api/v1/api-keys', headers: gatewayA }), 403, 'auth/forbidden');
    });
  });

  describe('everyone else', () => {
    it('gets 403 on device routes: users with any role, and keys of other roles', async () => {
      expectError(await getOwn(deviceA.device_id, adminA), 403, 'auth/forbidden');
      expectError(await getOwn(deviceA.device_id, operatorA), 403, 'auth/forbidden');
      const adminKey = apiKeyHeader(await createKey(adminA, 'admin'));
      expectError(await getOwn(deviceA.device_id, adminKey), 403, 'auth/forbidden');
    });

    it('gets 401 without credentials', async () => {
      expectError(await getOwn(deviceA.device_id, {}), 401, 'auth/unauthenticated');
    });
  });
});
