/** Shapes of the API for component tests (not used by the pages themselves). */
import type { Firmware } from './upload-request';

export const FIRMWARE_ID = 'f'.repeat(32);

export function firmwareWith(over: Partial<Firmware>): Firmware {
  return {
    firmware_id: FIRMWARE_ID, name: 'Frame', version: '2.1.0', description: null, update_type: 'firmware', device_model: 'SF-1', manufacturer: null,
    min_hardware_version: null, max_hardware_version: null, file_name: 'frame-2.1.0.bin', file_size: 3 * 1024 * 1024, file_url: `/api/v1/firmware/${FIRMWARE_ID}/download`,
    checksum_md5: 'b'.repeat(32), checksum_sha256: 'a'.repeat(64), tags: [], metadata: {}, is_beta: false, is_security_update: false, changelog: null,
    signature: null, signing_key_id: null, signature_verified: false, download_count: 0, success_rate: null,
    created_at: '2026-02-10T09:00:00.000Z', updated_at: '2026-02-10T09:00:00.000Z', created_by: 'uploader',
    ...over,
  };
}
