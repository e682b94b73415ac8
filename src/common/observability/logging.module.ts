import type { IncomingMessage } from 'node:http';
import { type DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { stdTimeFunctions } from 'pino';
import type { AppConfig } from '../../config';

/**
 * Structured JSON logs through pino. Every line written while a request is handled carries its
 * `request_id`; the access line itself is written by the HTTP observability hook, which knows the
 * matched route.
 */
@Module({})
export class LoggingModule {
  /**
   * `withoutRequestContext`: hot routes (paths under the global prefix) that skip pino-http's per-request child logger (its
   * bindings cost more than the route itself); lines logged while serving them carry no
   * `request_id` binding, and their access line still has one.
   */
  static forRoot(config: AppConfig, withoutRequestContext: readonly { method: string; path: string }[] = []): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            autoLogging: false,
            quietReqLogger: true,
            customAttributeKeys: { reqId: 'request_id' },
            genReqId: (req: IncomingMessage & { id?: string }) => req.id ?? 'unknown',
            base: { service: config.service.name, version: config.service.version },
            timestamp: stdTimeFunctions.isoTime,
            formatters: { level: (label: string) => ({ level: label }) },
          },
          exclude: withoutRequestContext.map((route) => ({ method: RequestMethod[route.method as keyof typeof RequestMethod], path: route.path })),
        }),
      ],
    };
  }
}
