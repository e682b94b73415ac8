import { DiscoveryService } from '@nestjs/core';

/** What one dependency reports in `/health/detailed`; extra keys carry its own figures. */
export interface DependencyHealth {
  status: 'up' | 'down' | 'degraded' | 'disabled';
  error?: string;
  [detail: string]: unknown;
}

/**
 * A dependency the service reports on. Modules add one by decorating a provider with
 * {@link HealthIndicator}; the health module finds them, so it needs to know none of them.
 */
export interface DependencyHealthCheck {
  check(): Promise<DependencyHealth>;
}

export interface HealthIndicatorOptions {
  /** Key under `checks` in `/health/detailed`. */
  name: string;
  /** When a critical dependency is down the service answers 503; others only degrade it. */
  critical: boolean;
}

export const HealthIndicator = DiscoveryService.createDecorator<HealthIndicatorOptions>();
