import { Logger } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { sendError } from '../errors/all-exceptions.filter';
import { DependencyUnavailableError } from '../errors/domain-error';
import { ErrorCode } from '../errors/error-codes';

const logger = new Logger('Http');

/**
 * While the server closes, a request that still arrives (pipelined, or on a keep-alive connection
 * that was busy) gets 503 `service/shutting_down` with the contract's error body and
 * `Connection: close`, so its client retries elsewhere. Fastify's own `return503OnClosing` does
 * the same with a body of its own shape, so it is turned off in `createFastifyAdapter`.
 */
export function registerClosingAnswer(fastify: FastifyInstance): void {
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    if (!closing) {
      done();
      return;
    }
    void reply.header('connection', 'close');
    sendError(reply, request, new DependencyUnavailableError(ErrorCode.ShuttingDown, 'The service is shutting down; retry the request'), logger);
  });
}
