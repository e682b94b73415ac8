import type { FastifyInstance } from 'fastify';
import type { PinoLogger } from 'nestjs-pino';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * `false`: the route is served without a request-scoped logger (a hot route whose per-request
     * child logger would cost more than the route itself). Lines it logs have no `request_id`;
     * its access line still has one.
     */
    requestLogContext?: boolean;
  }
}

/**
 * Binds a logger with the request's `request_id` for the rest of the request, so every line
 * logged while it is served carries the id (nestjs-pino's `runInContext`, the context pino-http's
 * middleware would set). A Fastify hook rather than Nest middleware: Nest runs its middleware
 * through @fastify/middie for every route, and matching the path against the exclusions of the
 * hot routes cost those routes more than binding the logger; a route opts out in its config.
 */
export function registerRequestLogContext(fastify: FastifyInstance, logger: PinoLogger): void {
  fastify.addHook('onRequest', (request, _reply, done) => {
    if (request.routeOptions.config.requestLogContext === false) {
      done();
      return;
    }
    logger.runInContext(done, { bindings: { request_id: request.id } });
  });
}
