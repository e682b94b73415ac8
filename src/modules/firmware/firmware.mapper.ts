import type { Firmware } from '../../generated/prisma/client';
import type { FirmwareResponseDto } from './dto/firmware.dto';
import type { UpdateType } from './dto/firmware-metadata.dto';

/** The public view of a firmware row: never its storage key. */
export function toFirmwareResponse(row: Firmware, publicBaseUrl: string): FirmwareResponseDto {
  return {
    firmware_id: row.firmwareId,
    name: row.name,
    version: row.version,
    description: row.description,
    device_model: row.deviceModel,
    manufacturer: row.manufacturer,
    min_hardware_version: row.minHardwareVersion,
    max_hardware_version: row.maxHardwareVersion,
    file_name: row.fileName,
    file_size: Number(row.fileSize),
    file_url: `${publicBaseUrl}/api/v1/firmware/${row.firmwareId}/download`,
    checksum_md5: row.checksumMd5,
    checksum_sha256: row.checksumSha256,
    tags: row.tags,
    metadata: row.metadata as Record<string, unknown>,
    is_beta: row.isBeta,
    is_security_update: row.isSecurityUpdate,
    changelog: row.changelog,
    update_type: row.updateType as UpdateType,
    signature: row.signature,
    signing_key_id: row.signingKeyId,
    signature_verified: row.signatureVerified,
    download_count: row.downloadCount,
    // Computed from finished device updates once those exist; none have finished yet.
    success_rate: null,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    created_by: row.createdBy,
  };
}
