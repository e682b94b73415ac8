import { hash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { API_PREFIX } from '../http/api-prefix';

/**
 * The budgets a request can draw on: `read` (GET, HEAD) and `write` (other methods) of the
 * operator API per credential, `device` (the device API) per credential and device, `anonymous`
 * per client IP; `exempt` requests are never limited.
 */
export type RateLimitBucket = 'read' | 'write' | 'device' | 'anonymous' | 'exempt';

/** Probes and scrapes: an orchestrator must never read a 429 as "unhealthy". */
const EXEMPT_ROUTES = new Set(['/health', '/health/detailed', '/metrics']);

/**
 * The `@Public()` routes: they check no credentials, so any header could be made up to get a fresh
 * budget; they are limited per IP whatever the request carries. `test/e2e/rate-limits.e2e-spec.ts`
 * keeps this list in step with the `@Public()` handlers.
 */
export const ANONYMOUS_ROUTES: ReadonlySet<string> = new Set([
  `/${API_PREFIX}/auth/dev-token`,
  `/${API_PREFIX}/service/stats`,
  `/${API_PREFIX}/downloads/:token`,
]);

const API_ROUTES_PREFIX = `/${API_PREFIX}/`;
const DEVICE_API_PREFIX = `/${API_PREFIX}/device-api/`;

/** A budget requests can be refused by: every bucket but `exempt`. */
export type LimitedBucket = Exclude<RateLimitBucket, 'exempt'>;

/**
 * The budget a request draws on (undefined when exempt) and its key there: the bucket, then a
 * hash of the presented credential (never the credential itself, which would sit in Redis) or
 * the client IP for anonymous requests. A device's budget is per credential and device, so a
 * gateway key gets one per device it acts for. Computed before authentication, so a made-up
 * credential gets a budget of its own too: requests that fail authentication are limited per IP
 * as well (see `rate-limits.ts`).
 */
export function rateLimitBudget(request: FastifyRequest): { bucket: LimitedBucket; key: string } | undefined {
  const credential = presentedCredential(request);
  const bucket = bucketOf(request, credential);
  switch (bucket) {
    case 'exempt':
      return undefined;
    case 'anonymous':
      return { bucket, key: `anonymous:${request.ip}` };
    case 'device':
      return { bucket, key: `device:${hashOf(credential)}:${(request.params as { device_id?: string }).device_id ?? ''}` };
    default:
      return { bucket, key: `${bucket}:${hashOf(credential)}` };
  }
}

function bucketOf(request: FastifyRequest, credential: string | undefined): RateLimitBucket {
  // Unmatched requests (404) check no credentials either.
  const route = request.routeOptions.url;
  if (route === undefined) return 'anonymous';
  if (EXEMPT_ROUTES.has(route)) return 'exempt';
  // Outside the API only the exempt probes and the API docs are served, and the docs are public.
  if (credential === undefined || ANONYMOUS_ROUTES.has(route) || !route.startsWith(API_ROUTES_PREFIX)) return 'anonymous';
  if (route.startsWith(DEVICE_API_PREFIX)) return 'device';
  return request.method === 'GET' || request.method === 'HEAD' ? 'read' : 'write';
}

/** Whether the request carries any credential header the authenticators read. */
export function hasCredential(request: FastifyRequest): boolean {
  return presentedCredential(request) !== undefined;
}

/**
 * Every credential header of the request, joined: `Authorization` (bearer JWT, device token),
 * `X-API-Key`, `X-Internal-Service-Secret`; undefined when there is none.
 */
function presentedCredential(request: FastifyRequest): string | undefined {
  const { authorization, 'x-api-key': apiKey, 'x-internal-service-secret': internal } = request.headers;
  if (apiKey === undefined && internal === undefined) return authorization;
  return `${authorization ?? ''}\u0000${String(apiKey ?? '')}\u0000${String(internal ?? '')}`;
}

function hashOf(credential: string | undefined): string {
  return hash('sha256', credential ?? '', 'base64url');
}
