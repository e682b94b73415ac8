import type { OtaClient } from '../../../../clients/typescript';
import { unwrap } from '../../api/errors';
import { countVersions, versionBars, versionsToCount, type VersionBar } from './version-counts';

// The largest page the API gives: a fleet this size or smaller is counted from one page.
const SAMPLE_SIZE = 200;

export interface FleetVersions {
  bars: VersionBar[];
  totalDevices: number;
  /** True when the fleet was too large to list: the commonest versions were counted one by one and the rest grouped. */
  groupedRest: boolean;
}

/**
 * Devices per firmware version in at most 2 + 12 calls whatever the fleet's size: one page of
 * devices (the whole fleet when it is small; a sample of its versions otherwise), the firmware
 * list (the versions that can be rolled out), then a count per version.
 */
export async function loadVersionBars(client: OtaClient, signal: AbortSignal): Promise<FleetVersions> {
  const [sample, firmware] = await Promise.all([
    unwrap(client.GET('/api/v1/devices', { params: { query: { limit: SAMPLE_SIZE } }, signal })),
    unwrap(client.GET('/api/v1/firmware', { params: { query: { limit: SAMPLE_SIZE } }, signal })),
  ]);
  const sampleVersions = sample.devices.map((device) => device.firmware_version);
  if (sample.total <= sample.devices.length) {
    return { bars: countVersions(sampleVersions), totalDevices: sample.total, groupedRest: false };
  }
  const versions = versionsToCount(sampleVersions, firmware.firmware.map((item) => item.version));
  const counts = await Promise.all(
    versions.map(async (version) => {
      const page = await unwrap(client.GET('/api/v1/devices', { params: { query: { firmware_version: version, limit: 1 } }, signal }));
      return { version, devices: page.total };
    }),
  );
  return { bars: versionBars(counts, sample.total), totalDevices: sample.total, groupedRest: true };
}
