import { ApiProperty } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, Length } from 'class-validator';
import { ListMetaDto, PaginationQueryDto } from '../../../common/http/pagination.dto';

export const AUDIT_ACTOR_KINDS = ['user', 'api_key', 'service'] as const;
export type AuditActorKind = (typeof AUDIT_ACTOR_KINDS)[number];

export class ListAuditEventsQueryDto extends PaginationQueryDto {
  /** Only events by this actor: a user id, API key id or service name. */
  @IsOptional()
  @IsString()
  @Length(1, 255)
  actor_id?: string;

  /** Only events on this kind of resource (`firmware`, `signing_key`, `device`, `update`, `rollback`, `campaign`, `api_key`, `webhook_secret`). */
  @ApiProperty({ required: false, example: 'campaign' })
  @IsOptional()
  @IsString()
  @Length(1, 50)
  resource_type?: string;

  /** Only events on the resource with this id. */
  @IsOptional()
  @IsString()
  @Length(1, 255)
  resource_id?: string;

  /** Only this action, e.g. `campaign.paused`. */
  @ApiProperty({ required: false, example: 'campaign.paused' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  action?: string;

  /** Only events at or after this time (ISO-8601). */
  @ApiProperty({ required: false, example: '2026-01-01T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  /** Only events before this time (ISO-8601). */
  @ApiProperty({ required: false, example: '2026-02-01T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

export class AuditEventResponseDto {
  audit_event_id!: string;
  organization_id!: string;
  /** What kind of caller made the write. */
  @ApiProperty({ enum: AUDIT_ACTOR_KINDS })
  actor_kind!: AuditActorKind;
  /** The user id (`sub`), API key id or service. */
  actor_id!: string;
  /** The caller's roles when it made the write. */
  actor_roles!: string[];
  /** `<resource type>.<what happened>`, e.g. `firmware.uploaded`, `campaign.paused`. */
  action!: string;
  resource_type!: string;
  /** Null for an action on many resources at once (a device import, a bulk update). */
  resource_id!: string | null;
  /** Key fields of a creation, or the changed fields with their new values; bounded in size, never secrets. */
  summary!: Record<string, unknown>;
  /** The `X-Request-Id` of the request that made the write. */
  request_id!: string | null;
  /** The caller's address (the client address forwarded by a trusted proxy under TRUST_PROXY). */
  client_ip!: string | null;
  created_at!: string;
}

export class AuditEventListResponseDto extends ListMetaDto {
  audit_events!: AuditEventResponseDto[];
}
