import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { Logger, RequestTimeoutException } from '@nestjs/common';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { sendError } from '../errors/all-exceptions.filter';

const logger = new Logger('BodyTimeout');

/**
 * Bounds how long a client may go silent in the middle of a request body. Neither Node nor
 * Fastify offers that: `requestTimeout` limits the whole request, which would cut off a slow but
 * moving upload of a large image, and `connectionTimeout` also runs while the service itself is
 * working on an answer. So while a body is arriving its socket gets an inactivity timer; when it
 * fires the client gets 408 `request/timeout` and the connection is closed, or, when an answer
 * was already sent, just the closed connection. The request is then destroyed, which fails
 * whatever reads its body (an upload then removes what it stored). Once the body is complete the
 * socket's own timeout is back, and a slow answer is not the client's silence.
 *
 * An answer sent before its body has arrived (a refused upload) closes the connection: nothing
 * else could use it until the rest of the body were read, and reading a refused image is waste.
 */
export function registerBodyTimeout(fastify: FastifyInstance, timeoutMs: number): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const { raw } = request;
    if (bodyOnConnection(raw)) {
      // Listeners shared by all requests, which find the request's reply on it: every request
      // with a body (each device check-in) runs this, and closures of its own would be garbage.
      raw[kReply] = reply;
      raw.socket.setTimeout(timeoutMs);
      raw.on('timeout', onBodySilence);
      raw.on('end', restoreSocketTimeout);
      reply.raw.on('timeout', onAnswerSlow);
      reply.raw.on('close', onAnswerClosed);
    }
    done();
  });

  fastify.addHook('onSend', (request, reply, _payload, done) => {
    const { raw } = request;
    if (bodyOnConnection(raw) && !raw.complete) void reply.header('connection', 'close');
    done();
  });
}

declare module 'node:http' {
  interface IncomingMessage {
    /** The reply to a request whose body is being read under {@link registerBodyTimeout}. */
    [kReply]?: FastifyReply;
  }
}

const kReply = Symbol('bodyTimeoutReply');

/** Node emits `timeout` on the request only while its body is incomplete: the client went silent. */
function onBodySilence(this: IncomingMessage): void {
  const reply = this[kReply];
  if (reply === undefined || reply.sent) {
    this.destroy();
    return;
  }
  void reply.header('connection', 'close');
  const timeoutMs = this.socket.timeout ?? 0;
  sendError(reply, reply.request, new RequestTimeoutException(`No part of the request body arrived for ${timeoutMs} ms`), logger);
}

/** The body is all here: the socket's own timeout is back, and a slow answer is not the client's silence. */
function restoreSocketTimeout(this: IncomingMessage): void {
  const { socket } = this;
  socket.setTimeout((socket as Socket & { server?: Server }).server?.timeout ?? 0);
}

/** The body is all here but still being read (a slow storage write): the wait is ours. */
function onAnswerSlow(this: ServerResponse): void {
  if (this.req.complete) restoreSocketTimeout.call(this.req);
}

/**
 * Node does not end a request whose answer is out when its connection closes: the body's readers
 * would wait forever, holding what they opened (a temporary file, a multipart upload).
 */
function onAnswerClosed(this: ServerResponse): void {
  const raw = this.req;
  if (raw.complete) return;
  if (raw.socket.destroyed) raw.destroy();
  else raw.socket.once('close', () => raw.destroy());
}

/** A request with a body, on a real connection (requests injected in tests have a stand-in socket). */
function bodyOnConnection(raw: IncomingMessage): boolean {
  const length = raw.headers['content-length'];
  const hasBody = raw.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
  return hasBody && raw.socket instanceof Socket;
}
