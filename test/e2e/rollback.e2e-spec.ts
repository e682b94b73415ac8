import { createDevice, deviceUrl } from '../utils/device-factory';
import { createTestApp, type TestApp } from '../utils/test-app';
import { bearer, hs256Token } from '../utils/tokens';
import { createFirmware, createUpdate, deviceCommands, outboxEvents, sql, updateRow, deviceReports, updateUrl } from '../utils/update-factory';

const ORG = 'org-rollback';

describe('device rollback', () => {
  let t: TestApp;
  let operator: Record<string, string>;
  let otherOrg: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp();
    operator = bearer(await hs256Token({ sub: 'op-1', organization_id: ORG, role: 'operator' }));
    otherOrg = bearer(await hs256Token({ sub: 'op-2', organization_id: 'org-rollback-other', role: 'operator' }));
  });
  afterAll(() => t.close());

  function rollback(deviceId: string, body: Record<string, unknown>, headers = operator) {
    return t.request({ method: 'POST', url: deviceUrl(deviceId, '/rollback'), headers, payload: body });
  }

  it('rolls a device back to an older firmware: cancels the active update, logs, emits, completes', async () => {
    const old = await createFirmware(t, operator);
    const current = await createFirmware(t, operator);
    const next = await createFirmware(t, operator);
    const device = await createDevice(t, operator, { firmware_version: old.version });
    const service = deviceReports(t);

    // The device is updated to `current`, then an update to `next` is in flight.
    const upgrade = await createUpdate(t, operator, device.device_id, { firmware_id: current.firmware_id });
    await service.applyDeviceReport(ORG, device.device_id, upgrade.update_id, { status: 'completed', firmware_version: current.version }, 'device');
    const inFlight = await createUpdate(t, operator, device.device_id, { firmware_id: next.firmware_id });
    await service.applyDeviceReport(ORG, device.device_id, inFlight.update_id, { status: 'downloading' }, 'device');

    const res = await rollback(device.device_id, { to_version: old.version, reason: 'battery drain' });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      device_id: device.device_id,
      from_version: current.version,
      to_version: old.version,
      reason: 'battery drain',
      status: 'scheduled',
      initiated_by: 'op-1',
    });
    expect(body.rollback_id).toMatch(/^[0-9a-f]{32}$/);
    expect(Object.keys(body).sort()).toEqual(['device_id', 'from_version', 'initiated_at', 'initiated_by', 'reason', 'rollback_id', 'status', 'to_version', 'update_id']);

    expect((await updateRow(t, inFlight.update_id)).status).toBe('cancelled');
    const update = (await t.request({ method: 'GET', url: updateUrl(body.update_id), headers: operator })).json();
    expect(update).toMatchObject({ kind: 'rollback', firmware_id: old.firmware_id, from_version: current.version, to_version: old.version, status: 'scheduled' });
    const [log] = await sql(t, 'SELECT * FROM ota.rollback_logs WHERE rollback_id = $1', [body.rollback_id]);
    expect(log).toMatchObject({ device_id: device.device_id, update_id: body.update_id, from_version: current.version, to_version: old.version, reason: 'battery drain', initiated_by: 'op-1', completed_at: null });
    expect((await deviceCommands(t, device.device_id)).slice(-2).map((command) => [command.payload.type, command.payload.update_id, command.payload.kind])).toEqual([
      ['update_cancelled', inFlight.update_id, 'update'],
      ['update_available', body.update_id, 'rollback'],
    ]);

    await service.applyDeviceReport(ORG, device.device_id, body.update_id, { status: 'downloading' }, 'device');
    await service.applyDeviceReport(ORG, device.device_id, body.update_id, { status: 'completed', firmware_version: old.version }, 'device');
    const events = (await outboxEvents(t, 'rollback_id', body.rollback_id)).map((event) => event.type);
    expect(events).toEqual(['rollback.initiated', 'rollback.completed']);
    const [done] = await sql<{ completed_at: Date | null }>(t, 'SELECT completed_at FROM ota.rollback_logs WHERE rollback_id = $1', [body.rollback_id]);
    expect(done.completed_at).not.toBeNull();
    // The update that installed the version rolled away from is marked as reverted.
    expect((await updateRow(t, upgrade.update_id)).status).toBe('rolled_back');
    const [stored] = await sql<{ firmware_version: string }>(t, 'SELECT firmware_version FROM ota.devices WHERE device_id = $1', [device.device_id]);
    expect(stored.firmware_version).toBe(old.version);
  });

  it('ignores compatibility (a rollback is explicit) but needs a firmware of the device model', async () => {
    const bounded = await createFirmware(t, operator, { min_hardware_version: '5.0' });
    const device = await createDevice(t, operator, { hardware_version: '1.0' });
    const res = await rollback(device.device_id, { to_version: bounded.version });
    expect(res.statusCode).toBe(201);

    const otherModel = await createFirmware(t, operator, { device_model: 'OTHER-MODEL' });
    const wrongModel = await rollback(device.device_id, { to_version: otherModel.version });
    expect(wrongModel.statusCode).toBe(404);
    expect(wrongModel.json().code).toBe('rollback/version_not_found');
    const unknown = await rollback(device.device_id, { to_version: '0.0.1-nope' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('rollback/version_not_found');
  });

  it('404s unknown devices and other organizations, 422s a missing version', async () => {
    const firmware = await createFirmware(t, operator);
    const device = await createDevice(t, operator);
    expect((await rollback('no-such-device', { to_version: firmware.version })).json().code).toBe('device/not_found');
    expect((await rollback(device.device_id, { to_version: firmware.version }, otherOrg)).statusCode).toBe(404);
    expect((await rollback(device.device_id, {})).statusCode).toBe(422);
  });
});
