import { AckPolicy, DeliverPolicy, JetStreamApiCodes, JetStreamApiError, type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager, type StreamConfig, type StreamInfo } from '@nats-io/jetstream';
import { connect, type NatsConnection, nanos } from '@nats-io/transport-node';
import { waitFor } from './wait-for';

/** JetStream's error code for "subjects overlap with an existing stream". */
export const SUBJECT_OVERLAP = 10065;

export interface JetStreamSession {
  connection: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  close(): Promise<void>;
}

/** One message as the stream stored it. */
export interface StoredEvent {
  seq: number;
  subject: string;
  /** The `Nats-Msg-Id` header the publisher set (the outbox row id). */
  msgId: string | undefined;
  envelope: Record<string, unknown>;
}

/** The test's own connection, separate from the app's, to inspect and arrange streams. */
export async function openJetStream(servers: string): Promise<JetStreamSession> {
  const connection = await connect({ servers, name: 'ota_service_tests' });
  return {
    connection,
    js: jetstream(connection),
    jsm: await jetstreamManager(connection),
    close: () => connection.close(),
  };
}

export async function streamInfo(jsm: JetStreamManager, name: string): Promise<StreamInfo | undefined> {
  try {
    return await jsm.streams.info(name);
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound) return undefined;
    throw error;
  }
}

export async function deleteStream(jsm: JetStreamManager, name: string): Promise<void> {
  if (await streamInfo(jsm, name)) await jsm.streams.delete(name);
}

/**
 * Creates a stream, waiting (bounded) while a stream of a concurrent test run holds overlapping
 * subjects: every run shares the server, and JetStream refuses two streams on the same subjects.
 */
export async function createStreamWhenFree(
  jsm: JetStreamManager,
  config: { name: string; subjects: string[]; duplicateWindowMs?: number },
  timeoutMs = 60_000,
): Promise<StreamInfo> {
  const stream: Partial<StreamConfig> & { name: string } = {
    name: config.name,
    subjects: config.subjects,
    duplicate_window: nanos(config.duplicateWindowMs ?? 10 * 60_000),
  };
  /** The created stream, or undefined while another stream holds the subjects. */
  const tryAdd = async (): Promise<StreamInfo | undefined> => {
    try {
      return await jsm.streams.add(stream);
    } catch (error) {
      if (error instanceof JetStreamApiError && error.code === SUBJECT_OVERLAP) return undefined;
      throw error;
    }
  };
  try {
    return (await waitFor(`stream ${config.name} to be created`, tryAdd, (info) => info !== undefined, { timeoutMs, intervalMs: 250 }))!;
  } catch (error) {
    const holders = await Promise.all(config.subjects.map((subject) => jsm.streams.find(subject).catch(() => '?')));
    throw new Error(
      `cannot create stream ${config.name} on ${config.subjects.join(', ')}: stream ${holders.join(', ')} has held ` +
        `overlapping subjects for ${timeoutMs} ms. A stream on ota_service.> (such as a service's own OTA_SERVICE) ` +
        'blocks these tests: use a NATS server without one.',
      { cause: error },
    );
  }
}

/**
 * Reads every message of `stream` on `filterSubject` through an ephemeral pull consumer, in stream
 * order. The consumer reports how many messages match before fetching, so the read never waits
 * for a timeout to know it is complete.
 */
export async function readStream(session: JetStreamSession, stream: string, filterSubject: string): Promise<StoredEvent[]> {
  const info = await session.jsm.consumers.add(stream, {
    ack_policy: AckPolicy.None,
    deliver_policy: DeliverPolicy.All,
    filter_subject: filterSubject,
    inactive_threshold: nanos(60_000),
  });
  try {
    const expected = info.num_pending;
    const events: StoredEvent[] = [];
    if (expected === 0) return events;
    const consumer = await session.js.consumers.get(stream, info.name);
    while (events.length < expected) {
      const batch = await consumer.fetch({ max_messages: expected - events.length, expires: 5_000 });
      let received = 0;
      for await (const message of batch) {
        received++;
        events.push({
          seq: message.seq,
          subject: message.subject,
          msgId: message.headers?.get('Nats-Msg-Id') || undefined,
          envelope: message.json<Record<string, unknown>>(),
        });
      }
      if (received === 0) throw new Error(`consumer on ${stream} delivered ${events.length} of ${expected} messages`);
    }
    return events;
  } finally {
    await session.jsm.consumers.delete(stream, info.name).catch(() => undefined);
  }
}

/** How many stored messages carry each message id. */
export function countByMsgId(events: StoredEvent[]): Map<string | undefined, number> {
  const counts = new Map<string | undefined, number>();
  for (const event of events) counts.set(event.msgId, (counts.get(event.msgId) ?? 0) + 1);
  return counts;
}
