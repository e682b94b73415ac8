import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import {
  type DependencyHealth,
  type DependencyHealthCheck,
  HealthIndicator,
  type HealthIndicatorOptions,
} from '../../common/health/health-indicator';
import { APP_CONFIG, type AppConfig } from '../../config';
import type { DetailedHealthResponseDto, HealthResponseDto } from './dto/health.dto';

interface RegisteredIndicator extends HealthIndicatorOptions {
  indicator: DependencyHealthCheck;
}

@Injectable()
export class HealthService implements OnModuleInit {
  private readonly startedAt = Date.now();
  private indicators: RegisteredIndicator[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Finds every provider decorated with `@HealthIndicator`, whichever module it lives in. */
  onModuleInit(): void {
    this.indicators = this.discovery.getProviders({ metadataKey: HealthIndicator.KEY }).map((wrapper) => ({
      ...(this.discovery.getMetadataByDecorator(HealthIndicator, wrapper) as HealthIndicatorOptions),
      indicator: wrapper.instance as DependencyHealthCheck,
    }));
  }

  /** Liveness: the process answers. Dependencies are in {@link detailed}. */
  basic(): HealthResponseDto {
    return { status: 'healthy', service: this.config.service.name, version: this.config.service.version, timestamp: new Date().toISOString() };
  }

  /** Runs every dependency check concurrently; a check that throws counts as down. */
  async detailed(): Promise<DetailedHealthResponseDto> {
    const results = await Promise.all(
      this.indicators.map(async ({ name, critical, indicator }) => {
        const health = await indicator.check().catch(
          (error: unknown): DependencyHealth => ({ status: 'down', error: error instanceof Error ? error.message : String(error) }),
        );
        return { name, critical, health };
      }),
    );
    const criticalDown = results.some((r) => r.critical && r.health.status === 'down');
    const anyImpaired = results.some((r) => r.health.status === 'down' || r.health.status === 'degraded');
    return {
      status: criticalDown ? 'unhealthy' : anyImpaired ? 'degraded' : 'healthy',
      service: this.config.service.name,
      version: this.config.service.version,
      timestamp: new Date().toISOString(),
      uptime_seconds: Math.round((Date.now() - this.startedAt) / 1000),
      checks: Object.fromEntries(results.map((r) => [r.name, r.health])),
    };
  }
}
