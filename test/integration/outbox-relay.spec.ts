import { randomBytes, randomUUID } from 'node:crypto';
import { connect, nanos } from '@nats-io/transport-node';
import { SchedulerRegistry } from '@nestjs/schedule';
import { PrismaService } from '../../src/database/prisma.service';
import type { EventEnvelope } from '../../src/modules/events/event-envelope';
import { natsConnectionOptions } from '../../src/modules/events/nats-connection-options';
import { OutboxRelay, type RelayResult } from '../../src/modules/events/outbox-relay';
import { OutboxService } from '../../src/modules/events/outbox.service';
import {
  countByMsgId,
  createStreamWhenFree,
  deleteStream,
  type JetStreamSession,
  openJetStream,
  readStream,
  streamInfo,
} from '../utils/jetstream';
import { startTcpProxy, type TcpProxy } from '../utils/tcp-proxy';
import { createTestApp, type TestApp } from '../utils/test-app';
import { waitFor, type WaitOptions } from '../utils/wait-for';

/**
 * The transactional outbox against real PostgreSQL and, when NATS_URL is set, a real NATS
 * JetStream. Every stream and subject is unique to this run, so runs sharing a server (CI jobs,
 * engineers on one machine) do not see each other's messages.
 */
const NATS_URL = process.env.NATS_URL;
const describeNats = NATS_URL ? describe : describe.skip;
if (!NATS_URL) {
  process.stdout.write('outbox-relay.spec: NATS_URL is not set, so the NATS JetStream tests are skipped\n');
}

const RUN = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const STREAM = `OTA_TEST_${RUN.toUpperCase()}`;
/** First token of every event type in this run: its subjects are `ota_service.<prefix>.…`. */
const TYPE_PREFIX = `test_${RUN}`;
const RUN_SUBJECTS = `ota_service.${TYPE_PREFIX}.>`;

/** `<prefix>.<scope>.<event>`: one scope per test, so each test reads back only its own messages. */
const typeFor = (scope: string, event: string): string => `${TYPE_PREFIX}.${scope}.${event}`;
const subjectsOf = (scope: string): string => `ota_service.${TYPE_PREFIX}.${scope}.>`;

// ---------------------------------------------------------------------------------------------
// Factories and helpers
// ---------------------------------------------------------------------------------------------

interface EventData {
  firmware_id: string;
  sequence: number;
}

/** Records `count` events through OutboxService, `perTransaction` to a committed transaction. */
async function recordEvents(
  t: TestApp,
  types: string | string[],
  count: number,
  perTransaction = 1,
): Promise<EventEnvelope<EventData>[]> {
  const outbox = t.app.get(OutboxService);
  const prisma = t.app.get(PrismaService);
  const typeList = Array.isArray(types) ? types : [types];
  const recorded: EventEnvelope<EventData>[] = [];
  for (let start = 0; start < count; start += perTransaction) {
    const chunk = await prisma.$transaction(async (tx) => {
      const envelopes: EventEnvelope<EventData>[] = [];
      for (let i = start; i < Math.min(count, start + perTransaction); i++) {
        envelopes.push(
          await outbox.record(tx, {
            type: typeList[i % typeList.length],
            data: { firmware_id: randomUUID(), sequence: i },
            organizationId: 'org-a',
          }),
        );
      }
      return envelopes;
    });
    recorded.push(...chunk);
  }
  return recorded;
}

function outboxRows(t: TestApp) {
  return t.app.get(PrismaService).outboxEvent.findMany({ orderBy: { sequence: 'asc' } });
}

async function pendingCount(t: TestApp): Promise<number> {
  return t.app.get(PrismaService).outboxEvent.count({ where: { publishedAt: null } });
}

/** Skips the retry back-off: every pending row becomes due now. */
async function makePendingDue(t: TestApp): Promise<void> {
  await t.app.get(PrismaService).$executeRaw`UPDATE ota.outbox_events SET next_attempt_at = now() WHERE published_at IS NULL`;
}

async function detailedHealth(t: TestApp): Promise<{ statusCode: number; body: Record<string, any> }> {
  const res = await t.request({ method: 'GET', url: '/health/detailed' });
  return { statusCode: res.statusCode, body: res.json() };
}

async function eventsHealth(t: TestApp): Promise<Record<string, any>> {
  return (await detailedHealth(t)).body.checks.events;
}

function waitForEventsStatus(t: TestApp, status: string, timeoutMs = 30_000): Promise<Record<string, any>> {
  return waitFor(`events health "${status}"`, () => eventsHealth(t), (events) => events.status === status, { timeoutMs });
}

/**
 * Runs the relays (concurrently when several), round after round, until the backlog is empty,
 * skipping back-off between rounds; returns every round's results.
 */
async function drain(t: TestApp, relays: OutboxRelay[], options?: WaitOptions): Promise<RelayResult[][]> {
  const rounds: RelayResult[][] = [];
  const round = async (): Promise<number> => {
    await makePendingDue(t);
    rounds.push(await Promise.all(relays.map((relay) => relay.relayPending())));
    return pendingCount(t);
  };
  await waitFor('the outbox to drain', round, (pending) => pending === 0, options);
  return rounds;
}

/** Resolves once nats.js has made `delays` retry pauses against a server that is not there. */
async function retryDelaysElapsed(delays: number): Promise<void> {
  const nowhere = await startTcpProxy(natsTarget());
  await nowhere.cut();
  let retries = 0;
  const options = natsConnectionOptions({ stopping: () => retries >= delays, onFirstConnectRetry: () => retries++ });
  await expect(connect({ ...options, servers: nowhere.address })).rejects.toThrow(/stopping/);
  await nowhere.close();
}

function total(results: RelayResult[], key: keyof RelayResult): number {
  return results.reduce((sum, r) => sum + r[key], 0);
}

function natsTarget(): { host: string; port: number } {
  const url = new URL(NATS_URL!);
  return { host: url.hostname, port: Number(url.port || 4222) };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

// ---------------------------------------------------------------------------------------------
// PostgreSQL only: these run on a laptop without NATS too.
// ---------------------------------------------------------------------------------------------

describe('outbox (PostgreSQL, no event transport)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { NATS_URL: undefined } });
  });
  afterAll(() => t?.close());
  beforeEach(() => t.app.get(PrismaService).outboxEvent.deleteMany());

  it('writes an event only when the transaction that recorded it commits', async () => {
    const outbox = t.app.get(OutboxService);
    const prisma = t.app.get(PrismaService);
    const type = typeFor('tx', 'firmware.uploaded');

    let visibleBeforeCommit = -1;
    const committed = await prisma.$transaction(async (tx) => {
      const envelope = await outbox.record(tx, { type, data: { firmware_id: 'fw-1' }, organizationId: 'org-a' });
      // Another connection must not see the row while the transaction is open.
      visibleBeforeCommit = await prisma.outboxEvent.count();
      return envelope;
    });

    let recordedInRollback: EventEnvelope | undefined;
    await expect(
      prisma.$transaction(async (tx) => {
        recordedInRollback = await outbox.record(tx, { type, data: { firmware_id: 'fw-2' }, organizationId: 'org-a' });
        throw new Error('the business change failed');
      }),
    ).rejects.toThrow('the business change failed');

    expect(visibleBeforeCommit).toBe(0);
    expect(recordedInRollback?.id).toMatch(UUID);
    expect(committed).toEqual({
      id: expect.stringMatching(UUID),
      type,
      source: 'ota_service',
      subject: null,
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      data: { firmware_id: 'fw-1' },
      metadata: {},
      version: '1.0.0',
    });
    const rows = await outboxRows(t);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: committed.id,
      type,
      organizationId: 'org-a',
      envelope: committed,
      createdAt: new Date(committed.timestamp),
      publishedAt: null,
      attempts: 0,
      lastError: null,
    });
  });

  it('refuses an event type that cannot be a NATS subject token, failing the transaction', async () => {
    const outbox = t.app.get(OutboxService);
    const prisma = t.app.get(PrismaService);
    for (const type of ['campaign.*', 'campaign.>', 'update started', 'update..completed', '.firmware', '', 'a'.repeat(101)]) {
      await expect(prisma.$transaction((tx) => outbox.record(tx, { type, data: {} }))).rejects.toThrow(/event type/i);
    }
    expect(await prisma.outboxEvent.count()).toBe(0);
  });

  it('without NATS_URL the relay leaves events in the table and health reports them as disabled', async () => {
    const recorded = await recordEvents(t, typeFor('disabled', 'campaign.created'), 3);

    expect(await t.app.get(OutboxRelay).relayPending()).toMatchObject({ published: 0, failed: 0 });

    const rows = await outboxRows(t);
    expect(rows.map((r) => r.id).sort()).toEqual(recorded.map((e) => e.id).sort());
    expect(rows.every((r) => r.publishedAt === null && r.attempts === 0 && r.lastError === null)).toBe(true);
    const health = await detailedHealth(t);
    expect(health.statusCode).toBe(200);
    expect(health.body.status).toBe('healthy');
    expect(health.body.checks.events).toMatchObject({
      status: 'disabled',
      transport: 'outbox_only',
      pending_events: 3,
      oldest_pending_age_seconds: expect.any(Number),
    });
  });

  it('purgePublished deletes published events older than the retention and nothing else', async () => {
    // OUTBOX_RETENTION_HOURS defaults to 72.
    expect(t.config.events.retentionHours).toBe(72);
    const prisma = t.app.get(PrismaService);
    const [oldPublished, recentPublished, oldPending, freshPending] = await recordEvents(t, typeFor('purge', 'update.completed'), 4);
    await prisma.$executeRaw`UPDATE ota.outbox_events SET created_at = now() - interval '80 hours', published_at = now() - interval '73 hours' WHERE id = ${oldPublished.id}::uuid`;
    await prisma.$executeRaw`UPDATE ota.outbox_events SET created_at = now() - interval '80 hours', published_at = now() - interval '71 hours' WHERE id = ${recentPublished.id}::uuid`;
    await prisma.$executeRaw`UPDATE ota.outbox_events SET created_at = now() - interval '100 hours' WHERE id = ${oldPending.id}::uuid`;
    // More than one deletion batch (1,000) of expired rows.
    await prisma.$executeRaw`
      INSERT INTO ota.outbox_events (id, type, envelope, created_at, published_at, attempts)
      SELECT gen_random_uuid(), 'bulk', '{}'::jsonb, now() - interval '90 hours', now() - interval '89 hours', 1
        FROM generate_series(1, 2500)`;

    expect(await t.app.get(OutboxRelay).purgePublished()).toBe(2501);

    const left = (await outboxRows(t)).map((r) => r.id).sort();
    expect(left).toEqual([recentPublished.id, oldPending.id, freshPending.id].sort());
    expect(await t.app.get(OutboxRelay).purgePublished()).toBe(0);
  });

  it('without NATS_URL, purge deletes every event older than the retention, published or not', async () => {
    const prisma = t.app.get(PrismaService);
    const [oldPending, oldPublished, recentPending, freshPending] = await recordEvents(t, typeFor('purge-all', 'update.completed'), 4);
    await prisma.$executeRaw`UPDATE ota.outbox_events SET created_at = now() - interval '73 hours' WHERE id = ${oldPending.id}::uuid`;
    await prisma.$executeRaw`UPDATE ota.outbox_events SET created_at = now() - interval '80 hours', published_at = now() - interval '79 hours' WHERE id = ${oldPublished.id}::uuid`;
    await prisma.$executeRaw`UPDATE ota.outbox_events SET created_at = now() - interval '71 hours' WHERE id = ${recentPending.id}::uuid`;
    // More than one deletion batch (1,000) of expired rows that were never published.
    await prisma.$executeRaw`
      INSERT INTO ota.outbox_events (id, type, envelope, created_at)
      SELECT gen_random_uuid(), 'bulk', '{}'::jsonb, now() - interval '90 hours' FROM generate_series(1, 2500)`;

    expect(await t.app.get(OutboxRelay).purge()).toBe(2502);

    const left = (await outboxRows(t)).map((r) => r.id).sort();
    expect(left).toEqual([recentPending.id, freshPending.id].sort());
    expect(await t.app.get(OutboxRelay).purge()).toBe(0);
  });

  it('without NATS_URL, the scheduler still purges the outbox (and relays nothing)', async () => {
    const scheduled = await createTestApp({ env: { NATS_URL: undefined, SCHEDULER_ENABLED: 'true' }, database: t.database });
    try {
      const intervals = scheduled.app.get(SchedulerRegistry).getIntervals();
      expect(intervals).toContain('outbox-purge');
      expect(intervals).not.toContain('outbox-relay');
    } finally {
      await scheduled.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// NATS JetStream
// ---------------------------------------------------------------------------------------------

describeNats('stream provisioning by the NATS publisher', () => {
  const AUTO = `${STREAM}_AUTO`;
  const BLOCKER = `${STREAM}_BLOCKER`;
  let session: JetStreamSession;

  beforeAll(async () => {
    session = await openJetStream(NATS_URL!);
  });
  afterAll(async () => {
    await deleteStream(session.jsm, AUTO);
    await deleteStream(session.jsm, BLOCKER);
    await session.close();
  });

  it('keeps events while another stream holds ota_service subjects, says why in health, and creates its stream once they are free', async () => {
    // A stream we do not own captures some ota_service subjects: NATS_STREAM cannot be created on
    // `ota_service.>` next to it.
    await createStreamWhenFree(session.jsm, { name: BLOCKER, subjects: [RUN_SUBJECTS] });
    const t = await createTestApp({ env: { NATS_URL, NATS_STREAM: AUTO } });
    try {
      await waitForEventsStatus(t, 'up');
      const [event] = await recordEvents(t, typeFor('provision', 'firmware.uploaded'), 1);

      const first = await t.app.get(OutboxRelay).relayPending();
      expect(first).toMatchObject({ published: 0, failed: 1 });
      const [row] = await outboxRows(t);
      expect(row).toMatchObject({ id: event.id, publishedAt: null, attempts: 1, lastError: expect.stringMatching(/overlap/i) });
      // Nothing went into the other stream behind our back, and no stream of ours exists yet.
      expect((await streamInfo(session.jsm, BLOCKER))?.state.messages).toBe(0);
      expect(await streamInfo(session.jsm, AUTO)).toBeUndefined();
      // Connected, yet unable to deliver: health must not claim the transport is fine.
      const health = await eventsHealth(t);
      expect(health).toMatchObject({ status: 'degraded', pending_events: 1, error: expect.stringMatching(/overlap/i) });

      await session.jsm.streams.delete(BLOCKER);
      // Another test run may hold ota_service subjects for a while: keep relaying until it is free.
      await drain(t, [t.app.get(OutboxRelay)], { timeoutMs: 90_000, intervalMs: 250 });

      const created = await streamInfo(session.jsm, AUTO);
      expect(created?.config).toMatchObject({
        subjects: ['ota_service.>'],
        duplicate_window: nanos(10 * 60_000),
        max_age: nanos(7 * 24 * 3600_000),
      });
      const stored = await readStream(session, AUTO, subjectsOf('provision'));
      expect(stored.map((m) => m.msgId)).toEqual([event.id]);
      expect(stored[0].envelope).toEqual(event);
      const recovered = await eventsHealth(t);
      expect(recovered).toMatchObject({ status: 'up', pending_events: 0 });
      expect(recovered.error).toBeUndefined();
    } finally {
      await t.close();
      // Our AUTO stream holds `ota_service.>`: free it for concurrent runs straight away.
      await deleteStream(session.jsm, AUTO);
    }
  }, 150_000);
});

describeNats('outbox relay to NATS JetStream', () => {
  let session: JetStreamSession;
  let t: TestApp;
  const natsEnv = () => ({ NATS_URL, NATS_STREAM: STREAM });

  beforeAll(async () => {
    session = await openJetStream(NATS_URL!);
    // The run's stream covers only this run's subjects, so concurrent runs each have their own.
    await createStreamWhenFree(session.jsm, { name: STREAM, subjects: [RUN_SUBJECTS] });
    t = await createTestApp({ env: natsEnv() });
    await waitForEventsStatus(t, 'up');
  }, 90_000);
  afterAll(async () => {
    await t?.close();
    if (session) {
      await deleteStream(session.jsm, STREAM);
      await session.close();
    }
  });
  beforeEach(() => t.app.get(PrismaService).outboxEvent.deleteMany());

  it('publishes every pending event exactly once, with the contract envelope on ota_service.<type>', async () => {
    const types = ['firmware.uploaded', 'campaign.started', 'update.completed'].map((e) => typeFor('once', e));
    const recorded = [...(await recordEvents(t, types, 9)), ...(await recordEvents(t, types, 6, 3))];
    const relay = t.app.get(OutboxRelay);

    expect(await relay.relayPending()).toEqual({ published: 15, failed: 0, duplicates: 0 });

    const rows = await outboxRows(t);
    expect(rows).toHaveLength(15);
    for (const row of rows) {
      expect(row.publishedAt).toBeInstanceOf(Date);
      expect(row).toMatchObject({ attempts: 1, lastError: null });
    }
    const stored = await readStream(session, STREAM, subjectsOf('once'));
    expect(stored).toHaveLength(15);
    const byId = new Map(recorded.map((e) => [e.id, e]));
    for (const message of stored) {
      const sent = byId.get(message.msgId!);
      expect(sent).toBeDefined();
      expect(message.subject).toBe(`ota_service.${sent!.type}`);
      expect(message.envelope).toEqual({
        id: message.msgId,
        type: sent!.type,
        source: 'ota_service',
        subject: null,
        timestamp: sent!.timestamp,
        data: sent!.data,
        metadata: {},
        version: '1.0.0',
      });
    }
    expect([...countByMsgId(stored).values()].every((n) => n === 1)).toBe(true);
    expect(new Set(stored.map((m) => m.msgId))).toEqual(new Set(recorded.map((e) => e.id)));

    // Nothing is left to do, and nothing is sent again.
    expect(await relay.relayPending()).toEqual({ published: 0, failed: 0, duplicates: 0 });
    expect(await readStream(session, STREAM, subjectsOf('once'))).toHaveLength(15);
  });

  it('publishes oldest first, also when the backlog is bigger than a batch and stored in another order', async () => {
    // 250 events, batches of 100 (the default): the claim picks 100 of 250 rows.
    expect(t.config.events.batchSize).toBe(100);
    await recordEvents(t, typeFor('order', 'update.started'), 250, 50);
    const prisma = t.app.get(PrismaService);
    const oldest = (await outboxRows(t)).slice(0, 50).map((r) => r.id);
    // A row written again (as a failed attempt does) moves physically behind newer rows, and with
    // table statistics (autovacuum gathers them in production) the planner reads the claimed rows
    // back in physical order.
    await prisma.$executeRaw`UPDATE ota.outbox_events SET attempts = attempts WHERE id = ANY(${oldest}::uuid[])`;
    await prisma.$executeRaw`ANALYZE ota.outbox_events`;
    const expected = (await outboxRows(t)).map((r) => r.id);

    expect(await t.app.get(OutboxRelay).relayPending()).toMatchObject({ published: 250, failed: 0 });

    const stored = await readStream(session, STREAM, subjectsOf('order'));
    expect(stored.map((m) => m.msgId)).toEqual(expected);
  });

  it('keeps events while NATS is unreachable and delivers each exactly once when it is back', async () => {
    const proxy: TcpProxy = await startTcpProxy(natsTarget());
    const p = await createTestApp({ env: { ...natsEnv(), NATS_URL: `nats://${proxy.address}` } });
    try {
      await waitForEventsStatus(p, 'up');
      const relay = p.app.get(OutboxRelay);
      const beforeOutage = await recordEvents(p, typeFor('outage', 'campaign.paused'), 20, 5);

      await proxy.cut();
      await waitForEventsStatus(p, 'down');
      const claimedAfter = new Date();
      const failed = await relay.relayPending();
      expect(failed).toMatchObject({ published: 0, failed: 20 });

      const rows = await outboxRows(p);
      expect(rows).toHaveLength(20);
      for (const row of rows) {
        expect(row.publishedAt).toBeNull();
        expect(row.attempts).toBe(1);
        expect(row.lastError).toEqual(expect.any(String));
        expect(row.nextAttemptAt.getTime()).toBeGreaterThan(claimedAfter.getTime());
      }
      const duringOutage = await recordEvents(p, typeFor('outage', 'campaign.cancelled'), 5);
      const health = await detailedHealth(p);
      expect(health.statusCode).toBe(200);
      expect(health.body.status).toBe('degraded');
      expect(health.body.checks.events).toMatchObject({
        status: 'down',
        transport: 'nats_jetstream',
        pending_events: 25,
        error: expect.any(String),
      });

      await proxy.restore();
      await waitForEventsStatus(p, 'up');
      const rounds = await drain(p, [relay]);
      expect(total(rounds.flat(), 'published')).toBe(25);

      const stored = await readStream(session, STREAM, subjectsOf('outage'));
      const counts = countByMsgId(stored);
      const expected = [...beforeOutage, ...duringOutage].map((e) => e.id);
      expect([...counts.keys()].sort()).toEqual([...expected].sort());
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
      expect(await pendingCount(p)).toBe(0);
      expect(await eventsHealth(p)).toMatchObject({ status: 'up', pending_events: 0 });
    } finally {
      await p.close();
      await proxy.close();
    }
  }, 120_000);

  it('with NATS_URL, purge deletes only published events older than the retention', async () => {
    const prisma = t.app.get(PrismaService);
    const [oldPublished, oldPending] = await recordEvents(t, typeFor('purge-nats', 'update.completed'), 2);
    await prisma.$executeRaw`UPDATE ota.outbox_events SET created_at = now() - interval '80 hours', published_at = now() - interval '73 hours' WHERE id = ${oldPublished.id}::uuid`;
    // Still waiting for the transport: kept however old it is.
    await prisma.$executeRaw`UPDATE ota.outbox_events SET created_at = now() - interval '100 hours', next_attempt_at = now() + interval '1 hour' WHERE id = ${oldPending.id}::uuid`;

    expect(await t.app.get(OutboxRelay).purge()).toBe(1);

    expect((await outboxRows(t)).map((r) => r.id)).toEqual([oldPending.id]);
  });

  it('a re-send after a crash between publishing and marking is dropped by JetStream as a duplicate', async () => {
    const relay = t.app.get(OutboxRelay);
    const [event] = await recordEvents(t, typeFor('crash', 'rollback.initiated'), 1);
    expect(await relay.relayPending()).toEqual({ published: 1, failed: 0, duplicates: 0 });
    const lastSeq = (await streamInfo(session.jsm, STREAM))!.state.last_seq;

    // The relay died after JetStream stored the event but before the row was marked.
    await t.app.get(PrismaService).$executeRaw`
      UPDATE ota.outbox_events SET published_at = NULL, next_attempt_at = now() WHERE id = ${event.id}::uuid`;

    expect(await relay.relayPending()).toEqual({ published: 1, failed: 0, duplicates: 1 });
    const [row] = await outboxRows(t);
    expect(row.publishedAt).toBeInstanceOf(Date);
    expect(row.attempts).toBe(2);
    expect((await streamInfo(session.jsm, STREAM))!.state.last_seq).toBe(lastSeq);
    const stored = await readStream(session, STREAM, subjectsOf('crash'));
    expect(stored.map((m) => m.msgId)).toEqual([event.id]);
  });

  it('an event NATS refuses (over max_payload) is retried on its own and does not hold back the others', async () => {
    const relay = t.app.get(OutboxRelay);
    const prisma = t.app.get(PrismaService);
    const outbox = t.app.get(OutboxService);
    // Oldest, so it is claimed first: the server's max_payload is 1 MiB by default.
    const oversized = await prisma.$transaction((tx) =>
      outbox.record(tx, { type: typeFor('poison', 'firmware.uploaded'), data: { release_notes: 'x'.repeat(1_100_000) } }),
    );
    const others = await recordEvents(t, typeFor('poison', 'campaign.completed'), 3);
    const before = new Date();

    expect(await relay.relayPending()).toEqual({ published: 3, failed: 1, duplicates: 0 });

    const stored = await readStream(session, STREAM, subjectsOf('poison'));
    expect(stored.map((m) => m.msgId)).toEqual(others.map((e) => e.id));
    const rows = await outboxRows(t);
    const refused = rows.find((r) => r.id === oversized.id)!;
    expect(refused).toMatchObject({ publishedAt: null, attempts: 1, lastError: expect.stringMatching(/max_payload/) });
    expect(refused.nextAttemptAt.getTime()).toBeGreaterThan(before.getTime());
    expect(rows.filter((r) => r.id !== oversized.id).every((r) => r.publishedAt !== null)).toBe(true);

    // It keeps failing alone; events recorded after it still go out.
    const later = await recordEvents(t, typeFor('poison', 'campaign.started'), 2);
    await makePendingDue(t);
    expect(await relay.relayPending()).toEqual({ published: 2, failed: 1, duplicates: 0 });
    expect((await readStream(session, STREAM, subjectsOf('poison'))).map((m) => m.msgId)).toEqual([...others, ...later].map((e) => e.id));
    // The refusal is about one event, not the transport; the backlog shows it.
    expect(await eventsHealth(t)).toMatchObject({ status: 'up', pending_events: 1 });
  });

  it('two relays on one database share a backlog without publishing any event twice', async () => {
    // Small batches make the two relays claim many times each, interleaved.
    const env = { ...natsEnv(), OUTBOX_BATCH_SIZE: '10' };
    const a = await createTestApp({ env });
    const b = await createTestApp({ env, database: a.database });
    try {
      await waitForEventsStatus(a, 'up');
      await waitForEventsStatus(b, 'up');
      const recorded = await recordEvents(a, typeFor('replicas', 'update.failed'), 300, 25);

      const results = (await drain(a, [a.app.get(OutboxRelay), b.app.get(OutboxRelay)])).flat();
      const [fromA, fromB] = [results.filter((_, i) => i % 2 === 0), results.filter((_, i) => i % 2 === 1)];

      // Each event was claimed and sent once, by one relay or the other, and both took part.
      expect(total(results, 'published')).toBe(300);
      expect(total(results, 'failed')).toBe(0);
      expect(total(results, 'duplicates')).toBe(0);
      expect(total(fromA, 'published')).toBeGreaterThan(0);
      expect(total(fromB, 'published')).toBeGreaterThan(0);
      const rows = await outboxRows(a);
      expect(rows.filter((r) => r.attempts !== 1 || r.publishedAt === null)).toEqual([]);
      const counts = countByMsgId(await readStream(session, STREAM, subjectsOf('replicas')));
      expect(counts.size).toBe(300);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
      expect([...counts.keys()].sort()).toEqual(recorded.map((e) => e.id).sort());
    } finally {
      await b.close();
      await a.close();
    }
  }, 120_000);

  it('starts while NATS is unreachable, keeps events, and stops reconnecting once closed', async () => {
    const proxy = await startTcpProxy(natsTarget());
    await proxy.cut();
    let p: TestApp | undefined;
    try {
      // Start-up does not wait for NATS.
      p = await createTestApp({ env: { ...natsEnv(), NATS_URL: `nats://${proxy.address}` } });
      await recordEvents(p, typeFor('boot', 'firmware.deleted'), 2);

      expect(await p.app.get(OutboxRelay).relayPending()).toMatchObject({ published: 0, failed: 2 });
      expect(await pendingCount(p)).toBe(2);
      expect(await eventsHealth(p)).toMatchObject({ status: 'down', pending_events: 2, error: expect.any(String) });

      await p.close();
      p = undefined;
      // A connection attempt that outlived the app would get through within one retry delay;
      // a client started now, retrying an unreachable server the same way, measures two of them.
      await proxy.restore();
      await retryDelaysElapsed(2);
      expect(proxy.accepted).toBe(0);
    } finally {
      await p?.close();
      await proxy.close();
    }
  }, 60_000);
});
