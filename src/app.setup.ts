import type { IncomingMessage } from 'node:http';
import { type INestApplication, Logger as NestLogger, RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import fastifyMultipart from '@fastify/multipart';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Logger, PinoLogger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { sendError } from './common/errors/all-exceptions.filter';
import { answerClientError } from './common/errors/client-error-response';
import { MetricsService } from './common/observability/metrics.service';
import { registerHttpObservability } from './common/observability/http-observability';
import { registerRateLimits } from './common/rate-limit/rate-limits';
import { registerRequestLogContext } from './common/observability/request-log-context';
import { generateRequestId } from './common/observability/request-id';
import type { AppConfig } from './config';
import { registerDeviceImportBodies } from './modules/devices/import/device-import-body';
import { RouteCatalog } from './modules/stats/route-catalog';
import { API_PREFIX } from './common/http/api-prefix';
import { registerClosingAnswer } from './common/http/closing-answer';
import { registerJsonBodyParser } from './common/http/json-body';
import { registerBodyTimeout } from './common/http/body-timeout';
import { DOCS_PATH, setupOpenApi } from './openapi';
import { registerConsole } from './modules/console/serve-console';

/** A later version of the original service served everything under `/api/v1/ota`; both work. */
const LEGACY_PREFIX = /^\/api\/v1\/ota(?=\/|$|\?)/;
/** Routes that live outside `/api/v1`, as in the original service. */
const UNPREFIXED = ['health', 'health/detailed', 'metrics'];

/** The signals that stop the service gracefully. */
export const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

const frameworkLogger = new NestLogger('Http');

/** Fastify with our request ids, body limit, proxy trust and the legacy prefix alias. */
export function createFastifyAdapter(config: AppConfig): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: config.http.bodyLimitBytes,
    trustProxy: config.http.trustProxy,
    genReqId: generateRequestId,
    // While closing, idle keep-alive sockets are closed at once, so a rolling restart drains
    // quickly; in-flight requests still finish, and new ones get 503 from `registerClosingAnswer`
    // (Fastify's own 503 has a body of another shape).
    return503OnClosing: false,
    // Signed download tokens (`/api/v1/downloads/:token`) carry the storage key and file name;
    // the default limit of 100 characters per path parameter would answer them 414.
    routerOptions: { maxParamLength: 4096 },
    forceCloseConnections: 'idle',
    rewriteUrl: (request: IncomingMessage) => (request.url ?? '/').replace(LEGACY_PREFIX, '/api/v1'),
    // Errors Fastify raises before routing (a malformed URL, say) get our error body too.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => sendError(reply, request, error, frameworkLogger),
    // What Node's HTTP parser refuses (huge headers, a broken request line) never becomes a request.
    clientErrorHandler: answerClientError,
  });
}

/** Creates the application (not yet listening). `main.ts` and the tests both come through here. */
export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), createFastifyAdapter(config), {
    bufferLogs: true,
    bodyParser: false,
  });
  await setupApp(app, config);
  return app;
}

/** The URL layout; also applied when the OpenAPI document is generated without running the app. */
export function configureRoutes(app: INestApplication): void {
  app.setGlobalPrefix(API_PREFIX, { exclude: UNPREFIXED.map((path) => ({ path, method: RequestMethod.ALL })) });
}

/** Everything about the app that is not a module: prefix, logging, parsers, hooks, docs, shutdown. */
export async function setupApp(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  app.useLogger(app.get(Logger));
  configureRoutes(app);

  const fastify = app.getHttpAdapter().getInstance();
  // JSON endpoints only: a text body is an unsupported media type (415), not a string DTO. (Nest's
  // own body parsers, which would add form bodies, are off; Fastify parses JSON.)
  fastify.removeContentTypeParser('text/plain');
  registerJsonBodyParser(fastify, config.http.jsonMaxDepth);
  registerDeviceImportBodies(fastify, config);
  // Multipart bodies are parsed as streams by the routes that take them (firmware uploads), which
  // set their own size limits; the plugin only adds the parser.
  await app.register(fastifyMultipart, { throwFileSizeLimit: true });
  // A client silent mid-body gets 408 and a closed connection; an upload then cleans up after itself.
  registerBodyTimeout(fastify, config.http.bodyTimeoutMs);
  const routes = app.get(RouteCatalog);
  fastify.addHook('onRoute', (route) => {
    if (!route.url.startsWith(`/${DOCS_PATH}`)) routes.record(route.method, route.url);
  });
  registerRequestLogContext(fastify, await app.resolve(PinoLogger));
  registerHttpObservability(fastify, app.get(MetricsService));
  registerClosingAnswer(fastify);
  // After the hooks that echo the request id and log: a 429 is answered by a later hook.
  registerRateLimits(fastify, config);

  if (config.http.docsEnabled) setupOpenApi(app);
  if (config.http.console.enabled) await registerConsole(fastify, config.http.console.directory);
  app.enableShutdownHooks([...SHUTDOWN_SIGNALS]);
}
