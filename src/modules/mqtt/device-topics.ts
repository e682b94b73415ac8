/**
 * MQTT topics of the device protocol. A device id may hold any character but control characters,
 * while an MQTT topic level cannot hold `/` (it separates levels) and a topic name cannot hold the
 * wildcards `+` and `#`. Those three, and `%` itself so the encoding stays reversible, are
 * percent-encoded in the device id level (`a/b` → `a%2Fb`); every other id is used as is. Device
 * implementers apply the same rule to build their topics.
 */
export const TOPIC_ROOT = 'ota/v1/devices';

const ENCODED: Record<string, string> = { '%': '%25', '/': '%2F', '+': '%2B', '#': '%23' };
const DECODED: Record<string, string> = { '25': '%', '2F': '/', '2B': '+', '23': '#' };

/** The device id as one topic level. */
export function encodeDeviceId(deviceId: string): string {
  return deviceId.replace(/[%/+#]/g, (char) => ENCODED[char]);
}

/** The device id of an encoded topic level; undefined when the level is not a valid encoding. */
export function decodeDeviceId(level: string): string | undefined {
  if (level.length === 0 || /[/+#\u0000]/.test(level)) return undefined;
  let valid = true;
  const decoded = level.replace(/%(.{0,2})/g, (_, hex: string) => {
    const char = DECODED[hex.toUpperCase()];
    if (char === undefined) valid = false;
    return char ?? '';
  });
  return valid && decoded.length > 0 ? decoded : undefined;
}

/** Where the service sends a device its commands. */
export function commandTopic(deviceId: string): string {
  return `${TOPIC_ROOT}/${encodeDeviceId(deviceId)}/commands`;
}

/** Where a device publishes its status reports. */
export function statusTopic(deviceId: string): string {
  return `${TOPIC_ROOT}/${encodeDeviceId(deviceId)}/status`;
}

/** The filter matching every device's status reports. */
export const STATUS_TOPIC_FILTER = `${TOPIC_ROOT}/+/status`;

/** The device id a status topic belongs to; undefined for any other topic. */
export function deviceIdOfStatusTopic(topic: string): string | undefined {
  const prefix = `${TOPIC_ROOT}/`;
  const suffix = '/status';
  if (!topic.startsWith(prefix) || !topic.endsWith(suffix)) return undefined;
  return decodeDeviceId(topic.slice(prefix.length, topic.length - suffix.length));
}
