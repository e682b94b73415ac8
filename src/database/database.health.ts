import { Inject, Injectable } from '@nestjs/common';
import { type DependencyHealth, type DependencyHealthCheck, HealthIndicator } from '../common/health/health-indicator';
import { onDevicePool } from './database-pools';
import { DATABASE_RUNTIME, type DatabaseRuntime } from './database-runtime';
import { migrationStatus } from './migrations/migrator';
import { PrismaService } from './prisma.service';

const PING_TIMEOUT_MS = 3_000;

/**
 * Database reachability, round-trip latency, whether every migration is applied, and how busy
 * each connection pool is. Checked on the device pool: operators saturating theirs must not make
 * a replica look unready (and be taken out of service) while it still serves its devices.
 */
@Injectable()
@HealthIndicator({ name: 'database', critical: true })
export class DatabaseHealthIndicator implements DependencyHealthCheck {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(DATABASE_RUNTIME) private readonly runtime: DatabaseRuntime,
  ) {}

  check(): Promise<DependencyHealth> {
    return onDevicePool(() => this.checkNow());
  }

  private async checkNow(): Promise<DependencyHealth> {
    const mode = this.runtime.embedded ? 'embedded' : 'external';
    const started = performance.now();
    try {
      await withTimeout(this.prisma.$queryRawUnsafe('SELECT 1'), PING_TIMEOUT_MS);
      const latencyMs = Math.round((performance.now() - started) * 100) / 100;
      const migrations = await migrationStatus((sql) => this.prisma.$queryRawUnsafe(sql));
      return {
        status: migrations.status === 'up_to_date' ? 'up' : 'degraded',
        mode,
        latency_ms: latencyMs,
        migrations: {
          status: migrations.status,
          applied: migrations.applied.length,
          latest: migrations.applied.at(-1) ?? null,
          pending: migrations.pending,
          failed: migrations.failed,
        },
        pools: this.prisma.poolUsage(),
      };
    } catch (error) {
      return { status: 'down', mode, error: error instanceof Error ? error.message : String(error), pools: this.prisma.poolUsage() };
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
