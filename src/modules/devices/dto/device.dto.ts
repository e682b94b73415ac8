import { ApiProperty, type ApiPropertyOptions } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { ListMetaDto, PaginationQueryDto } from '../../../common/http/pagination.dto';
import { DEVICE_LIMITS } from '../device-input';

/** Optional or not as the field is (the swagger plugin reads the `?`). */
const ATTRIBUTES: ApiPropertyOptions = {
  type: 'object',
  maxProperties: DEVICE_LIMITS.attributesMaxKeys,
  additionalProperties: {
    oneOf: [{ type: 'string', maxLength: DEVICE_LIMITS.attributeValueMaxLength }, { type: 'number' }, { type: 'boolean' }],
  },
  example: { color: 'black', screen_inches: 10.1, touch: true },
};

const NAME_LIST = (example: string[]): ApiPropertyOptions => ({
  type: 'array',
  required: false,
  maxItems: DEVICE_LIMITS.listMaxItems,
  items: { type: 'string', minLength: 1, maxLength: DEVICE_LIMITS.listItemMaxLength },
  example,
});

/** No control characters; the same rule as for registered ids. */
const DEVICE_ID_PATTERN = /^[^\u0000-\u001f\u007f]+$/;

/**
 * A device registration (`POST /devices`, and each row of `POST /devices/import`). Checked by the
 * rules in `device-input.ts`; this class documents them. Unknown keys are ignored. On an update,
 * fields that are absent or null keep their stored values; `groups`, `tags` and `attributes`,
 * when given, replace the stored ones.
 */
export class RegisterDeviceDto {
  /** The device's own id (serial number, MAC, platform id), unique within the organization. */
  @ApiProperty({ minLength: 1, maxLength: DEVICE_LIMITS.deviceIdMaxLength, pattern: DEVICE_ID_PATTERN.source, example: 'sf-000123' })
  device_id!: string;

  /** Kind of device, e.g. `smart_frame`. */
  @ApiProperty({ required: false, minLength: 1, maxLength: DEVICE_LIMITS.textMaxLength, example: 'smart_frame' })
  device_type?: string;

  /** Model, matched against a firmware's `device_model`. */
  @ApiProperty({ required: false, minLength: 1, maxLength: DEVICE_LIMITS.textMaxLength, example: 'SF-2024-Pro' })
  device_model?: string;

  @ApiProperty({ required: false, minLength: 1, maxLength: DEVICE_LIMITS.textMaxLength, example: 'SmartTech' })
  manufacturer?: string;

  /** Hardware revision, compared leniently (`2` = 2.0.0) with a firmware's hardware bounds. */
  @ApiProperty({ required: false, minLength: 1, maxLength: DEVICE_LIMITS.versionMaxLength, example: '1.2' })
  hardware_version?: string;

  /** Firmware the device runs; semver for range filters (other text is stored but never matches a range). */
  @ApiProperty({ required: false, minLength: 1, maxLength: DEVICE_LIMITS.versionMaxLength, example: '1.4.2' })
  firmware_version?: string;

  /** Groups the device belongs to (names given twice are kept once). */
  @ApiProperty(NAME_LIST(['living-room', 'beta-testers']))
  groups?: string[];

  /** Free labels (names given twice are kept once). */
  @ApiProperty(NAME_LIST(['wifi']))
  tags?: string[];

  /** Flat object of string (at most 500 characters), number or boolean values. */
  @ApiProperty(ATTRIBUTES)
  attributes?: Record<string, string | number | boolean>;
}

/** `PATCH /devices/{device_id}`: each field given replaces the stored value; absent ones stay. */
export class UpdateDeviceDto {
  @ApiProperty(NAME_LIST(['living-room']))
  groups?: string[];

  @ApiProperty(NAME_LIST(['wifi']))
  tags?: string[];

  @ApiProperty(ATTRIBUTES)
  attributes?: Record<string, string | number | boolean>;
}

export class DeviceIdParamDto {
  /** The device's id (URL-encode characters such as `/`). */
  @IsString()
  @Length(1, DEVICE_LIMITS.deviceIdMaxLength)
  @Matches(DEVICE_ID_PATTERN, { message: 'device_id must not contain control characters' })
  device_id!: string;
}

export class ListDevicesQueryDto extends PaginationQueryDto {
  @ApiProperty({ required: false })
  @IsOptional()
  @IsString()
  @Length(1, DEVICE_LIMITS.textMaxLength)
  device_type?: string;

  @ApiProperty({ required: false })
  @IsOptional()
  @IsString()
  @Length(1, DEVICE_LIMITS.textMaxLength)
  device_model?: string;

  /** Devices in this group. */
  @ApiProperty({ required: false })
  @IsOptional()
  @IsString()
  @Length(1, DEVICE_LIMITS.listItemMaxLength)
  group?: string;

  /** Devices with this tag. */
  @ApiProperty({ required: false })
  @IsOptional()
  @IsString()
  @Length(1, DEVICE_LIMITS.listItemMaxLength)
  tag?: string;

  /**
   * A semver range the firmware version must satisfy (`<2.0.0`, `>=1.2.0 <1.5.0`, `1.x`, `~1.4`,
   * an exact version), by node-semver's rules; devices whose version is not semver never match.
   */
  @ApiProperty({ required: false, example: '>=1.2.0 <2.0.0' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  firmware_version?: string;

  /** Prefix of `device_id`. */
  @ApiProperty({ required: false })
  @IsOptional()
  @IsString()
  @Length(1, DEVICE_LIMITS.deviceIdMaxLength)
  q?: string;
}

/** A registered device. The token itself is never shown again; `has_token` says whether one exists. */
export class DeviceResponseDto {
  device_id!: string;
  device_type!: string | null;
  device_model!: string | null;
  manufacturer!: string | null;
  hardware_version!: string | null;
  /** As the device last reported it (registration or device API). */
  firmware_version!: string | null;
  groups!: string[];
  tags!: string[];
  @ApiProperty(ATTRIBUTES)
  attributes!: Record<string, string | number | boolean>;
  /** True when a device token was issued (the device can call the device API with it). */
  has_token!: boolean;
  token_issued_at!: string | null;
  /** When the device last called the device API (written in batches, a few seconds late). */
  last_seen_at!: string | null;
  created_at!: string;
  updated_at!: string;
}

/** The answer of `POST /devices`: `device_token` appears only when the device was created. */
export class DeviceRegistrationResponseDto extends DeviceResponseDto {
  /** The new device token, shown only now; the device sends it as `Authorization: Device <token>`. */
  device_token?: string;
}

export class DeviceTokenResponseDto extends DeviceResponseDto {
  /** The new device token, shown only now; the previous one stopped working. */
  device_token!: string;
}

export class DeviceListResponseDto extends ListMetaDto {
  devices!: DeviceResponseDto[];
}

export class DeviceImportFailureDto {
  /** 0-based position of the row: in the JSON array, or among the non-blank NDJSON lines. */
  index!: number;
  /** The row's `device_id` when it had a usable one. */
  device_id!: string | null;
  /** What was wrong, `field: problem` for each problem. */
  error!: string;
}

export class DeviceImportResponseDto {
  /** Devices that did not exist before. */
  created!: number;
  /** Devices that existed and were updated. */
  updated!: number;
  /** Rows that were not written, and why; the others were. */
  failed!: DeviceImportFailureDto[];
}

export class DeviceGroupDto {
  name!: string;
  device_count!: number;
}

export class DeviceGroupListResponseDto {
  /** Every group in use, by name. */
  groups!: DeviceGroupDto[];
  /** Number of groups. */
  total!: number;
}
