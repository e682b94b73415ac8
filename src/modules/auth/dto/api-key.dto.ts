import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsDate, IsIn, IsOptional, IsString, Length, MaxDate, MinDate } from 'class-validator';
import { BooleanQuery } from '../../../common/http/boolean-query';
import { ListMetaDto, PaginationQueryDto } from '../../../common/http/pagination.dto';

/** `device_gateway` keys act for any device of their organization on the device API, and nothing else. */
export const API_KEY_ROLES = ['viewer', 'operator', 'admin', 'device_gateway'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];
/** Roles a person (a bearer token) can hold; `device_gateway` belongs to keys of gateways only. */
export const USER_ROLES = ['viewer', 'operator', 'admin'] as const satisfies readonly ApiKeyRole[];
export type UserRole = (typeof USER_ROLES)[number];
/** Later dates fit PostgreSQL but not JavaScript's Date or ISO-8601 output, so they could not be read back. */
const LATEST_EXPIRY = new Date('9999-12-31T23:59:59.999Z');

export class CreateApiKeyDto {
  /** A label to tell keys apart, e.g. the system that uses it. */
  @IsString()
  @Length(1, 100)
  name!: string;

  /**
   * What the key may do: `viewer` reads, `operator` also writes, `admin` also manages keys;
   * `device_gateway` acts for any device of the organization on the device API only.
   */
  @ApiProperty({ enum: API_KEY_ROLES, example: 'operator' })
  @IsIn(API_KEY_ROLES)
  role!: ApiKeyRole;

  /** When the key stops working (ISO-8601); never when omitted. */
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  @MinDate(() => new Date(), { message: 'expires_at must be in the future' })
  @MaxDate(LATEST_EXPIRY, { message: 'expires_at must be before the year 10000' })
  expires_at?: Date;
}

export class ListApiKeysQueryDto extends PaginationQueryDto {
  /** Include revoked keys. */
  @ApiProperty({ required: false })
  @IsOptional()
  @BooleanQuery()
  @IsBoolean()
  include_revoked: boolean = false;
}

export class ApiKeyResponseDto {
  /** Key id (not the secret). */
  id!: string;
  name!: string;
  @ApiProperty({ enum: API_KEY_ROLES })
  role!: ApiKeyRole;
  organization_id!: string;
  /** The first characters of the key, to recognise it. */
  prefix!: string;
  created_by!: string;
  created_at!: string;
  expires_at!: string | null;
  last_used_at!: string | null;
  revoked_at!: string | null;
}

/** Returned once, at creation: the only time the secret key is shown. */
export class CreatedApiKeyResponseDto extends ApiKeyResponseDto {
  /** The API key. Send it as `X-API-Key`; it cannot be shown again. */
  key!: string;
}

export class ApiKeyListResponseDto extends ListMetaDto {
  api_keys!: ApiKeyResponseDto[];
}
