import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Length, Matches } from 'class-validator';
import { BooleanQuery } from '../../../common/http/boolean-query';
import { ListMetaDto, PaginationQueryDto } from '../../../common/http/pagination.dto';
import { UPDATE_TYPES, type UpdateType } from './firmware-metadata.dto';

export class FirmwareIdParamDto {
  /** 32 lowercase hex characters (SHA-256 of `name:version:device_model`, truncated). */
  @Matches(/^[0-9a-f]{32}$/, { message: 'firmware_id must be 32 lowercase hexadecimal characters' })
  firmware_id!: string;
}

export class ListFirmwareQueryDto extends PaginationQueryDto {
  @ApiProperty({ required: false })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  device_model?: string;

  @ApiProperty({ required: false })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  manufacturer?: string;

  @ApiProperty({ required: false })
  @IsOptional()
  @BooleanQuery()
  @IsBoolean()
  is_beta?: boolean;

  @ApiProperty({ required: false })
  @IsOptional()
  @BooleanQuery()
  @IsBoolean()
  is_security_update?: boolean;
}

export class FirmwareResponseDto {
  firmware_id!: string;
  name!: string;
  version!: string;
  description!: string | null;
  device_model!: string;
  manufacturer!: string | null;
  min_hardware_version!: string | null;
  max_hardware_version!: string | null;
  /** Name of the uploaded file. */
  file_name!: string;
  file_size!: number;
  /** Where to get a download URL for the binary (an authenticated API call). */
  file_url!: string;
  checksum_md5!: string;
  checksum_sha256!: string;
  tags!: string[];
  metadata!: Record<string, unknown>;
  is_beta!: boolean;
  is_security_update!: boolean;
  changelog!: string | null;
  @ApiProperty({ enum: UPDATE_TYPES })
  update_type!: UpdateType;
  signature!: string | null;
  signing_key_id!: string | null;
  /** True when the signature was verified against a registered key at upload. */
  signature_verified!: boolean;
  /** Download URLs issued so far. */
  download_count!: number;
  /** Share of finished updates to this firmware that succeeded (0-100); null before any finished. */
  @ApiProperty({ type: 'number', nullable: true })
  success_rate!: number | null;
  created_at!: string;
  updated_at!: string;
  created_by!: string;
}

export class FirmwareListResponseDto extends ListMetaDto {
  firmware!: FirmwareResponseDto[];
}

export class FirmwareDownloadResponseDto {
  /** GET (or HEAD, with `Range` support) this URL to fetch the binary; no other credentials needed. */
  download_url!: string;
  expires_at!: string;
  checksum_md5!: string;
  checksum_sha256!: string;
  file_size!: number;
}

/** The multipart body of an upload, for the OpenAPI document (so Swagger UI can send one). */
export class FirmwareUploadBodyDto {
  /** JSON object with the firmware's metadata (fields: the `FirmwareMetadataDto` schema); must come before `file`. */
  @ApiProperty({ type: 'string', example: '{"name":"SmartFrame Firmware","version":"2.1.0","device_model":"SF-2024-Pro"}' })
  metadata!: string;

  /** The binary (.bin, .hex, .elf, .tar.gz, .zip, or a configured ending). */
  @ApiProperty({ type: 'string', format: 'binary' })
  file!: string;
}
