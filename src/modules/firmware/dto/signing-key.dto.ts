import { ApiProperty } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { ListMetaDto } from '../../../common/http/pagination.dto';

const KEY_ID = /^[A-Za-z0-9._-]{1,100}$/;

export class SigningKeyIdParamDto {
  @Matches(KEY_ID, { message: 'key_id must be 1-100 letters, digits, dots, underscores or hyphens' })
  key_id!: string;
}

export class CreateSigningKeyDto {
  /** The id uploads name in `signing_key_id`. */
  @Matches(KEY_ID, { message: 'key_id must be 1-100 letters, digits, dots, underscores or hyphens' })
  key_id!: string;

  /** Ed25519 public key: PEM (SPKI), or base64 of the SPKI DER or of the 32 raw key bytes. */
  @IsString()
  @Length(1, 1000)
  public_key!: string;

  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;
}

export class SigningKeyResponseDto {
  key_id!: string;
  @ApiProperty({ example: 'ed25519' })
  algorithm!: 'ed25519';
  /** The public key, PEM (SPKI). */
  public_key!: string;
  /** SHA-256 of the SPKI DER, hex. */
  fingerprint!: string;
  description!: string | null;
  /** `api` for keys registered through this API, `config` for keys from FIRMWARE_SIGNING_KEYS. */
  @ApiProperty({ enum: ['api', 'config'] })
  source!: 'api' | 'config';
  created_at!: string | null;
  created_by!: string | null;
}

export class SigningKeyListResponseDto extends ListMetaDto {
  signing_keys!: SigningKeyResponseDto[];
}
