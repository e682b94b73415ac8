import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { APP_CONFIG, type AppConfig } from '../../config';
import { HealthChecksService } from './health-checks.service';
import { UpdateTimeoutsService } from './update-timeouts.service';

/** Only triggers: timeouts, automatic retries and health windows are idempotent and driven by the table. */
@Injectable()
export class UpdatesScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger('UpdatesScheduler');
  private running = false;

  constructor(
    private readonly timeouts: UpdateTimeoutsService,
    private readonly healthChecks: HealthChecksService,
    private readonly registry: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.scheduler.enabled) return;
    const timer = setInterval(() => void this.tick(), this.config.scheduler.tickMs);
    this.registry.addInterval('updates-timeouts-retries', timer);
  }

  /** One tick; skipped while the previous one still runs on this replica. */
  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.timeouts.failTimedOut();
      await this.timeouts.releaseDueRetries();
      await this.timeouts.releaseDueWindowed();
      await this.healthChecks.failOverdue();
    } catch (error) {
      this.logger.error(`Update timeouts/retries/health checks failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.running = false;
    }
  }
}
