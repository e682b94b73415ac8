import { ApiProperty } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsBase64,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  Min,
} from 'class-validator';

export const UPDATE_TYPES = ['firmware', 'software', 'application', 'config', 'bootloader', 'security_patch'] as const;
export type UpdateType = (typeof UPDATE_TYPES)[number];

/** The `metadata` part of a firmware upload (a JSON object). Unknown keys are ignored. */
export class FirmwareMetadataDto {
  @IsString()
  @Length(1, 200)
  name!: string;

  @IsString()
  @Length(1, 50)
  version!: string;

  /** The device model this image is built for. */
  @IsString()
  @Length(1, 100)
  device_model!: string;

  @IsOptional()
  @IsString()
  @Length(1, 100)
  manufacturer?: string;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string;

  /** Oldest hardware revision the image supports. */
  @IsOptional()
  @IsString()
  @MaxLength(50)
  min_hardware_version?: string;

  /** Newest hardware revision the image supports. */
  @IsOptional()
  @IsString()
  @MaxLength(50)
  max_hardware_version?: string;

  /** Expected MD5 of the file (32 hex); the upload is refused when the bytes differ. */
  @IsOptional()
  @Matches(/^[0-9a-fA-F]{32}$/, { message: 'checksum_md5 must be 32 hexadecimal characters' })
  checksum_md5?: string;

  /** Expected SHA-256 of the file (64 hex); the upload is refused when the bytes differ. */
  @IsOptional()
  @Matches(/^[0-9a-fA-F]{64}$/, { message: 'checksum_sha256 must be 64 hexadecimal characters' })
  checksum_sha256?: string;

  /** Expected size of the file in bytes. */
  @IsOptional()
  @IsInt()
  @Min(0)
  file_size?: number;

  @IsOptional()
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  @ArrayMaxSize(50)
  tags?: string[];

  /** Free-form JSON object stored with the firmware. */
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;

  @IsOptional()
  @IsBoolean()
  is_beta?: boolean;

  @IsOptional()
  @IsBoolean()
  is_security_update?: boolean;

  @IsOptional()
  @IsString()
  @MaxLength(5000)
  changelog?: string;

  @ApiProperty({ enum: UPDATE_TYPES, required: false, default: 'firmware' })
  @IsOptional()
  @IsIn(UPDATE_TYPES)
  update_type?: UpdateType;

  /** Base64 Ed25519 signature over the 32-byte SHA-256 digest of the file. */
  @IsOptional()
  @IsBase64()
  @MaxLength(200)
  signature?: string;

  /** Id of the registered public key that verifies `signature`. */
  @IsOptional()
  @IsString()
  @Length(1, 100)
  signing_key_id?: string;
}
