import { Inject, Injectable } from '@nestjs/common';
import { type DependencyHealth, type DependencyHealthCheck, HealthIndicator } from '../common/health/health-indicator';
import { DATABASE_RUNTIME, type DatabaseRuntime } from './database-runtime';
import { migrationStatus } from './migrations/migrator';
import { PrismaService } from './prisma.service';

const PING_TIMEOUT_MS = 3_000;

/** Database reachability, round-trip latency and whether every migration is applied. */
@Injectable()
@HealthIndicator({ name: 'database', critical: true })
export class DatabaseHealthIndicator implements DependencyHealthCheck {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(DATABASE_RUNTIME) private readonly runtime: DatabaseRuntime,
  ) {}

  async check(): Promise<DependencyHealth> {
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
      };
    } catch (error) {
      return { status: 'down', mode, error: error instanceof Error ? error.message : String(error) };
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
