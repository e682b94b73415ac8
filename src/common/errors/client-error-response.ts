import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ErrorBody } from './error-response';
import { ErrorCode } from './error-codes';

/** Node's parser errors carry llhttp's code and a `reason` in plain words. */
type ClientError = Error & { code?: string; reason?: string };

interface ClientErrorAnswer {
  status: number;
  code: string;
  detail: string;
}

/** What Node's HTTP parser refuses before any route sees the request, as the contract's answer. */
function answerFor(error: ClientError): ClientErrorAnswer {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, code: ErrorCode.HeadersTooLarge, detail: 'The request headers are larger than the server accepts' };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, code: ErrorCode.BodyTooLarge, detail: 'The chunk extensions of the request body are larger than the server accepts' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, code: ErrorCode.RequestTimeout, detail: 'The request was not received in time' };
    case 'HPE_INVALID_EOF_STATE':
      return { status: 400, code: ErrorCode.MalformedRequest, detail: 'The connection ended before the request was complete' };
    default: {
      const reason = error.reason ?? error.message;
      return { status: 400, code: ErrorCode.MalformedRequest, detail: `Malformed HTTP request${reason ? `: ${reason}` : ''}` };
    }
  }
}

/**
 * Fastify's `clientErrorHandler`: answers what Node's parser refuses (oversized headers, a control
 * character in a header, `Transfer-Encoding` with `Content-Length`, a request cut off) with the
 * contract's error body instead of Fastify's `{"error": ...}`, then closes the connection, as Node
 * does. No request exists yet, so the id is a fresh one. Nothing is written once a response on
 * this socket has started (a pipelined request broke mid-response): that would corrupt it.
 */
export function answerClientError(error: ClientError, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    const { status, code, detail } = answerFor(error);
    const requestId = randomUUID();
    const body = JSON.stringify({ detail, code, request_id: requestId } satisfies ErrorBody);
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Request-Id: ${requestId}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  }
  socket.destroy(error);
}
