import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { WebhookSecretsRepository } from './webhook-secrets.repository';
import { WebhookSecretsService } from './webhook-secrets.service';
import { WebhookRetention } from './webhook-retention';
import { WebhookSender } from './webhook-sender';
import { WebhookSenderScheduler } from './webhook-sender.scheduler';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

/**
 * Webhooks: campaign events POSTed to `webhook:` notification channels, signed with the
 * organization's secret, retried with backoff, and logged. The campaigns module validates
 * channels and enqueues deliveries through `WebhooksService`.
 */
@Module({
  imports: [AuditModule],
  controllers: [WebhooksController],
  providers: [WebhookSecretsRepository, WebhookDeliveriesRepository, WebhookSecretsService, WebhooksService, WebhookSender, WebhookRetention, WebhookSenderScheduler],
  exports: [WebhooksService],
})
export class WebhooksModule {}
