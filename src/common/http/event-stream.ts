import type { OutgoingHttpHeaders } from 'node:http';
import type { FastifyReply } from 'fastify';

/** How long a client that lost its connection waits before reconnecting (the `retry:` field). */
const RECONNECT_MS = 3000;

/** One open Server-Sent Events response. */
export interface EventStream {
  /** One message: `event:`, `id:` (resumable with `Last-Event-ID`) when given, and the JSON `data:`. */
  send(event: string, data: unknown, id?: string): void;
  /** A comment line: ignored by clients, keeps proxies from closing an idle connection. */
  comment(text: string): void;
  /** Bytes written but not yet taken by the client: a client that stops reading makes this grow. */
  readonly pendingBytes: number;
  readonly closed: boolean;
  close(): void;
  /** Called once, when the client goes away or the stream is closed. */
  onClose(listener: () => void): void;
}

/** setTimeout's longest delay; a later end is cut to it (the client reconnects then). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Takes the response over from Fastify (its hooks' headers, such as the request id, kept) and
 * starts a `text/event-stream`. The route's error answers must come before this: once it is
 * open, the status is 200. With `closeAt` (the caller's credential expiry) the stream ends then:
 * a stream must not outlive the credential that opened it, and the client reconnects with a new
 * one (and `Last-Event-ID`, losing nothing).
 */
export function openEventStream(reply: FastifyReply, closeAt?: Date): EventStream {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    ...(reply.getHeaders() as OutgoingHttpHeaders),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    // nginx would otherwise buffer the stream.
    'x-accel-buffering': 'no',
  });
  raw.write(`retry: ${RECONNECT_MS}\n\n`);
  if (closeAt !== undefined) {
    const timer = setTimeout(() => raw.end(), Math.min(Math.max(0, closeAt.getTime() - Date.now()), MAX_TIMER_MS));
    raw.once('close', () => clearTimeout(timer));
  }
  return {
    send: (event, data, id) => {
      if (!raw.writableEnded) raw.write(`event: ${event}\n${id === undefined ? '' : `id: ${id}\n`}data: ${JSON.stringify(data)}\n\n`);
    },
    comment: (text) => {
      if (!raw.writableEnded) raw.write(`: ${text}\n\n`);
    },
    get pendingBytes() {
      return raw.writableLength;
    },
    get closed() {
      return raw.writableEnded || raw.destroyed;
    },
    close: () => {
      if (!raw.writableEnded) raw.end();
    },
    onClose: (listener) => {
      raw.once('close', listener);
    },
  };
}
