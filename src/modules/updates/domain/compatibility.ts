import { firmwareVersionKey, hardwareVersionKey } from '../../../common/versions/version-key';

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
 * Why `firmware` cannot go on `device`, or null when it can: the model must be the firmware's,
 * and the hardware within its bounds compared by `hardwareVersionKey` (the rules of campaign
 * target resolution). Hardware with no readable version is outside any bound, and a bound that
 * cannot be read admits nothing: installing on unknown hardware is the one mistake to avoid.
 */
export function incompatibility(device: CompatibilityDevice, firmware: CompatibilityFirmware): string | null {
  if (device.deviceModel !== firmware.device_model) {
    return `Firmware is for model ${firmware.device_model}, the device is ${device.deviceModel ?? 'of no known model'}`;
  }
  const bounds: [string | null, 1 | -1, string][] = [
    [firmware.min_hardware_version, 1, 'at least'],
    [firmware.max_hardware_version, -1, 'at most'],
  ];
  for (const [bound, sign, words] of bounds) {
    if (bound === null) continue;
    const boundKey = hardwareVersionKey(bound);
    const deviceKey = hardwareVersionKey(device.hardwareVersion);
    if (boundKey === null || deviceKey === null || Buffer.compare(deviceKey, boundKey) * sign < 0) {
      return `Firmware needs hardware ${words} ${bound}, the device has ${device.hardwareVersion ?? 'no known hardware version'}`;
    }
  }
  return null;
}

/** The device already runs `target`: equal as semver when both are semver, else as text. */
export function isSameVersion(installed: string | null, target: string): boolean {
  if (installed === null) return false;
  const a = firmwareVersionKey(installed);
  const b = firmwareVersionKey(target);
  return a !== null && b !== null ? a.equals(b) : installed.trim() === target.trim();
}
