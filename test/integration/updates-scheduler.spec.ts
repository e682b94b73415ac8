import { createTestApp, type TestApp } from '../utils/test-app';
import { bearer, hs256Token } from '../utils/tokens';
import { createUpdate, deviceAndFirmware, deviceCommands, outboxEvents, sql, timelineRows, updateRow, deviceReports, updateTimeouts } from '../utils/update-factory';

const ORG = 'org-scheduler';

describe('update timeouts and automatic retries', () => {
  let t: TestApp;
  let second: TestApp;
  let operator: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp();
    // A second replica on the same database, for the concurrency case.
    second = await createTestApp({ database: t.database });
    operator = bearer(await hs256Token({ sub: 'op-1', organization_id: ORG, role: 'operator' }));
  });
  afterAll(async () => {
    await second.close();
    await t.close();
  });

  async function released(body: Record<string, unknown> = {}) {
    const { device, firmware } = await deviceAndFirmware(t, operator);
    const update = await createUpdate(t, operator, device.device_id, { firmware_id: firmware.firmware_id, ...body });
    return { device, firmware, update };
  }

  const expire = (updateId: string) =>
    sql(t, `UPDATE ota.device_updates SET timeout_at = now() - interval '1 second' WHERE update_id = $1`, [updateId]);
  const retryDueNow = (updateId: string) =>
    sql(t, `UPDATE ota.device_updates SET next_retry_at = now() - interval '1 second' WHERE update_id = $1`, [updateId]);

  it('timeout → failed TIMEOUT → retry released → completed', async () => {
    const { device, firmware, update } = await released({ max_retries: 2 });
    const timeouts = updateTimeouts(t);
    await deviceReports(t).applyDeviceReport(ORG, device.device_id, update.update_id, { status: 'downloading' }, 'device');
    await expire(update.update_id);
    expect(await timeouts.failTimedOut()).toBeGreaterThanOrEqual(1);
    const failed = await updateRow(t, update.update_id);
    expect(failed).toMatchObject({ status: 'failed', error_code: 'TIMEOUT', retry_count: 0 });
    expect(failed.next_retry_at).not.toBeNull();
    expect(await timelineRows(t, update.update_id)).toContainEqual(expect.objectContaining({ status: 'failed', source: 'scheduler' }));
    expect((await outboxEvents(t, 'update_id', update.update_id)).map((event) => [event.type, event.data.error_code])).toContainEqual([
      'update.failed',
      'TIMEOUT',
    ]);

    // Not due yet: nothing happens.
    await timeouts.releaseDueRetries();
    expect((await updateRow(t, update.update_id)).status).toBe('failed');

    await retryDueNow(update.update_id);
    expect(await timeouts.releaseDueRetries()).toBeGreaterThanOrEqual(1);
    const again = await updateRow(t, update.update_id);
    expect(again).toMatchObject({ status: 'scheduled', retry_count: 1, error_code: null, next_retry_at: null, started_at: null });
    expect((again.timeout_at as Date).getTime()).toBeGreaterThan(Date.now() + 59 * 60_000);
    expect((await deviceCommands(t, device.device_id)).map((command) => command.payload.type)).toEqual(['update_available', 'update_available']);
    expect((await timelineRows(t, update.update_id)).at(-1)).toMatchObject({ status: 'scheduled', source: 'scheduler' });

    const done = await deviceReports(t).applyDeviceReport(ORG, device.device_id, update.update_id, { status: 'completed', firmware_version: firmware.version }, 'device');
    expect(done).toMatchObject({ status: 'completed', retry_count: 1 });
  });

  it('stops retrying at max_retries', async () => {
    const { update } = await released({ max_retries: 1 });
    const timeouts = updateTimeouts(t);
    await expire(update.update_id);
    await timeouts.failTimedOut();
    await retryDueNow(update.update_id);
    await timeouts.releaseDueRetries();
    await expire(update.update_id);
    await timeouts.failTimedOut();
    const last = await updateRow(t, update.update_id);
    expect(last).toMatchObject({ status: 'failed', error_code: 'TIMEOUT', retry_count: 1, next_retry_at: null });
  });

  it('does not re-release a failed update when the device got another one meanwhile', async () => {
    const { device, firmware, update } = await released({ max_retries: 3 });
    const timeouts = updateTimeouts(t);
    await deviceReports(t).applyDeviceReport(ORG, device.device_id, update.update_id, { status: 'failed' }, 'device');
    await sql(t, `UPDATE ota.device_updates SET next_retry_at = NULL WHERE update_id = $1`, [update.update_id]);
    const newer = await createUpdate(t, operator, device.device_id, { firmware_id: firmware.firmware_id });
    await sql(t, `UPDATE ota.device_updates SET next_retry_at = now() - interval '1 second' WHERE update_id = $1`, [update.update_id]);
    await timeouts.releaseDueRetries();
    expect(await updateRow(t, update.update_id)).toMatchObject({ status: 'failed', next_retry_at: null });
    expect((await updateRow(t, newer.update_id)).status).toBe('scheduled');
  });

  it('two replicas failing timeouts at once fail each update exactly once', async () => {
    const updates = [];
    for (let index = 0; index < 12; index += 1) updates.push((await released()).update);
    const ids = updates.map((update) => update.update_id);
    await sql(t, `UPDATE ota.device_updates SET timeout_at = now() - interval '1 second' WHERE update_id = ANY($1)`, [ids]);
    const counts = await Promise.all([
      updateTimeouts(t).failTimedOut(5),
      updateTimeouts(second).failTimedOut(5),
      updateTimeouts(t).failTimedOut(5),
      updateTimeouts(second).failTimedOut(5),
    ]);
    await updateTimeouts(t).failTimedOut();
    expect(counts.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(12);
    const timeline = await sql<{ update_id: string; n: number }>(
      t,
      `SELECT update_id, count(*)::int AS n FROM ota.device_update_events WHERE update_id = ANY($1) AND status = 'failed' GROUP BY update_id`,
      [ids],
    );
    expect(timeline).toHaveLength(12);
    expect(timeline.every((row) => row.n === 1)).toBe(true);
    const failedEvents = await sql<{ n: number }>(
      t,
      `SELECT count(*)::int AS n FROM ota.outbox_events WHERE type = 'update.failed' AND envelope->'data'->>'update_id' = ANY($1)`,
      [ids],
    );
    expect(failedEvents[0].n).toBe(12);
  });
});
