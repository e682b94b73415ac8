import { Client } from 'pg';
import { CHECK_IN_CHANNEL, CheckInAnswers } from '../../src/modules/device-api/check-in-answers';
import { createDevice, DEVICE_API_URL, deviceAuth } from '../utils/device-factory';
import { createTestApp, type TestApp } from '../utils/test-app';
import { bearer, hs256Token } from '../utils/tokens';
import { createFirmware, createUpdate, sql } from '../utils/update-factory';
import { waitUntil } from '../utils/wait-for';

const ORG = 'org-check-in-answers';

/**
 * Check-in answers served from memory (CheckInAnswers) must be exactly as fresh as a read, also
 * when another replica (here: another connection) changes an update: each change below is
 * committed elsewhere and the very next check-in, with the ETag of the answer before it, must see
 * it, without waiting for anything.
 */
describe('check-in answers remembered across replicas', () => {
  let t: TestApp;
  let answers: CheckInAnswers;
  let operator: Record<string, string>;
  let firmwareId: string;
  let other: Client;

  beforeAll(async () => {
    t = await createTestApp();
    answers = t.app.get(CheckInAnswers);
    operator = bearer(await hs256Token({ sub: 'op-1', organization_id: ORG, role: 'operator' }));
    firmwareId = (await createFirmware(t, operator)).firmware_id as string;
    other = new Client({ connectionString: t.database.url });
    await other.connect();
    await waitUntil('the answers listener listens', () => answers.active);
  });
  afterAll(async () => {
    await other.end();
    await t.close();
  });

  async function checkIn(device: { device_id: string; device_token: string }, etag?: string) {
    const headers = { ...deviceAuth(device.device_token), ...(etag === undefined ? {} : { 'if-none-match': etag }) };
    const res = await t.request({ method: 'POST', url: `${DEVICE_API_URL}/${device.device_id}/check-in`, headers, payload: { firmware_version: '1.4.2' } });
    return { status: res.statusCode, etag: res.headers.etag as string, update: res.statusCode === 200 ? res.json().update : undefined };
  }

  /** Counts the reads check-ins make, to tell a remembered answer from a read one. */
  async function readsDuring(work: () => Promise<unknown>): Promise<number> {
    const before = await checkInReads();
    await work();
    return (await checkInReads()) - before;
  }
  async function checkInReads(): Promise<number> {
    const metrics = await t.request({ method: 'GET', url: '/metrics' });
    const line = metrics.body.split('\n').find((l) => /^ota_device_checkin_answers_total\{.*source="database"/.test(l));
    return line === undefined ? 0 : Number(line.split(' ').at(-1));
  }

  it('answers a repeated check-in from memory, then sees a release committed by another replica at once', async () => {
    const device = await createDevice(t, operator);
    let first = { status: 0, etag: '', update: undefined as unknown };
    // The first check-in reads (which also shows the count below can see a read).
    expect(await readsDuring(async () => (first = await checkIn(device)))).toBe(1);
    expect(first).toMatchObject({ status: 200, update: null });
    expect(await readsDuring(async () => expect(await checkIn(device, first.etag)).toMatchObject({ status: 304, etag: first.etag }))).toBe(0);
    expect(await readsDuring(async () => expect(await checkIn(device)).toMatchObject({ status: 200, etag: first.etag, update: null }))).toBe(0);

    // Another replica releases an update: the next check-in with the old ETag gets it.
    const update = await createUpdate(t, operator, device.device_id, { firmware_id: firmwareId });
    const released = await checkIn(device, first.etag);
    expect(released).toMatchObject({ status: 200, update: { update_id: update.update_id } });

    // Status changes and cancellation, each committed on another connection, each seen by the next check-in.
    let etag = released.etag;
    for (const change of [
      "UPDATE ota.device_updates SET status = 'downloading' WHERE update_id = $1",
      "UPDATE ota.device_updates SET status = 'verifying' WHERE update_id = $1",
      "UPDATE ota.device_updates SET status = 'cancelled', completed_at = now() WHERE update_id = $1",
    ]) {
      await other.query(change, [update.update_id]);
      const next = await checkIn(device, etag);
      expect(next.status).toBe(200);
      expect(next.etag).not.toBe(etag);
      etag = next.etag;
    }
    expect(await checkIn(device, etag)).toMatchObject({ status: 304 });
    expect((await checkIn(device)).update).toBeNull();
  });

  it('stays exact under a race: a change committed while check-ins are answered from memory is never missed after its commit', async () => {
    const device = await createDevice(t, operator);
    const update = await createUpdate(t, operator, device.device_id, { firmware_id: firmwareId });
    let { etag } = await checkIn(device);
    const statuses = ['downloading', 'verifying', 'installing', 'rebooting'];
    for (const status of statuses) {
      // Check-ins in flight while the change commits may see either answer; the first one sent
      // after the commit must see the new one.
      const during = Array.from({ length: 5 }, () => checkIn(device, etag));
      await other.query('UPDATE ota.device_updates SET status = $2 WHERE update_id = $1', [update.update_id, status]);
      const after = await checkIn(device, etag);
      await Promise.all(during);
      expect(after.status).toBe(200);
      etag = after.etag;
    }
  });

  it('ignores changes a check-in cannot show: progress alone keeps the answer remembered', async () => {
    const device = await createDevice(t, operator);
    const update = await createUpdate(t, operator, device.device_id, { firmware_id: firmwareId });
    const { etag } = await checkIn(device);
    await other.query('UPDATE ota.device_updates SET progress_percentage = 40 WHERE update_id = $1', [update.update_id]);
    expect(await readsDuring(async () => expect(await checkIn(device, etag)).toMatchObject({ status: 304 }))).toBe(0);
  });

  it('drops everything when the listener loses its connection, reads meanwhile, and remembers again once it is back', async () => {
    const device = await createDevice(t, operator);
    const { etag } = await checkIn(device);
    await other.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1",
      [`ota_service:listen:${CHECK_IN_CHANNEL}`],
    );
    await waitUntil('the listener notices', () => !answers.active);
    // Not listening: every check-in reads, and sees what the database has.
    expect(await readsDuring(async () => expect(await checkIn(device, etag)).toMatchObject({ status: 304 }))).toBe(1);
    await waitUntil('the listener is back', () => answers.active);
    expect(await readsDuring(async () => expect(await checkIn(device, etag)).toMatchObject({ status: 304 }))).toBe(1);
    expect(await readsDuring(async () => expect(await checkIn(device, etag)).toMatchObject({ status: 304 }))).toBe(0);
  });

  it('joins the update trigger\'s transition tables without a nested loop, also after a first statement of one row', async () => {
    // PL/pgSQL keeps the trigger's plan for the session: a nested loop planned for one row would
    // rescan the old rows once per new row of every later bulk update on this connection.
    const session = new Client({ connectionString: t.database.url });
    await session.connect();
    const plans: string[] = [];
    session.on('notice', (notice) => plans.push(notice.message ?? ''));
    try {
      const org = 'org-check-in-trigger-plan';
      await session.query(
        `INSERT INTO ota.device_updates (organization_id, update_id, device_id, firmware_id, to_version, status, created_by, updated_at)
         SELECT $1::text, md5($1::text || i), 'p-' || i, $2::text, '2.0.0', 'scheduled', 'test', now() FROM generate_series(1, 50) i`,
        [org, firmwareId],
      );
      await session.query(`LOAD 'auto_explain'`);
      await session.query('SET auto_explain.log_min_duration = 0; SET auto_explain.log_nested_statements = on; SET client_min_messages = log');
      await session.query(`UPDATE ota.device_updates SET retry_count = 1 WHERE organization_id = $1 AND update_id = md5($1::text || 1)`, [org]);
      await session.query(`UPDATE ota.device_updates SET retry_count = 2 WHERE organization_id = $1`, [org]);
      const triggerPlans = plans.filter((plan) => plan.includes('old_rows'));
      expect(triggerPlans).toHaveLength(2);
      for (const plan of triggerPlans) expect(plan).not.toContain('Nested Loop');
    } finally {
      await session.end();
    }
  });

  it('notifies per device for a few rows and per organization for many', async () => {
    const listener = new Client({ connectionString: t.database.url });
    await listener.connect();
    const payloads: unknown[] = [];
    listener.on('notification', (message) => payloads.push(JSON.parse(message.payload ?? 'null')));
    await listener.query(`LISTEN ${CHECK_IN_CHANNEL}`);
    try {
      const org = 'org-check-in-notify';
      const insert = (count: number, status: string) =>
        sql(
          t,
          `INSERT INTO ota.device_updates (organization_id, update_id, device_id, firmware_id, to_version, status, created_by, updated_at)
           SELECT $1::text, md5($1::text || $2::text || i), 'n-' || $2::text || '-' || i, $3::text, '2.0.0', $2::text, 'test', now() FROM generate_series(1, $4::int) i`,
          [org, status, firmwareId, count],
        );
      await insert(2, 'scheduled');
      await insert(300, 'downloading');
      await insert(5, 'created');
      await listener.query('SELECT 1');
      expect(payloads).toEqual([
        { o: org, d: ['n-scheduled-1', 'n-scheduled-2'] },
        { o: org },
      ]);
    } finally {
      await listener.end();
    }
  });
});
