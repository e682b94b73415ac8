import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config';
import { DATABASE_RUNTIME, type DatabaseRuntime } from '../../database/database-runtime';
import type { ServiceStatsResponseDto } from './dto/service-stats.dto';
import { areaOf, RouteCatalog } from './route-catalog';

/** Describes this deployment from what it actually serves and how it is configured. */
@Injectable()
export class ServiceStatsService {
  constructor(
    private readonly routes: RouteCatalog,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DATABASE_RUNTIME) private readonly database: DatabaseRuntime,
  ) {}

  describe(): ServiceStatsResponseDto {
    const byArea: Record<string, number> = {};
    for (const route of this.routes.list()) {
      const area = areaOf(route.url);
      byArea[area] = (byArea[area] ?? 0) + 1;
    }
    const { auth, events, http } = this.config;
    const capabilities: [string, boolean][] = [
      ['jwt_hs256', auth.jwtSecret !== undefined || auth.devTokens],
      ['jwt_jwks', auth.jwksUrl !== undefined],
      ['internal_service_auth', auth.internalSecret !== undefined],
      ['dev_tokens', auth.devTokens],
      ['nats_events', events.natsUrl !== undefined],
      ['swagger_ui', http.docsEnabled],
    ];
    return {
      service: this.config.service.name,
      version: this.config.service.version,
      port: http.port,
      endpoints: { total: this.routes.list().length, by_area: byArea },
      features: [...Object.keys(byArea).sort(), ...capabilities.filter(([, on]) => on).map(([name]) => name)],
      runtime: {
        database: this.database.embedded ? 'embedded' : 'external',
        events: events.natsUrl ? 'nats_jetstream' : 'outbox_only',
        environment: this.config.env,
      },
    };
  }
}
