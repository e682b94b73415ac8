import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';
/** Callers' ids are echoed into logs and headers, so only harmless, bounded ones are kept. */
const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Fastify's request-id generator: keeps a caller's `X-Request-Id` when it is sane, otherwise makes one. */
export function generateRequestId(raw: IncomingMessage): string {
  const header = raw.headers[REQUEST_ID_HEADER];
  return typeof header === 'string' && ACCEPTABLE_ID.test(header) ? header : randomUUID();
}
