import type { FastifyInstance } from 'fastify';
import type { AppConfig } from '../../../config';

export const NDJSON_CONTENT_TYPES = ['application/x-ndjson', 'application/ndjson'];

/** Route config (`@RouteConfig(DEVICE_IMPORT_ROUTE)`) of the import route, read by the hooks below. */
export const DEVICE_IMPORT_ROUTE = { deviceImport: true } as const;

function isImportRoute(config: unknown): boolean {
  return typeof config === 'object' && config !== null && (config as { deviceImport?: unknown }).deviceImport === true;
}

/**
 * How the import route receives its body, set up on Fastify before routes are registered:
 * - a JSON array is parsed by Fastify as usual, but up to `DEVICE_IMPORT_MAX_BYTES` instead of the
 *   global `BODY_LIMIT_BYTES`;
 * - NDJSON is not parsed here at all: the route gets the byte stream and reads it line by line.
 * Other routes answer NDJSON with 415, as any body type they do not take.
 */
export function registerDeviceImportBodies(fastify: FastifyInstance, config: AppConfig): void {
  fastify.addHook('onRoute', (route) => {
    if (isImportRoute(route.config)) route.bodyLimit = config.devices.importMaxBytes;
  });
  fastify.addContentTypeParser(NDJSON_CONTENT_TYPES, (request, payload, done) => {
    if (isImportRoute(request.routeOptions.config)) return done(null, payload);
    done(Object.assign(new Error('Unsupported Content-Type for this endpoint'), { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' }), undefined);
  });
}
