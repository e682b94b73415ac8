import type { DeviceReportsService } from '../../src/modules/updates/device-reports.service';
import { deviceRows } from '../utils/device-factory';
import { createTestApp, type TestApp } from '../utils/test-app';
import { bearer, hs256Token } from '../utils/tokens';
import { createUpdate, deviceAndFirmware, outboxEvents, sql, timelineRows, updateRow, deviceReports } from '../utils/update-factory';

const ORG = 'org-reports';

describe('DeviceReportsService.applyDeviceReport', () => {
  let t: TestApp;
  let operator: Record<string, string>;
  let service: DeviceReportsService;

  beforeAll(async () => {
    t = await createTestApp({ env: { UPDATE_RETRY_BASE_DELAY_MS: '60000' } });
    operator = bearer(await hs256Token({ sub: 'op-1', organization_id: ORG, role: 'operator' }));
    service = deviceReports(t);
  });
  afterAll(() => t.close());

  async function released(body: Record<string, unknown> = {}) {
    const { device, firmware } = await deviceAndFirmware(t, operator);
    const update = await createUpdate(t, operator, device.device_id, { firmware_id: firmware.firmware_id, ...body });
    const report = (status: string, extra: Record<string, unknown> = {}) =>
      service.applyDeviceReport(ORG, device.device_id, update.update_id, { status, ...extra } as never, 'device');
    return { device, firmware, update, report };
  }

  /** Lets the next progress-only report through the once-a-second throttle without waiting. */
  function ageProgressWrite(updateId: string) {
    return sql(t, `UPDATE ota.device_updates SET progress_written_at = now() - interval '5 seconds' WHERE update_id = $1`, [updateId]);
  }

  it('walks the happy path: timestamps, progress, bytes, verification, device version, events', async () => {
    const { device, firmware, update, report } = await released();
    const started = await report('in_progress');
    expect(started).toMatchObject({ status: 'in_progress', current_phase: 'in_progress' });
    expect(started.started_at).not.toBeNull();
    const downloading = await report('downloading', { progress_percentage: 40, bytes_downloaded: 1000 });
    expect(downloading).toMatchObject({ status: 'downloading', progress_percentage: 40, bytes_downloaded: 1000 });
    await report('verifying');
    await report('installing');
    await report('rebooting');
    const done = await report('completed', { firmware_version: firmware.version });
    expect(done).toMatchObject({ status: 'completed', progress_percentage: 100, checksum_verified: true, error_code: null, bytes_downloaded: firmware.file_size });
    expect(done.completed_at).not.toBeNull();

    expect((await timelineRows(t, update.update_id)).map((row) => [row.status, row.source])).toEqual([
      ['scheduled', 'operator'],
      ['in_progress', 'device'],
      ['downloading', 'device'],
      ['verifying', 'device'],
      ['installing', 'device'],
      ['rebooting', 'device'],
      ['completed', 'device'],
    ]);
    const events = await outboxEvents(t, 'update_id', update.update_id);
    expect(events.map((event) => event.type)).toEqual(['update.started', 'update.completed']);
    expect(events[1].data).toMatchObject({
      update_id: update.update_id,
      device_id: device.device_id,
      firmware_id: firmware.firmware_id,
      status: 'completed',
      campaign_id: null,
      kind: 'update',
      from_version: '1.4.2',
      to_version: firmware.version,
    });
    const [stored] = (await deviceRows(t, ORG)).filter((row) => row.device_id === device.device_id);
    expect(stored.firmware_version).toBe(firmware.version);
    expect(stored.firmware_version_key).not.toBeNull();
  });

  it('accepts skipping forward and repeats; refuses backwards, terminal and unknown', async () => {
    const { device, update, report } = await released();
    await report('downloading');
    expect((await report('downloading')).status).toBe('downloading');
    await report('installing');
    await expect(report('verifying')).rejects.toMatchObject({ code: 'update/invalid_transition', kind: 'conflict' });
    await expect(report('in_progress')).rejects.toMatchObject({ code: 'update/invalid_transition' });
    await report('completed');
    for (const status of ['completed', 'failed', 'downloading']) {
      await expect(report(status)).rejects.toMatchObject({ code: 'update/terminal' });
    }
    await expect(service.applyDeviceReport(ORG, 'someone-else', update.update_id, { status: 'downloading' }, 'device')).rejects.toMatchObject({
      code: 'update/not_found',
    });
    await expect(service.applyDeviceReport(ORG, device.device_id, 'a'.repeat(32), { status: 'downloading' }, 'device')).rejects.toMatchObject({
      code: 'update/not_found',
    });
    expect((await timelineRows(t, update.update_id)).map((row) => row.status)).toEqual(['scheduled', 'downloading', 'installing', 'completed']);
  });

  it('refuses reports for an update not released yet', async () => {
    const { update, report } = await released();
    await sql(t, `UPDATE ota.device_updates SET status = 'created' WHERE update_id = $1`, [update.update_id]);
    await expect(report('downloading')).rejects.toMatchObject({ code: 'update/invalid_transition' });
  });

  it('writes progress-only reports at most once a second and adds no timeline rows for them', async () => {
    const { update, report } = await released();
    await report('downloading', { progress_percentage: 5 });
    await ageProgressWrite(update.update_id);
    await report('downloading', { progress_percentage: 20, bytes_downloaded: 2000 });
    const afterFirst = await updateRow(t, update.update_id);
    expect(afterFirst.progress_percentage).toBe(20);
    const answer = await report('downloading', { progress_percentage: 30, bytes_downloaded: 3000 });
    const afterSecond = await updateRow(t, update.update_id);
    expect(afterSecond.progress_percentage).toBe(20);
    expect(afterSecond.updated_at).toEqual(afterFirst.updated_at);
    expect(answer.progress_percentage).toBe(20);

    await ageProgressWrite(update.update_id);
    await report('downloading', { progress_percentage: 35 });
    expect((await updateRow(t, update.update_id)).progress_percentage).toBe(35);
    // A state change is never throttled.
    expect((await report('verifying', { progress_percentage: 100 })).status).toBe('verifying');
    expect((await timelineRows(t, update.update_id)).map((row) => row.status)).toEqual(['scheduled', 'downloading', 'verifying']);
  });

  it('completed with another version is a failure (version_mismatch) and leaves the device version alone', async () => {
    const { device, update, report } = await released({ max_retries: 0 });
    const answer = await report('completed', { firmware_version: '9.9.9' });
    expect(answer).toMatchObject({ status: 'failed', error_code: 'version_mismatch', next_retry_at: null });
    expect((await outboxEvents(t, 'update_id', update.update_id)).map((event) => [event.type, event.data.error_code])).toEqual([
      ['update.started', null],
      ['update.failed', 'version_mismatch'],
    ]);
    const [stored] = (await deviceRows(t, ORG)).filter((row) => row.device_id === device.device_id);
    expect(stored.firmware_version).toBe('1.4.2');
  });

  it('a device failure schedules an automatic retry with the growing delay', async () => {
    const { update, report } = await released({ max_retries: 2 });
    const before = Date.now();
    await report('failed', { error_code: 'E_FLASH', error_message: 'write failed' });
    const row = await updateRow(t, update.update_id);
    expect(row).toMatchObject({ status: 'failed', error_code: 'E_FLASH', retry_count: 0 });
    const delay = (row.next_retry_at as Date).getTime() - before;
    expect(delay).toBeGreaterThanOrEqual(59_000);
    expect(delay).toBeLessThanOrEqual(61_000 + 5_000);
  });

  it('concurrent reports of the same change apply it once', async () => {
    const { update, report } = await released();
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => report('downloading')));
    expect(outcomes.every((outcome) => outcome.status === 'fulfilled')).toBe(true);
    expect((await timelineRows(t, update.update_id)).filter((row) => row.status === 'downloading')).toHaveLength(1);
    expect((await outboxEvents(t, 'update_id', update.update_id)).filter((event) => event.type === 'update.started')).toHaveLength(1);
  });
});
