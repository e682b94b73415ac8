import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toErrorResponse } from './error-response';

/** The single place where thrown errors become HTTP responses. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    sendError(reply, request, exception, this.logger);
  }
}

/** Shared with Fastify's own error and not-found handlers so every path answers the same way. */
export function sendError(
  reply: FastifyReply,
  request: FastifyRequest,
  exception: unknown,
  logger: Pick<Logger, 'error'>,
): void {
  const { status, body, unexpected, headers } = toErrorResponse(exception, request.id);
  if (unexpected) {
    const stack = exception instanceof Error ? exception.stack : String(exception);
    logger.error(`Unhandled error on ${request.method} ${request.url} [${request.id}]`, stack);
  }
  if (reply.sent) return;
  if (headers) void reply.headers(headers);
  void reply.status(status).header('content-type', 'application/json; charset=utf-8').send(body);
}
