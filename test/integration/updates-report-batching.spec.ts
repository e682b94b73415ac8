import { Client } from 'pg';
import { PrismaService } from '../../src/database/prisma.service';
import { Prisma } from '../../src/generated/prisma/client';
import type { DeviceReport } from '../../src/modules/updates/device-reports.service';
import { UpdatesRepository } from '../../src/modules/updates/updates.repository';
import { createDevice, deviceRows } from '../utils/device-factory';
import { createTestApp, type TestApp } from '../utils/test-app';
import { bearer, hs256Token } from '../utils/tokens';
import { waitUntil } from '../utils/wait-for';
import { BULK_UPDATE_URL, createFirmware, outboxEvents, sql, timelineRows, updateRow, deviceReports } from '../utils/update-factory';

const ORG = 'org-batching';

/** A device's whole cycle after release, as a device reports it. */
const CYCLE = ['in_progress', 'downloading', 'verifying', 'installing', 'rebooting', 'completed'] as const;

interface Target {
  deviceId: string;
  updateId: string;
}

/**
 * Device reports are applied in batches (DeviceReportsService.applyDeviceReport): concurrent reports
 * share one transaction, each caller still gets its own answer or error, and two service
 * instances on one database behave as one.
 */
describe('batched device reports', () => {
  let t: TestApp;
  let second: TestApp;
  let operator: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp();
    // A second replica on the same database.
    second = await createTestApp({ database: t.database });
    operator = bearer(await hs256Token({ sub: 'op-1', organization_id: ORG, role: 'operator' }));
  });
  afterAll(async () => {
    await second.close();
    await t.close();
  });
  afterEach(() => jest.restoreAllMocks());

  /** `count` devices, one firmware, and a released update of each device to it. */
  async function fleet(count: number) {
    const firmware = await createFirmware(t, operator);
    const deviceIds: string[] = [];
    for (let index = 0; index < count; index += 1) deviceIds.push((await createDevice(t, operator)).device_id);
    const res = await t.request({ method: 'POST', url: BULK_UPDATE_URL, headers: operator, payload: { firmware_id: firmware.firmware_id, device_ids: deviceIds } });
    expect(res.json()).toMatchObject({ succeeded: count });
    const targets: Target[] = res.json().results.map((result: { device_id: string; update_id: string }) => ({ deviceId: result.device_id, updateId: result.update_id }));
    return { firmware, targets };
  }

  function report(app: TestApp, target: Target, status: DeviceReport['status'], extra: Omit<DeviceReport, 'status'> = {}) {
    return deviceReports(app).applyDeviceReport(ORG, target.deviceId, target.updateId, { status, ...extra }, 'device');
  }

  async function sessionsBlockedBy(client: Client, pid: number): Promise<number> {
    const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [pid]);
    return rows[0].n;
  }

  /** Counts the batches an instance applies (one lock statement each). */
  function countBatches(app: TestApp) {
    return jest.spyOn(app.app.get(UpdatesRepository), 'lockForReports');
  }

  async function firmwareDownloads(firmwareId: string) {
    const [row] = await sql<{ download_count: number; records: number }>(
      t,
      `SELECT download_count, (SELECT count(*)::int FROM ota.firmware_downloads d WHERE d.firmware_id = f.firmware_id) AS records
         FROM ota.firmware f WHERE firmware_id = $1`,
      [firmwareId],
    );
    return row;
  }

  it('reads locked rows exactly as Prisma reads them, with whether their firmware is signed', async () => {
    const { firmware, targets } = await fleet(1);
    const [target] = targets;
    const repository = t.app.get(UpdatesRepository);
    const lock = () => t.app.get(PrismaService).$transaction((tx) => repository.lockForReports([{ organizationId: ORG, updateId: target.updateId }], tx));
    expect(await lock()).toEqual([{ row: await repository.findById(ORG, target.updateId), firmwareSigned: false, healthWindowMinutes: 0 }]);

    await sql(t, `UPDATE ota.firmware SET signature = 'c2lnbmF0dXJl' WHERE firmware_id = $1`, [firmware.firmware_id]);
    expect((await lock())[0].firmwareSigned).toBe(true);
    const installing = await report(t, target, 'installing');
    expect(installing).toMatchObject({ checksum_verified: true, signature_verified: true });
    expect(installing.firmware).toMatchObject({ firmware_id: firmware.firmware_id, signature: 'c2lnbmF0dXJl' });
  });

  it('applies many concurrent reports for many updates, in batches, every one persisted', async () => {
    const { firmware, targets } = await fleet(40);
    const batches = countBatches(t);
    const answers = await Promise.all(
      targets.map(async (target) => {
        const statuses: string[] = [];
        for (const status of CYCLE) {
          const extra = status === 'downloading' ? { progress_percentage: 50, bytes_downloaded: 1000 } : status === 'completed' ? { firmware_version: firmware.version } : {};
          statuses.push((await report(t, target, status, extra)).status);
        }
        return statuses;
      }),
    );
    expect(answers.every((statuses) => statuses.join() === CYCLE.join())).toBe(true);
    // 240 reports from 40 concurrent callers: each round of reports shares a batch.
    expect(batches.mock.calls.length).toBeLessThanOrEqual(24);

    for (const target of targets) {
      expect(await updateRow(t, target.updateId)).toMatchObject({ status: 'completed', progress_percentage: 100, error_code: null });
      expect((await timelineRows(t, target.updateId)).map((row) => row.status)).toEqual(['scheduled', ...CYCLE]);
      expect((await outboxEvents(t, 'update_id', target.updateId)).map((event) => event.type)).toEqual(['update.started', 'update.completed']);
    }
    const devices = new Map((await deviceRows(t, ORG)).map((row) => [row.device_id, row]));
    expect(targets.every((target) => devices.get(target.deviceId)?.firmware_version === firmware.version)).toBe(true);
    expect(await firmwareDownloads(firmware.firmware_id)).toEqual({ download_count: 40, records: 40 });
  });

  it('applies several reports of the same update in one batch, in order', async () => {
    const { firmware, targets } = await fleet(1);
    const [target] = targets;
    const batches = countBatches(t);
    const answers = await Promise.all([
      report(t, target, 'in_progress'),
      report(t, target, 'downloading', { progress_percentage: 30, bytes_downloaded: 100 }),
      // A progress report right after the change: throttled, answered with the row as it is.
      report(t, target, 'downloading', { progress_percentage: 60 }),
      report(t, target, 'verifying'),
      report(t, target, 'installing'),
      report(t, target, 'completed', { firmware_version: firmware.version }),
    ]);
    expect(batches).toHaveBeenCalledTimes(1);
    expect(answers.map((answer) => [answer.status, answer.progress_percentage])).toEqual([
      ['in_progress', 0],
      ['downloading', 30],
      ['downloading', 30],
      ['verifying', 30],
      ['installing', 30],
      ['completed', 100],
    ]);
    expect(answers[5]).toMatchObject({ checksum_verified: true, bytes_downloaded: firmware.file_size });
    expect((await timelineRows(t, target.updateId)).map((row) => [row.status, row.source])).toEqual([
      ['scheduled', 'operator'],
      ['in_progress', 'device'],
      ['downloading', 'device'],
      ['verifying', 'device'],
      ['installing', 'device'],
      ['completed', 'device'],
    ]);
    expect((await outboxEvents(t, 'update_id', target.updateId)).map((event) => event.type)).toEqual(['update.started', 'update.completed']);
    expect(await firmwareDownloads(firmware.firmware_id)).toEqual({ download_count: 1, records: 1 });
  });

  it("answers bad reports with their own errors and applies the others of the batch", async () => {
    const { targets } = await fleet(5);
    const [fresh, finished, advanced, other, last] = targets;
    await report(t, finished, 'completed');
    await report(t, advanced, 'installing');
    const batches = countBatches(t);
    const outcomes = await Promise.allSettled([
      report(t, fresh, 'downloading'),
      report(t, finished, 'downloading'),
      report(t, advanced, 'in_progress'),
      report(t, { deviceId: fresh.deviceId, updateId: 'f'.repeat(32) }, 'downloading'),
      report(t, { deviceId: other.deviceId, updateId: fresh.updateId }, 'installing'),
      report(t, last, 'failed', { error_code: 'E_DISK' }),
    ]);
    expect(batches).toHaveBeenCalledTimes(1);
    expect(outcomes.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value.status : (outcome.reason as { code: string }).code))).toEqual([
      'downloading',
      'update/terminal',
      'update/invalid_transition',
      'update/not_found',
      'update/not_found',
      'failed',
    ]);
    expect((await updateRow(t, fresh.updateId)).status).toBe('downloading');
    expect(await updateRow(t, last.updateId)).toMatchObject({ status: 'failed', error_code: 'E_DISK' });
    expect((await updateRow(t, advanced.updateId)).status).toBe('installing');
    expect((await updateRow(t, other.updateId)).status).toBe('scheduled');
  });

  it('a report whose data the database refuses fails alone', async () => {
    const { targets } = await fleet(4);
    const outcomes = await Promise.allSettled([
      report(t, targets[0], 'downloading'),
      report(t, targets[1], 'failed', { error_message: 'bad \u0000 byte' }),
      report(t, targets[2], 'downloading'),
      report(t, targets[3], 'installing'),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(await Promise.all(targets.map(async (target) => (await updateRow(t, target.updateId)).status))).toEqual([
      'downloading',
      'scheduled',
      'downloading',
      'installing',
    ]);
    expect((await timelineRows(t, targets[0].updateId)).map((row) => row.status)).toEqual(['scheduled', 'downloading']);
  });

  it('fails every caller of a batch the database cannot apply, writes nothing of it, and goes on', async () => {
    const { targets } = await fleet(3);
    const repository = t.app.get(UpdatesRepository);
    const reportedSteps = repository.reportedSteps.bind(repository);
    jest.spyOn(repository, 'reportedSteps').mockImplementationOnce((rows, timeline) => [
      ...reportedSteps(rows, timeline),
      // Refused for a reason other than the data, so no report can be blamed; the whole statement is undone.
      { name: 'broken', sql: Prisma.sql`DELETE FROM ota.no_such_table` },
    ]);
    const outcomes = await Promise.allSettled(targets.map((target) => report(t, target, 'downloading')));
    expect(outcomes.map((outcome) => (outcome.status === 'rejected' ? /no_such_table/.test((outcome.reason as Error).message) : 'applied'))).toEqual([true, true, true]);
    for (const target of targets) {
      expect((await updateRow(t, target.updateId)).status).toBe('scheduled');
      expect(await outboxEvents(t, 'update_id', target.updateId)).toEqual([]);
    }
    expect((await report(t, targets[0], 'downloading')).status).toBe('downloading');
  });

  it('runs a batch again when it loses a deadlock', async () => {
    const { targets } = await fleet(2);
    const [first, later] = [...targets].sort((a, b) => (a.updateId < b.updateId ? -1 : 1));
    const batches = countBatches(t);
    const client = new Client({ connectionString: t.database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await client.query('BEGIN');
      await client.query('SELECT 1 FROM ota.device_updates WHERE update_id = $1 FOR UPDATE', [later.updateId]);
      const reports = Promise.all([report(t, first, 'downloading'), report(t, later, 'downloading')]);
      // Once blocked by this session, the batch (locking in update id order) holds `first` and
      // waits for `later`; taking `first` closes the cycle, and the batch, waiting longer, is the
      // one the deadlock detector cancels.
      await waitUntil('the batch to wait for our lock', async () => (await sessionsBlockedBy(client, rows[0].pid)) > 0);
      await client.query('SELECT 1 FROM ota.device_updates WHERE update_id = $1 FOR UPDATE', [first.updateId]);
      await client.query('COMMIT');
      expect((await reports).map((answer) => answer.status)).toEqual(['downloading', 'downloading']);
    } finally {
      await client.end();
    }
    expect(batches.mock.calls.length).toBeGreaterThanOrEqual(2);
    for (const target of targets) expect((await timelineRows(t, target.updateId)).map((row) => row.status)).toEqual(['scheduled', 'downloading']);
  });

  it('two instances racing on the same updates apply each change once', async () => {
    const { firmware, targets } = await fleet(20);
    const both = (status: DeviceReport['status'], extra: Omit<DeviceReport, 'status'> = {}) =>
      Promise.allSettled(targets.flatMap((target) => [report(t, target, status, extra), report(second, target, status, extra)]));

    // A repeat of the state just reached is accepted by whichever instance comes second.
    const downloading = await both('downloading');
    expect(downloading.every((outcome) => outcome.status === 'fulfilled')).toBe(true);
    // Both completions: one applies it, the other finds the update finished.
    const completed = await both('completed', { firmware_version: firmware.version });
    const codes = completed.map((outcome) => (outcome.status === 'fulfilled' ? 'applied' : (outcome.reason as { code: string }).code));
    expect(codes.filter((code) => code === 'applied')).toHaveLength(20);
    expect(codes.filter((code) => code === 'update/terminal')).toHaveLength(20);

    for (const target of targets) {
      expect((await timelineRows(t, target.updateId)).map((row) => row.status)).toEqual(['scheduled', 'downloading', 'completed']);
      expect((await outboxEvents(t, 'update_id', target.updateId)).map((event) => event.type)).toEqual(['update.started', 'update.completed']);
    }
    expect(await firmwareDownloads(firmware.firmware_id)).toEqual({ download_count: 20, records: 20 });
  });
});
