import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { stdTimeFunctions } from 'pino';
import type { AppConfig } from '../../config';

/** pino-pretty: local time, the message first, without the fields every line carries. */
const PRETTY_OPTIONS = { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service,version' };

/**
 * Structured JSON logs through pino (human-readable through pino-pretty at a terminal). Every line written while a request is handled carries its
 * `request_id` (bound by `registerRequestLogContext`); the access line itself is written by the
 * HTTP observability hook, which knows the matched route.
 */
@Module({})
export class LoggingModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            base: { service: config.service.name, version: config.service.version },
            timestamp: stdTimeFunctions.isoTime,
            formatters: { level: (label: string) => ({ level: label }) },
            // People at a terminal read lines; log collectors get JSON.
            ...(config.logPretty ? { transport: { target: 'pino-pretty', options: PRETTY_OPTIONS } } : {}),
          },
          // No pino-http middleware (so its per-request options are not set): the request-scoped
          // logger is bound by a Fastify hook (registerRequestLogContext), which hot routes skip
          // without a path match per request.
          forRoutes: [],
        }),
      ],
    };
  }
}
