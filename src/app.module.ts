import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE, DiscoveryModule } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { AuthenticationModule } from './common/auth/authentication.module';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter';
import { RequestValidationPipe } from './common/http/request-validation.pipe';
import { LoggingModule } from './common/observability/logging.module';
import { ObservabilityModule } from './common/observability/observability.module';
import { TimeModule } from './common/time/time.module';
import { type AppConfig, ConfigModule } from './config';
import { DatabaseModule } from './database/database.module';
import { AuditModule } from './modules/audit/audit.module';
import { AuthModule } from './modules/auth/auth.module';
import { CampaignsModule } from './modules/campaigns/campaigns.module';
import { DeviceApiModule } from './modules/device-api/device-api.module';
import { DevicesModule } from './modules/devices/devices.module';
import { EventsModule } from './modules/events/events.module';
import { FirmwareModule } from './modules/firmware/firmware.module';
import { HealthModule } from './modules/health/health.module';
import { MqttModule } from './modules/mqtt/mqtt.module';
import { RollbackModule } from './modules/rollback/rollback.module';
import { RolloutModule } from './modules/rollout/rollout.module';
import { StatsModule } from './modules/stats/stats.module';
import { StorageModule } from './modules/storage/storage.module';
import { TargetingModule } from './modules/targeting/targeting.module';
import { UpdatesModule } from './modules/updates/updates.module';
import { WebhooksModule } from './modules/webhooks/webhooks.module';

/** The whole service. Built from a validated configuration so tests can pass their own. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(config),
        ObservabilityModule,
        TimeModule,
        DiscoveryModule,
        ScheduleModule.forRoot(),
        DatabaseModule,
        EventsModule,
        AuthenticationModule,
        AuditModule,
        AuthModule,
        CampaignsModule,
        DevicesModule,
        DeviceApiModule,
        FirmwareModule,
        HealthModule,
        MqttModule,
        RollbackModule,
        RolloutModule,
        StatsModule,
        StorageModule,
        TargetingModule,
        UpdatesModule,
        WebhooksModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        { provide: APP_PIPE, useClass: RequestValidationPipe },
      ],
    };
  }
}
