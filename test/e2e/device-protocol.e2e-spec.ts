import type { LightMyRequestResponse } from 'fastify';
import { LastSeenBuffer } from '../../src/modules/devices/last-seen-buffer';
import { MetricsService } from '../../src/common/observability/metrics.service';
import { createDevice, DEVICE_API_URL, deviceAuth, deviceUrl } from '../utils/device-factory';
import { firmwareBytes, firmwareMetadata, md5Hex, sha256Hex, uploadFirmware } from '../utils/firmware-factory';
import { storageBackends } from '../utils/storage-backends';
import { createTestApp, type TestApp } from '../utils/test-app';
import { apiKeyHeader, apiKeyRequest, bearer, hs256Token } from '../utils/tokens';
import { createFirmware, createUpdate, deviceCommands, sql, updateUrl } from '../utils/update-factory';

const ORG = 'org-dp';
const CHECK_IN_FIELDS = [
  'update_id', 'kind', 'firmware_id', 'version', 'update_type', 'download_url', 'download_expires_at', 'file_size',
  'checksum_sha256', 'checksum_md5', 'signature', 'signing_key_id', 'force', 'timeout_at', 'activation',
  'confirmation_required', 'window_ends_at',
];

describe('device protocol over HTTP', () => {
  let t: TestApp;
  let operator: Record<string, string>;
  let gateway: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp({ env: { DEVICE_POLL_INTERVAL_SECONDS: '300', DEVICE_POLL_JITTER_PERCENT: '10' } });
    operator = bearer(await hs256Token({ sub: 'op-dp', organization_id: ORG, role: 'operator' }));
    const admin = bearer(await hs256Token({ sub: 'admin-dp', organization_id: ORG, role: 'admin' }));
    const key = await t.request({ method: 'POST', url: '/api/v1/api-keys', headers: admin, payload: apiKeyRequest({ name: 'gateway', role: 'device_gateway' }) });
    expect(key.statusCode).toBe(201);
    gateway = apiKeyHeader(key.json().key);
  });
  afterAll(() => t.close());

  const checkIn = (deviceId: string, headers: Record<string, string>, body: Record<string, unknown> = { firmware_version: '1.4.2' }) =>
    t.request({ method: 'POST', url: `${DEVICE_API_URL}/${encodeURIComponent(deviceId)}/check-in`, headers, payload: body });
  const report = (deviceId: string, updateId: string, headers: Record<string, string>, body: Record<string, unknown>) =>
    t.request({ method: 'POST', url: `${DEVICE_API_URL}/${encodeURIComponent(deviceId)}/updates/${updateId}/status`, headers, payload: body });
  const downloadRows = (firmwareId: string) =>
    sql<{ device_id: string | null; requested_by: string; requested_by_kind: string; file_size: string }>(
      t,
      'SELECT device_id, requested_by, requested_by_kind, file_size::text FROM ota.firmware_downloads WHERE firmware_id = $1',
      [firmwareId],
    );

  function expectError(res: LightMyRequestResponse, status: number, code: string): void {
    expect({ status: res.statusCode, code: res.json().code }).toEqual({ status, code });
  }

  it('runs the whole loop: check-in, download and verify, every phase, completed, history and stats', async () => {
    const device = await createDevice(t, operator, { firmware_version: '1.4.2' });
    const auth = deviceAuth(device.device_token);
    const content = firmwareBytes(96 * 1024);
    const upload = await uploadFirmware(t, operator, { metadata: firmwareMetadata({ update_type: 'firmware' }), content });
    expect(upload.statusCode).toBe(201);
    const firmware = upload.json();

    const idle = await checkIn(device.device_id, auth);
    expect(idle.statusCode).toBe(200);
    expect(idle.json()).toEqual({ poll_interval_seconds: expect.any(Number), update: null });
    expect(idle.json().poll_interval_seconds).toBeGreaterThanOrEqual(270);
    expect(idle.json().poll_interval_seconds).toBeLessThanOrEqual(330);

    const update = await createUpdate(t, operator, device.device_id, { firmware_id: firmware.firmware_id });
    const res = await checkIn(device.device_id, auth, { firmware_version: '1.4.2', hardware_version: '1.2', attributes: { battery: 80 } });
    expect(res.statusCode).toBe(200);
    const job = res.json().update;
    expect(Object.keys(job).sort()).toEqual([...CHECK_IN_FIELDS].sort());
    expect(job).toMatchObject({
      update_id: update.update_id,
      kind: 'update',
      firmware_id: firmware.firmware_id,
      version: firmware.version,
      update_type: 'firmware',
      file_size: content.length,
      checksum_sha256: sha256Hex(content),
      checksum_md5: md5Hex(content),
      signature: null,
      signing_key_id: null,
      force: false,
      timeout_at: update.timeout_at,
      activation: 'immediate',
      window_ends_at: null,
    });
    // Valid for at least half the TTL from now.
    const ttlMs = t.config.storage.downloadUrlTtlSeconds * 1000;
    expect(Date.parse(job.download_expires_at)).toBeGreaterThanOrEqual(Date.now() + ttlMs / 2 - 1000);
    // The check-in recorded no download: that happens when the device reports downloading.
    expect(await downloadRows(firmware.firmware_id)).toEqual([]);

    const url = new URL(job.download_url);
    const download = await t.request({ method: 'GET', url: url.pathname + url.search });
    expect(download.statusCode).toBe(200);
    expect(sha256Hex(download.rawPayload)).toBe(job.checksum_sha256);

    const id = update.update_id;
    // Starting the job is not downloading it yet: nothing is recorded for in_progress.
    expect((await report(device.device_id, id, auth, { status: 'in_progress' })).statusCode).toBe(200);
    expect(await downloadRows(firmware.firmware_id)).toEqual([]);
    expect((await report(device.device_id, id, auth, { status: 'downloading', progress_percentage: 10, bytes_downloaded: 1000 })).statusCode).toBe(200);
    expect(await downloadRows(firmware.firmware_id)).toEqual([
      { device_id: device.device_id, requested_by: device.device_id, requested_by_kind: 'device', file_size: String(content.length) },
    ]);
    // A repeat of the phase (progress) records nothing more.
    expect((await report(device.device_id, id, auth, { status: 'downloading', progress_percentage: 90, error_code: null })).statusCode).toBe(200);
    expect(await downloadRows(firmware.firmware_id)).toHaveLength(1);
    for (const status of ['verifying', 'installing', 'rebooting']) {
      const step = await report(device.device_id, id, auth, { status });
      expect(step.statusCode).toBe(200);
      expect(step.json()).toMatchObject({ update_id: id, status });
    }
    const done = await report(device.device_id, id, auth, { status: 'completed', firmware_version: firmware.version });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ update_id: id, status: 'completed', progress_percentage: 100, checksum_verified: true });
    expect(await downloadRows(firmware.firmware_id)).toHaveLength(1);

    // The device's version, its history, the stats.
    await t.app.get(LastSeenBuffer).flush();
    const registered = await t.request({ method: 'GET', url: deviceUrl(device.device_id), headers: operator });
    expect(registered.json()).toMatchObject({ firmware_version: firmware.version });
    const history = await t.request({ method: 'GET', url: deviceUrl(device.device_id, '/updates'), headers: operator });
    expect(history.json()).toMatchObject({ device_id: device.device_id, total_updates: 1, successful_updates: 1, failed_updates: 0 });
    expect(history.json().updates[0]).toMatchObject({ update_id: id, status: 'completed' });
    const detail = await t.request({ method: 'GET', url: updateUrl(id), headers: operator });
    expect(detail.json().timeline.map((entry: { status: string; source: string }) => `${entry.status}/${entry.source}`)).toEqual(
      expect.arrayContaining(['downloading/device', 'verifying/device', 'installing/device', 'rebooting/device', 'completed/device']),
    );
    const stats = await t.request({ method: 'GET', url: '/api/v1/stats', headers: operator });
    expect(stats.statusCode).toBe(200);
    expect(stats.json().completed_updates).toBeGreaterThanOrEqual(1);
    expect(stats.json().total_data_transferred).toBeGreaterThanOrEqual(content.length);

    const after = await checkIn(device.device_id, auth, { firmware_version: firmware.version });
    expect(after.json().update).toBeNull();

    const metrics = await t.app.get(MetricsService).render();
    expect(metrics).toMatch(/ota_updates_finished_total\{status="completed"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/ota_device_checkins_total\{result="update"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/ota_device_reports_total\{transport="http",outcome="applied"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/ota_update_duration_seconds_count\{[^}]*\} [1-9]/);
    expect(metrics).toMatch(/ota_updates_in_flight\{status="scheduled"[^}]*\} \d/);
  });

  it('answers 304 to an unchanged check-in and 200 with a new ETag after a status change', async () => {
    const device = await createDevice(t, operator);
    const auth = deviceAuth(device.device_token);
    const firmware = await createFirmware(t, operator);
    const update = await createUpdate(t, operator, device.device_id, { firmware_id: firmware.firmware_id });

    const first = await checkIn(device.device_id, auth);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const second = await checkIn(device.device_id, { ...auth, 'if-none-match': etag });
    expect(second.statusCode).toBe(304);
    expect(second.body).toBe('');
    expect(second.headers.etag).toBe(etag);
    expect((await checkIn(device.device_id, { ...auth, 'if-none-match': '"something-else"' })).statusCode).toBe(200);

    expect((await report(device.device_id, update.update_id, auth, { status: 'downloading' })).statusCode).toBe(200);
    const third = await checkIn(device.device_id, { ...auth, 'if-none-match': etag });
    expect(third.statusCode).toBe(200);
    expect(third.headers.etag).not.toBe(etag);
    expect(third.json().update.update_id).toBe(update.update_id);
  });

  it('validates the bodies (422) and keeps devices to their own updates', async () => {
    const a = await createDevice(t, operator);
    const b = await createDevice(t, operator);
    const firmware = await createFirmware(t, operator);
    const update = await createUpdate(t, operator, a.device_id, { firmware_id: firmware.firmware_id });

    expectError(await checkIn(a.device_id, deviceAuth(a.device_token), {}), 422, 'request/validation_failed');
    expectError(await checkIn(a.device_id, deviceAuth(a.device_token), { firmware_version: 'x'.repeat(51) }), 422, 'request/validation_failed');
    expectError(await report(a.device_id, update.update_id, deviceAuth(a.device_token), { status: 'scheduled' }), 422, 'request/validation_failed');
    expectError(await report(a.device_id, update.update_id, deviceAuth(a.device_token), { status: 'downloading', progress_percentage: 101 }), 422, 'request/validation_failed');
    // Text the database cannot store (an unpaired surrogate escape, NUL) is the device's 422, not a 500.
    const unstorable = await report(a.device_id, update.update_id, deviceAuth(a.device_token), { status: 'failed', error_message: 'flash \ud800 worn' });
    expectError(unstorable, 422, 'request/validation_failed');
    expect(unstorable.json().errors).toEqual([expect.objectContaining({ loc: ['body', 'error_message'], type: 'string_unicode' })]);
    expectError(await checkIn(a.device_id, deviceAuth(a.device_token), { firmware_version: '1.0.0\udc00' }), 422, 'request/validation_failed');
    expectError(await report(a.device_id, update.update_id, deviceAuth(a.device_token), { status: 'failed', error_code: 'e\u0000' }), 422, 'request/validation_failed');

    // B cannot check in as A, nor report on A's update through either path.
    expectError(await checkIn(a.device_id, deviceAuth(b.device_token)), 403, 'auth/forbidden');
    expectError(await report(a.device_id, update.update_id, deviceAuth(b.device_token), { status: 'downloading' }), 403, 'auth/forbidden');
    expectError(await report(b.device_id, update.update_id, deviceAuth(b.device_token), { status: 'downloading' }), 404, 'update/not_found');
    expect((await t.request({ method: 'GET', url: updateUrl(update.update_id), headers: operator })).json().status).toBe('scheduled');

    // Backwards and terminal transitions are 409.
    const auth = deviceAuth(a.device_token);
    expect((await report(a.device_id, update.update_id, auth, { status: 'verifying' })).statusCode).toBe(200);
    expectError(await report(a.device_id, update.update_id, auth, { status: 'downloading' }), 409, 'update/invalid_transition');
    expect((await report(a.device_id, update.update_id, auth, { status: 'failed', error_code: 'disk_full' })).json()).toMatchObject({ status: 'failed', error_code: 'disk_full' });
    expectError(await report(a.device_id, update.update_id, auth, { status: 'completed' }), 409, 'update/terminal');
  });

  it('lets a device_gateway key act for any device of its organization', async () => {
    const device = await createDevice(t, operator);
    const firmware = await createFirmware(t, operator);
    const update = await createUpdate(t, operator, device.device_id, { firmware_id: firmware.firmware_id });
    const res = await checkIn(device.device_id, gateway);
    expect(res.statusCode).toBe(200);
    expect(res.json().update.update_id).toBe(update.update_id);
    const done = await report(device.device_id, update.update_id, gateway, { status: 'completed', firmware_version: firmware.version });
    expect(done.json()).toMatchObject({ status: 'completed' });
    // A device the organization does not have has no update.
    expect((await checkIn('no-such-device', gateway)).json().update).toBeNull();
  });

  it('cancel while downloading: the next check-in has no update, a report is 409, the device is sent a cancel', async () => {
    const device = await createDevice(t, operator);
    const auth = deviceAuth(device.device_token);
    const firmware = await createFirmware(t, operator);
    const update = await createUpdate(t, operator, device.device_id, { firmware_id: firmware.firmware_id });
    expect((await report(device.device_id, update.update_id, auth, { status: 'downloading', progress_percentage: 40 })).statusCode).toBe(200);

    const cancel = await t.request({ method: 'POST', url: updateUrl(update.update_id, '/cancel'), headers: operator });
    expect(cancel.statusCode).toBe(200);
    expect((await checkIn(device.device_id, auth)).json().update).toBeNull();
    expectError(await report(device.device_id, update.update_id, auth, { status: 'verifying' }), 409, 'update/terminal');
    const commands = await deviceCommands(t, device.device_id);
    expect(commands.map((row) => row.payload.type)).toEqual(['update_available', 'update_cancelled']);
    expect(commands[1].payload).toMatchObject({ update_id: update.update_id });
  });

  it('does not hand out updates that are not released yet', async () => {
    const device = await createDevice(t, operator);
    const firmware = await createFirmware(t, operator);
    const update = await createUpdate(t, operator, device.device_id, { firmware_id: firmware.firmware_id });
    await sql(t, `UPDATE ota.device_updates SET status = 'created' WHERE update_id = $1`, [update.update_id]);
    expect((await checkIn(device.device_id, deviceAuth(device.device_token))).json().update).toBeNull();
  });
});

describe.each(storageBackends())('check-in download links with $name storage', (backend) => {
  let t: TestApp;
  let operator: Record<string, string>;

  beforeAll(async () => {
    await backend.start();
    t = await createTestApp({ env: backend.env() });
    operator = bearer(await hs256Token({ sub: 'op-dl', organization_id: 'org-dl', role: 'operator' }));
  });
  afterAll(async () => {
    await t?.close();
    await backend.stop();
  });

  it('hands out the same link within a window (no write per check-in) and the link serves the image', async () => {
    const device = await createDevice(t, operator);
    const content = firmwareBytes(32 * 1024);
    const upload = await uploadFirmware(t, operator, { content });
    expect(upload.statusCode).toBe(201);
    await createUpdate(t, operator, device.device_id, { firmware_id: upload.json().firmware_id });
    const call = () =>
      t.request({ method: 'POST', url: `${DEVICE_API_URL}/${encodeURIComponent(device.device_id)}/check-in`, headers: deviceAuth(device.device_token), payload: { firmware_version: '1.4.2' } });
    const first = (await call()).json().update;
    const second = (await call()).json().update;
    // Both calls fall in the same window unless one crossed its boundary (every TTL/2 seconds).
    const ttlSeconds = t.config.storage.downloadUrlTtlSeconds;
    const windowMs = Math.max(1, Math.floor(ttlSeconds / 2)) * 1000;
    if (Date.parse(first.download_expires_at) === Date.parse(second.download_expires_at)) {
      expect(second.download_url).toBe(first.download_url);
    }
    expect((Date.parse(first.download_expires_at) - ttlSeconds * 1000) % windowMs).toBe(0);
    const bytes =
      backend.name === 's3'
        ? Buffer.from(await (await fetch(first.download_url)).arrayBuffer())
        : (await t.request({ method: 'GET', url: new URL(first.download_url).pathname })).rawPayload;
    expect(sha256Hex(bytes)).toBe(sha256Hex(content));
    expect(await sql(t, 'SELECT 1 FROM ota.firmware_downloads')).toEqual([]);
  });
});
