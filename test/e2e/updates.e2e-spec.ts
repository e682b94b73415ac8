import { createDevice, deviceUrl, uniqueDeviceId } from '../utils/device-factory';
import { createTestApp, type TestApp } from '../utils/test-app';
import { bearer, hs256Token } from '../utils/tokens';
import {
  BULK_UPDATE_URL,
  createFirmware,
  createUpdate,
  deviceAndFirmware,
  deviceCommands,
  outboxEvents,
  requestUpdate,
  sql,
  timelineRows,
  updateRow,
  deviceReports,
  updateUrl,
} from '../utils/update-factory';

const UPDATE_FIELDS = [
  'update_id', 'device_id', 'campaign_id', 'kind', 'firmware_id', 'firmware', 'status', 'priority', 'progress_percentage',
  'current_phase', 'from_version', 'to_version', 'scheduled_at', 'started_at', 'completed_at', 'timeout_at', 'next_retry_at',
  'error_code', 'error_message', 'retry_count', 'max_retries', 'timeout_minutes', 'force_update', 'maintenance_window',
  'pre_update_commands', 'post_update_commands', 'download_size', 'bytes_downloaded', 'download_progress', 'download_speed',
  'signature_verified', 'checksum_verified', 'created_by', 'created_at', 'updated_at', 'timeline',
  'health_deadline', 'health_confirmed_at',
];

describe('device updates (operator API)', () => {
  let t: TestApp;
  let operator: Record<string, string>;
  let viewer: Record<string, string>;
  let otherOrg: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp();
    operator = bearer(await hs256Token({ sub: 'op-1', organization_id: 'org-u', role: 'operator' }));
    viewer = bearer(await hs256Token({ sub: 'viewer-1', organization_id: 'org-u', role: 'viewer' }));
    otherOrg = bearer(await hs256Token({ sub: 'op-2', organization_id: 'org-u-other', role: 'operator' }));
  });
  afterAll(() => t.close());

  it('creates and releases an update with every field stored and returned', async () => {
    const { device, firmware } = await deviceAndFirmware(t, operator, { firmware: { min_hardware_version: '1.0', max_hardware_version: '2.0' } });
    const body = {
      device_id: 'ignored-in-body',
      firmware_id: firmware.firmware_id,
      priority: 'critical',
      max_retries: 5,
      timeout_minutes: 30,
      // Open all day: released at once (windows that are closed: campaigns-windows-ramp.e2e-spec.ts).
      maintenance_window: { start: '00:00', end: '00:00', timezone: 'UTC' },
      pre_update_commands: ['stop-app'],
      post_update_commands: ['start-app', 'selftest'],
      unknown_key: 'ignored',
    };
    const before = Date.now();
    const res = await requestUpdate(t, operator, device.device_id, body);
    expect(res.statusCode).toBe(201);
    const update = res.json();
    expect(Object.keys(update).sort()).toEqual([...UPDATE_FIELDS].sort());
    expect(update).toMatchObject({
      device_id: device.device_id,
      campaign_id: null,
      kind: 'update',
      firmware_id: firmware.firmware_id,
      status: 'scheduled',
      priority: 'critical',
      progress_percentage: 0,
      from_version: '1.4.2',
      to_version: firmware.version,
      max_retries: 5,
      timeout_minutes: 30,
      retry_count: 0,
      force_update: false,
      maintenance_window: body.maintenance_window,
      pre_update_commands: ['stop-app'],
      post_update_commands: ['start-app', 'selftest'],
      download_size: firmware.file_size,
      created_by: 'op-1',
      error_code: null,
    });
    expect(update.update_id).toMatch(/^[0-9a-f]{32}$/);
    expect(update.firmware).toMatchObject({ firmware_id: firmware.firmware_id, version: firmware.version });
    const timeoutAt = Date.parse(update.timeout_at) - Date.parse(update.scheduled_at);
    expect(timeoutAt).toBe(30 * 60_000);
    expect(Date.parse(update.scheduled_at)).toBeGreaterThanOrEqual(before - 1000);
    expect(update.timeline).toEqual([expect.objectContaining({ status: 'scheduled', source: 'operator' })]);

    const got = await t.request({ method: 'GET', url: updateUrl(update.update_id), headers: viewer });
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual(update);

    const commands = await deviceCommands(t, device.device_id);
    expect(commands).toEqual([
      expect.objectContaining({
        organization_id: 'org-u',
        payload: expect.objectContaining({ type: 'update_available', update_id: update.update_id, kind: 'update', firmware_id: firmware.firmware_id, version: firmware.version }),
      }),
    ]);
  });

  it('applies defaults', async () => {
    const { device, firmware } = await deviceAndFirmware(t, operator);
    const update = await createUpdate(t, operator, device.device_id, { firmware_id: firmware.firmware_id });
    expect(update).toMatchObject({ priority: 'normal', max_retries: 3, timeout_minutes: 60, maintenance_window: null, pre_update_commands: [], force_update: false });
  });

  it.each([
    [{ priority: 'urgent' }, 'priority'],
    [{ max_retries: 11 }, 'max_retries'],
    [{ timeout_minutes: 4 }, 'timeout_minutes'],
    [{ timeout_minutes: 1441 }, 'timeout_minutes'],
    [{ firmware_id: 'nope' }, 'firmware_id'],
    [{ maintenance_window: 'tonight' }, 'maintenance_window'],
    [{ pre_update_commands: [1] }, 'pre_update_commands'],
  ])('refuses %j with 422', async (override, field) => {
    const { device, firmware } = await deviceAndFirmware(t, operator);
    const res = await requestUpdate(t, operator, device.device_id, { firmware_id: firmware.firmware_id, ...override });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors.map((error: { loc: string[] }) => error.loc.join('.'))).toContain(`body.${field}`);
  });

  it('404s an unknown device and an unknown firmware; viewers cannot create', async () => {
    const { device, firmware } = await deviceAndFirmware(t, operator);
    const noDevice = await requestUpdate(t, operator, uniqueDeviceId('ghost'), { firmware_id: firmware.firmware_id });
    expect(noDevice.statusCode).toBe(404);
    expect(noDevice.json().code).toBe('device/not_found');
    const noFirmware = await requestUpdate(t, operator, device.device_id, { firmware_id: 'f'.repeat(32) });
    expect(noFirmware.statusCode).toBe(404);
    expect(noFirmware.json().code).toBe('firmware/not_found');
    expect((await requestUpdate(t, viewer, device.device_id, { firmware_id: firmware.firmware_id })).statusCode).toBe(403);
  });

  it('refuses an incompatible model or hardware with 409 unless forced', async () => {
    const { device: otherModel, firmware } = await deviceAndFirmware(t, operator, { device: { device_model: 'OTHER' } });
    const res = await requestUpdate(t, operator, otherModel.device_id, { firmware_id: firmware.firmware_id });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('update/incompatible');

    const oldHardware = await createDevice(t, operator, { hardware_version: '0.9' });
    const bounded = await createFirmware(t, operator, { min_hardware_version: '1.0' });
    const refused = await requestUpdate(t, operator, oldHardware.device_id, { firmware_id: bounded.firmware_id });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('update/incompatible');
    const newHardware = await createDevice(t, operator, { hardware_version: '3' });
    const capped = await createFirmware(t, operator, { max_hardware_version: '2.5' });
    expect((await requestUpdate(t, operator, newHardware.device_id, { firmware_id: capped.firmware_id })).json().code).toBe('update/incompatible');

    const forced = await requestUpdate(t, operator, otherModel.device_id, { firmware_id: firmware.firmware_id, force_update: true });
    expect(forced.statusCode).toBe(201);
    expect(forced.json()).toMatchObject({ status: 'scheduled', force_update: true });
    expect((await requestUpdate(t, operator, oldHardware.device_id, { firmware_id: bounded.firmware_id, force_update: true })).statusCode).toBe(201);
  });

  it('one unfinished update per device: 409 busy, or force cancels the old one', async () => {
    const { device, firmware } = await deviceAndFirmware(t, operator);
    const first = await createUpdate(t, operator, device.device_id, { firmware_id: firmware.firmware_id });
    const busy = await requestUpdate(t, operator, device.device_id, { firmware_id: firmware.firmware_id });
    expect(busy.statusCode).toBe(409);
    expect(busy.json().code).toBe('update/device_busy');

    const second = await createUpdate(t, operator, device.device_id, { firmware_id: firmware.firmware_id, force_update: true });
    expect((await updateRow(t, first.update_id)).status).toBe('cancelled');
    expect((await updateRow(t, second.update_id)).status).toBe('scheduled');
    expect(await timelineRows(t, first.update_id)).toEqual([
      expect.objectContaining({ status: 'scheduled' }),
      expect.objectContaining({ status: 'cancelled', source: 'operator', detail: 'Superseded by a forced update' }),
    ]);
    expect((await outboxEvents(t, 'update_id', first.update_id)).map((event) => event.type)).toEqual(['update.cancelled']);
    const commands = (await deviceCommands(t, device.device_id)).map((command) => [command.payload.type, command.payload.update_id]);
    expect(commands).toEqual([
      ['update_available', first.update_id],
      ['update_cancelled', first.update_id],
      ['update_available', second.update_id],
    ]);
  });

  it('concurrent creates for one device: exactly one wins, the others are 409 busy', async () => {
    const { device, firmware } = await deviceAndFirmware(t, operator);
    const answers = await Promise.all(Array.from({ length: 5 }, () => requestUpdate(t, operator, device.device_id, { firmware_id: firmware.firmware_id })));
    expect(answers.map((res) => res.statusCode).sort()).toEqual([201, 409, 409, 409, 409]);
    for (const res of answers.filter((answer) => answer.statusCode === 409)) expect(res.json().code).toBe('update/device_busy');
  });

  it('a device already on the version gets a completed update unless forced', async () => {
    const firmware = await createFirmware(t, operator);
    const device = await createDevice(t, operator, { firmware_version: firmware.version });
    const update = await createUpdate(t, operator, device.device_id, { firmware_id: firmware.firmware_id });
    expect(update).toMatchObject({ status: 'completed', error_code: null, progress_percentage: 100, from_version: firmware.version });
    expect(update.completed_at).not.toBeNull();
    expect((update.timeline as { status: string; detail: string }[])[0]).toMatchObject({ status: 'completed', detail: expect.stringMatching(/already installed/i) });
    expect((await outboxEvents(t, 'update_id', update.update_id)).map((event) => [event.type, event.data.already_installed])).toEqual([['update.completed', true]]);
    expect(await deviceCommands(t, device.device_id)).toEqual([]);

    const forced = await createUpdate(t, operator, device.device_id, { firmware_id: firmware.firmware_id, force_update: true });
    expect(forced.status).toBe('scheduled');
  });

  it('bulk: per-device results for good, unknown, incompatible, busy and repeated ids, in request order', async () => {
    const firmware = await createFirmware(t, operator);
    const good1 = await createDevice(t, operator);
    const good2 = await createDevice(t, operator);
    const installed = await createDevice(t, operator, { firmware_version: firmware.version });
    const incompatible = await createDevice(t, operator, { device_model: 'OTHER' });
    const busy = await createDevice(t, operator);
    const existing = await createUpdate(t, operator, busy.device_id, { firmware_id: firmware.firmware_id });
    const ghost = uniqueDeviceId('ghost');
    const ids = [good1.device_id, ghost, incompatible.device_id, good1.device_id, busy.device_id, good2.device_id, installed.device_id];

    const res = await t.request({
      method: 'POST',
      url: BULK_UPDATE_URL,
      headers: operator,
      payload: { device_ids: ids, firmware_id: firmware.firmware_id, priority: 'high', max_retries: 1, timeout_minutes: 15 },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.total).toBe(7);
    expect(body.succeeded).toBe(3);
    expect(body.results.map((result: { device_id: string; success: boolean; error?: string }) => [result.device_id, result.success, result.error ?? null])).toEqual([
      [good1.device_id, true, null],
      [ghost, false, 'device/not_found'],
      [incompatible.device_id, false, 'update/incompatible'],
      [good1.device_id, false, 'update/duplicate_device_id'],
      [busy.device_id, false, 'update/device_busy'],
      [good2.device_id, true, null],
      [installed.device_id, true, null],
    ]);
    const rows = await sql<{ device_id: string; status: string; priority: string; max_retries: number; timeout_minutes: number; update_id: string }>(
      t,
      'SELECT * FROM ota.device_updates WHERE device_id = ANY($1) ORDER BY device_id',
      [[good1.device_id, good2.device_id, installed.device_id, busy.device_id, incompatible.device_id]],
    );
    const byDevice = Object.fromEntries(rows.map((row) => [row.device_id, row]));
    expect(rows).toHaveLength(4);
    expect(byDevice[good1.device_id]).toMatchObject({ status: 'scheduled', priority: 'high', max_retries: 1, timeout_minutes: 15, update_id: body.results[0].update_id });
    expect(byDevice[good2.device_id]).toMatchObject({ status: 'scheduled', update_id: body.results[5].update_id });
    expect(byDevice[installed.device_id]).toMatchObject({ status: 'completed' });
    expect(byDevice[busy.device_id]).toMatchObject({ status: 'scheduled', update_id: existing.update_id });
    expect(await timelineRows(t, body.results[0].update_id)).toHaveLength(1);

    const forced = await t.request({
      method: 'POST',
      url: BULK_UPDATE_URL,
      headers: operator,
      payload: { device_ids: [busy.device_id, incompatible.device_id], firmware_id: firmware.firmware_id, force_update: true },
    });
    expect(forced.json().results.map((result: { success: boolean }) => result.success)).toEqual([true, true]);
    expect((await updateRow(t, existing.update_id)).status).toBe('cancelled');
  });

  it('bulk: validates the list and 404s an unknown firmware', async () => {
    const device = await createDevice(t, operator);
    const empty = await t.request({ method: 'POST', url: BULK_UPDATE_URL, headers: operator, payload: { device_ids: [], firmware_id: 'a'.repeat(32) } });
    expect(empty.statusCode).toBe(422);
    const tooMany = await t.request({
      method: 'POST',
      url: BULK_UPDATE_URL,
      headers: operator,
      payload: { device_ids: Array.from({ length: 10_001 }, (_, index) => `d${index}`), firmware_id: 'a'.repeat(32) },
    });
    expect(tooMany.statusCode).toBe(422);
    const unknown = await t.request({ method: 'POST', url: BULK_UPDATE_URL, headers: operator, payload: { device_ids: [device.device_id], firmware_id: 'a'.repeat(32) } });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('firmware/not_found');
    // An unpaired surrogate escape has no UTF-8 form: 422 naming the field, and nothing written.
    const firmware = await createFirmware(t, operator);
    const unstorable = await t.request({
      method: 'POST',
      url: BULK_UPDATE_URL,
      headers: operator,
      payload: { device_ids: [device.device_id], firmware_id: firmware.firmware_id, pre_update_commands: ['sync', 'echo \ud800'] },
    });
    expect(unstorable.statusCode).toBe(422);
    expect(unstorable.json().errors).toEqual([expect.objectContaining({ loc: ['body', 'pre_update_commands', 1], type: 'string_unicode' })]);
    expect((await t.request({ method: 'GET', url: `/api/v1/devices/${device.device_id}/updates`, headers: operator })).json().total_updates).toBe(0);
  });

  it('history: newest first with counts from all updates', async () => {
    const { device, firmware } = await deviceAndFirmware(t, operator);
    const service = deviceReports(t);
    const first = await createUpdate(t, operator, device.device_id, { firmware_id: firmware.firmware_id, max_retries: 0 });
    await service.applyDeviceReport('org-u', device.device_id, first.update_id, { status: 'failed', error_code: 'E_FLASH' }, 'device');
    const second = await createUpdate(t, operator, device.device_id, { firmware_id: firmware.firmware_id });
    await service.applyDeviceReport('org-u', device.device_id, second.update_id, { status: 'completed' }, 'device');
    const other = await createFirmware(t, operator);
    const third = await createUpdate(t, operator, device.device_id, { firmware_id: other.firmware_id });

    const res = await t.request({ method: 'GET', url: deviceUrl(device.device_id, '/updates?limit=2'), headers: viewer });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ device_id: device.device_id, total_updates: 3, successful_updates: 1, failed_updates: 1, avg_success_rate: 50 });
    expect(body.updates.map((update: { update_id: string }) => update.update_id)).toEqual([third.update_id, second.update_id]);
    expect(body.last_update.update_id).toBe(third.update_id);
    expect(body.updates[0].firmware.firmware_id).toBe(other.firmware_id);

    const none = await t.request({ method: 'GET', url: deviceUrl(uniqueDeviceId('none'), '/updates'), headers: viewer });
    expect(none.json()).toMatchObject({ updates: [], total_updates: 0, avg_success_rate: null, last_update: null });
    expect((await t.request({ method: 'GET', url: deviceUrl(device.device_id, '/updates?limit=0'), headers: viewer })).statusCode).toBe(422);
  });

  it('cancel: an unfinished update, then 409 once terminal', async () => {
    const { device, firmware } = await deviceAndFirmware(t, operator);
    const update = await createUpdate(t, operator, device.device_id, { firmware_id: firmware.firmware_id });
    await deviceReports(t).applyDeviceReport('org-u', device.device_id, update.update_id, { status: 'downloading', progress_percentage: 10 }, 'device');
    const res = await t.request({ method: 'POST', url: updateUrl(update.update_id, '/cancel'), headers: operator });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'cancelled' });
    expect(res.json().completed_at).not.toBeNull();
    expect(res.json().timeline.map((entry: { status: string }) => entry.status)).toEqual(['scheduled', 'downloading', 'cancelled']);
    expect((await outboxEvents(t, 'update_id', update.update_id)).map((event) => event.type)).toEqual(['update.started', 'update.cancelled']);
    expect((await deviceCommands(t, device.device_id)).map((command) => command.payload.type)).toEqual(['update_available', 'update_cancelled']);

    const again = await t.request({ method: 'POST', url: updateUrl(update.update_id, '/cancel'), headers: operator });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('update/invalid_transition');
    expect((await t.request({ method: 'POST', url: updateUrl('0'.repeat(32), '/cancel'), headers: operator })).statusCode).toBe(404);
  });

  it('retry: only from failed while retries remain', async () => {
    const { device, firmware } = await deviceAndFirmware(t, operator);
    const update = await createUpdate(t, operator, device.device_id, { firmware_id: firmware.firmware_id, max_retries: 1 });
    const notFailed = await t.request({ method: 'POST', url: updateUrl(update.update_id, '/retry'), headers: operator });
    expect(notFailed.statusCode).toBe(409);
    expect(notFailed.json().code).toBe('update/invalid_transition');

    const service = deviceReports(t);
    await service.applyDeviceReport('org-u', device.device_id, update.update_id, { status: 'failed', error_code: 'E_DISK', error_message: 'disk full' }, 'device');
    const failed = await updateRow(t, update.update_id);
    expect(failed).toMatchObject({ status: 'failed', error_code: 'E_DISK' });
    expect(failed.next_retry_at).not.toBeNull();

    const retried = await t.request({ method: 'POST', url: updateUrl(update.update_id, '/retry'), headers: operator });
    expect(retried.statusCode).toBe(200);
    expect(retried.json()).toMatchObject({ status: 'scheduled', retry_count: 1, error_code: null, error_message: null, next_retry_at: null, completed_at: null });
    expect(Date.parse(retried.json().timeout_at)).toBeGreaterThan(Date.now() + 59 * 60_000);

    await service.applyDeviceReport('org-u', device.device_id, update.update_id, { status: 'failed' }, 'device');
    expect((await updateRow(t, update.update_id)).next_retry_at).toBeNull();
    const exhausted = await t.request({ method: 'POST', url: updateUrl(update.update_id, '/retry'), headers: operator });
    expect(exhausted.statusCode).toBe(409);
    expect(exhausted.json().code).toBe('update/retries_exhausted');
  });

  it('organizations see only their own updates', async () => {
    const { device, firmware } = await deviceAndFirmware(t, operator);
    const update = await createUpdate(t, operator, device.device_id, { firmware_id: firmware.firmware_id });
    for (const [method, suffix] of [['GET', ''], ['POST', '/cancel'], ['POST', '/retry']] as const) {
      const res = await t.request({ method, url: updateUrl(update.update_id, suffix), headers: otherOrg });
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('update/not_found');
    }
    expect((await requestUpdate(t, otherOrg, device.device_id, { firmware_id: firmware.firmware_id })).statusCode).toBe(404);
    const bulk = await t.request({ method: 'POST', url: BULK_UPDATE_URL, headers: otherOrg, payload: { device_ids: [device.device_id], firmware_id: firmware.firmware_id } });
    expect(bulk.statusCode).toBe(404);
    const history = await t.request({ method: 'GET', url: deviceUrl(device.device_id, '/updates'), headers: otherOrg });
    expect(history.json().total_updates).toBe(0);
    await expect(deviceReports(t).applyDeviceReport('org-u-other', device.device_id, update.update_id, { status: 'downloading' }, 'device')).rejects.toMatchObject({
      code: 'update/not_found',
    });
  });

  it('a firmware with an unfinished update cannot be deleted; once finished it can', async () => {
    const { device, firmware } = await deviceAndFirmware(t, operator);
    const update = await createUpdate(t, operator, device.device_id, { firmware_id: firmware.firmware_id });
    const refused = await t.request({ method: 'DELETE', url: `/api/v1/firmware/${firmware.firmware_id}`, headers: operator });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('firmware/in_use');
    await t.request({ method: 'POST', url: updateUrl(update.update_id, '/cancel'), headers: operator });
    expect((await t.request({ method: 'DELETE', url: `/api/v1/firmware/${firmware.firmware_id}`, headers: operator })).statusCode).toBe(200);
    const after = await t.request({ method: 'GET', url: updateUrl(update.update_id), headers: viewer });
    expect(after.json()).toMatchObject({ status: 'cancelled', firmware: null, firmware_id: firmware.firmware_id });
  });

  it('deleting a device cancels its unfinished updates', async () => {
    const { device, firmware } = await deviceAndFirmware(t, operator);
    const update = await createUpdate(t, operator, device.device_id, { firmware_id: firmware.firmware_id });
    expect((await t.request({ method: 'DELETE', url: deviceUrl(device.device_id), headers: operator })).statusCode).toBe(200);
    expect((await updateRow(t, update.update_id)).status).toBe('cancelled');
    expect(await timelineRows(t, update.update_id)).toContainEqual(expect.objectContaining({ status: 'cancelled', source: 'system' }));
    expect((await outboxEvents(t, 'update_id', update.update_id)).map((event) => event.type)).toEqual(['update.cancelled']);
  });
});
