import { Controller, Get, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { Auth, CurrentOrganization } from '../../common/auth/auth.decorators';
import { type AuditContext, CurrentAuditContext } from '../audit/audit-context';
import {
  ListWebhookDeliveriesQueryDto,
  WebhookDeliveryListResponseDto,
  WebhookSecretCreatedResponseDto,
  WebhookSecretStatusResponseDto,
} from './dto/webhook.dto';
import { WebhookSecretsService } from './webhook-secrets.service';
import { WebhooksService } from './webhooks.service';

@ApiTags('webhooks')
@Controller()
export class WebhooksController {
  constructor(
    private readonly secrets: WebhookSecretsService,
    private readonly webhooks: WebhooksService,
  ) {}

  /**
   * Creates the organization's webhook secret, or replaces it (deliveries are signed with the new
   * one from now on). The secret is in this answer only.
   */
  @Post('webhook-secret')
  @Auth('admin')
  @ApiCreatedResponse({ type: WebhookSecretCreatedResponseDto })
  createWebhookSecret(@CurrentOrganization() organizationId: string, @CurrentAuditContext() audit: AuditContext): Promise<WebhookSecretCreatedResponseDto> {
    return this.secrets.create(organizationId, audit);
  }

  /** Whether the organization has a webhook secret, who made it and when; never the secret. */
  @Get('webhook-secret')
  @Auth('admin')
  getWebhookSecret(@CurrentOrganization() organizationId: string): Promise<WebhookSecretStatusResponseDto> {
    return this.secrets.status(organizationId);
  }

  /** Webhook deliveries of the organization's campaign events and how each went, newest first. */
  @Get('webhook-deliveries')
  @Auth('operator')
  listWebhookDeliveries(@Query() query: ListWebhookDeliveriesQueryDto, @CurrentOrganization() organizationId: string): Promise<WebhookDeliveryListResponseDto> {
    return this.webhooks.list(organizationId, query);
  }
}
