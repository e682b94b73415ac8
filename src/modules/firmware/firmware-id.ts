import { createHash } from 'node:crypto';

/**
 * The original service's firmware id: the first 32 hex characters of SHA-256 of
 * `"<name>:<version>:<device_model>"`, so a re-upload of the same image has the same id.
 */
export function firmwareIdOf(name: string, version: string, deviceModel: string): string {
  return createHash('sha256').update(`${name}:${version}:${deviceModel}`).digest('hex').slice(0, 32);
}
