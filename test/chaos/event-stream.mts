/**
 * Reads what the service's JetStream stream holds, to compare with the outbox: the `Nats-Msg-Id`
 * (the outbox row id the relay publishes under) of every stored message, in stream order.
 */
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, nanos } from '@nats-io/transport-node';

/**
 * Every message id stored in `stream` (an empty string for a message without one). An ephemeral
 * pull consumer reports how many messages there are before fetching, so the read never waits on a
 * timeout to know it is complete.
 */
export async function storedMessageIds(servers: string, stream: string): Promise<string[]> {
  const connection = await connect({ servers, name: 'ota_chaos_suite' });
  try {
    const manager = await jetstreamManager(connection);
    const info = await manager.consumers.add(stream, { ack_policy: AckPolicy.None, deliver_policy: DeliverPolicy.All, inactive_threshold: nanos(60_000) });
    const consumer = await jetstream(connection).consumers.get(stream, info.name);
    const ids: string[] = [];
    while (ids.length < info.num_pending) {
      const batch = await consumer.fetch({ max_messages: info.num_pending - ids.length, expires: 5_000 });
      let received = 0;
      for await (const message of batch) {
        received++;
        ids.push(message.headers?.get('Nats-Msg-Id') ?? '');
      }
      if (received === 0) throw new Error(`stream ${stream}: ${ids.length} of ${info.num_pending} messages delivered`);
    }
    return ids;
  } finally {
    await connection.close();
  }
}
