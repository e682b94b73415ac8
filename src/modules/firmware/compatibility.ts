import { firmwareVersionKey, hardwareVersionKey } from '../../common/versions/version-key';

/**
 * The one definition of "this firmware may go on this device" and "the device already runs it".
 * Single and bulk updates check a device here; target selection (preview and campaigns) builds
 * its SQL from {@link hardwareBounds} and {@link firmwareVersionKey} by the same rules, so a
 * device the preview selects is never one an update then refuses.
 */
export interface CompatibilityDevice {
  deviceModel: string | null;
  hardwareVersion: string | null;
}

export interface CompatibilityFirmware {
  device_model: string;
  min_hardware_version: string | null;
  max_hardware_version: string | null;
}

/**
 * A hardware bound of a firmware, compared by `hardwareVersionKey`. `key` is null for a bound
 * that holds no number ("n/a"): it cannot be checked, so it admits no device.
 */
export interface HardwareBound {
  text: string;
  key: Buffer | null;
}

/** The firmware's hardware bounds; a missing or blank bound (`""`, spaces) is no bound. */
export function hardwareBounds(firmware: CompatibilityFirmware): { min: HardwareBound | null; max: HardwareBound | null } {
  return { min: bound(firmware.min_hardware_version), max: bound(firmware.max_hardware_version) };
}

function bound(text: string | null): HardwareBound | null {
  if (text === null || text.trim() === '') return null;
  return { text, key: hardwareVersionKey(text) };
}

/**
 * Why `firmware` cannot go on `device`, or null when it can: the model must be the firmware's,
 * and the hardware within its bounds. Hardware with no readable version is outside any bound,
 * and a bound that cannot be read admits nothing: installing on unknown hardware is the one
 * mistake to avoid.
 */
export function incompatibility(device: CompatibilityDevice, firmware: CompatibilityFirmware): string | null {
  if (device.deviceModel !== firmware.device_model) {
    return `Firmware is for model ${firmware.device_model}, the device is ${device.deviceModel ?? 'of no known model'}`;
  }
  const { min, max } = hardwareBounds(firmware);
  const deviceKey = hardwareVersionKey(device.hardwareVersion);
  const checks: [HardwareBound | null, 1 | -1, string][] = [
    [min, 1, 'at least'],
    [max, -1, 'at most'],
  ];
  for (const [limit, sign, words] of checks) {
    if (limit === null) continue;
    if (limit.key === null || deviceKey === null || Buffer.compare(deviceKey, limit.key) * sign < 0) {
      return `Firmware needs hardware ${words} ${limit.text}, the device has ${device.hardwareVersion ?? 'no known hardware version'}`;
    }
  }
  return null;
}

/**
 * The device already runs `target`: equal semver precedence when both are semver (`v1.2.3` and
 * `1.2.3+build` are 1.2.3), else the same text.
 */
export function isSameVersion(installed: string | null, target: string): boolean {
  if (installed === null) return false;
  const a = firmwareVersionKey(installed);
  const b = firmwareVersionKey(target);
  return a !== null && b !== null ? a.equals(b) : installed === target;
}
