import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { APP_CONFIG, type AppConfig } from '../../config';
import { AuditService } from './audit.service';

/** Retention is counted in days; checking hourly keeps the table within an hour of it. */
const PURGE_INTERVAL_MS = 60 * 60_000;

/** Only triggers: the purge is idempotent and driven by the rows' age. */
@Injectable()
export class AuditRetentionScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger('AuditRetentionScheduler');

  constructor(
    private readonly audit: AuditService,
    private readonly registry: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.scheduler.enabled) return;
    const timer = setInterval(() => {
      this.audit.purgeExpired().catch((error: unknown) => this.logger.error(`Audit purge failed: ${error instanceof Error ? error.message : String(error)}`));
    }, PURGE_INTERVAL_MS);
    this.registry.addInterval('audit-purge', timer);
  }
}
