import type { IncomingMessage } from 'node:http';
import { type DynamicModule, Module } from '@nestjs/common';
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
  static forRoot(config: AppConfig): DynamicModule {
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
        }),
      ],
    };
  }
}
