import type { FastifyInstance } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import type { MetricsService } from './metrics.service';
import { REQUEST_ID_HEADER } from './request-id';

/** Requests that matched no route share one label, so scanners cannot blow up the metric. */
const UNMATCHED_ROUTE = 'unmatched';

/**
 * Echoes the request id, and on completion records the duration metric and writes one access
 * log line with the matched route, status and duration.
 */
export function registerHttpObservability(fastify: FastifyInstance, metrics: MetricsService): void {
  // Callback hooks, not async ones: every request runs them, and a promise each is garbage.
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    const seconds = reply.elapsedTime / 1000;
    metrics.observeHttpRequest(request.method, route, reply.statusCode, seconds);
    // The root logger exists once the logging module is configured, before any request. Checked
    // first so that a service logging above `info` builds no line object per request.
    const logger = PinoLogger.root;
    if (logger.isLevelEnabled('info')) {
      logger.info(
        {
          request_id: request.id,
          method: request.method,
          route,
          url: request.url,
          status: reply.statusCode,
          duration_ms: Math.round(reply.elapsedTime * 100) / 100,
        },
        'request completed',
      );
    }
    done();
  });
}
