import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { USER_ROLES, type UserRole } from './api-key.dto';

export const DEV_TOKEN_MAX_TTL_SECONDS = 7 * 24 * 3600;

/** The body of the original platform's auth service `dev-token` endpoint. */
export class DevTokenRequestDto {
  @IsString()
  @Length(1, 255)
  user_id!: string;

  @IsEmail()
  email!: string;

  /** Organization the token acts for; the configured default when omitted. */
  @IsOptional()
  @IsString()
  @Length(1, 100)
  organization_id?: string;

  /** Role of the token; `admin` when omitted (development only). */
  @ApiProperty({ enum: USER_ROLES, required: false })
  @IsOptional()
  @IsIn(USER_ROLES)
  role?: UserRole;

  /** Lifetime in seconds; never more than `JWT_MAX_LIFETIME_SECONDS` (24 h by default). */
  @IsOptional()
  @IsInt()
  @Min(60)
  @Max(DEV_TOKEN_MAX_TTL_SECONDS)
  expires_in?: number;
}

export class DevTokenResponseDto {
  /** A signed JWT; send it as `Authorization: Bearer <token>`. */
  token!: string;
  @ApiProperty({ example: 'Bearer' })
  token_type!: 'Bearer';
  /** Seconds until it expires. */
  expires_in!: number;
  user_id!: string;
}
