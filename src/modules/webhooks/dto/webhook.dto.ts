import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { ListMetaDto, PaginationQueryDto } from '../../../common/http/pagination.dto';

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/** The organization's new webhook secret: shown in this answer only. */
export class WebhookSecretCreatedResponseDto {
  /** Key of the `x-ota-signature` HMAC-SHA256 of each webhook body; store it, it is not shown again. */
  secret!: string;
  created_at!: string;
}

export class WebhookSecretStatusResponseDto {
  /** Whether the organization has a secret (webhooks of an organization without one fail). */
  configured!: boolean;
  /** Who made the current secret. */
  @ApiProperty({ type: 'string', nullable: true })
  created_by!: string | null;
  /** When the current secret was made (its last rotation). */
  @ApiProperty({ type: 'string', nullable: true })
  created_at!: string | null;
}

export class ListWebhookDeliveriesQueryDto extends PaginationQueryDto {
  @ApiProperty({ enum: WEBHOOK_DELIVERY_STATUSES, required: false })
  @IsOptional()
  @IsIn(WEBHOOK_DELIVERY_STATUSES)
  status?: WebhookDeliveryStatus;

  @IsOptional()
  @Matches(/^[0-9a-f]{32}$/, { message: 'campaign_id must be 32 lowercase hexadecimal characters' })
  campaign_id?: string;

  /** e.g. `campaign.completed`. */
  @ApiProperty({ required: false, example: 'campaign.completed' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  event_type?: string;
}

export class WebhookDeliveryResponseDto {
  /** Also sent as `x-ota-delivery`: the same on every attempt, for the receiver to drop repeats. */
  delivery_id!: string;
  @ApiProperty({ type: 'string', nullable: true })
  campaign_id!: string | null;
  /** The event envelope's `id`. */
  @ApiProperty({ type: 'string', nullable: true })
  event_id!: string | null;
  event_type!: string;
  url!: string;
  @ApiProperty({ enum: WEBHOOK_DELIVERY_STATUSES })
  status!: WebhookDeliveryStatus;
  /** Attempts made so far. */
  attempts!: number;
  /** When a pending delivery is tried next. */
  @ApiProperty({ type: 'string', nullable: true })
  next_attempt_at!: string | null;
  /** The receiver's status code at the last attempt; null when it did not answer. */
  @ApiProperty({ type: 'integer', nullable: true })
  last_status_code!: number | null;
  /** Why the last attempt failed, e.g. `HTTP 500`, a network error, `refused: private address`. */
  @ApiProperty({ type: 'string', nullable: true })
  last_error!: string | null;
  /** The body POSTed: the event envelope, as published on NATS. */
  @ApiProperty({ type: 'object', additionalProperties: true })
  payload!: Record<string, unknown>;
  created_at!: string;
  @ApiProperty({ type: 'string', nullable: true })
  delivered_at!: string | null;
  updated_at!: string;
}

export class WebhookDeliveryListResponseDto extends ListMetaDto {
  webhook_deliveries!: WebhookDeliveryResponseDto[];
}
