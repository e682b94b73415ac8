/**
 * Devices per firmware version for the dashboard chart. The fleet statistics count *updates* per
 * target version, not devices, and no endpoint groups devices by version; so the dashboard counts
 * with `GET /devices?firmware_version=<exact version>&limit=1` (its `total`), one call per version
 * worth showing, instead of paging through the whole fleet.
 */

export interface VersionBar {
  version: string;
  devices: number;
}

/** Label of the bar for devices on a version not counted one by one (or reporting none). */
export const OTHER_VERSIONS = 'Other or unknown';

// An exact semver version (a leading `v` or `=` accepted, as node-semver does): only those can be
// counted with the `firmware_version` range filter; other text never matches a range.
const SEMVER = /^[v=]?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

/** The version as a range that matches exactly it, or undefined when it is not semver. */
export function exactRangeOf(version: string): string | undefined {
  const match = SEMVER.exec(version.trim());
  if (!match) return undefined;
  const [, major, minor, patch, prerelease] = match;
  // Build metadata does not take part in semver comparison, so it is left out of the range.
  return `${major}.${minor}.${patch}${prerelease ? `-${prerelease}` : ''}`;
}

/** Semver order (prerelease before release; identifiers numerically when both are numbers); text last, by name. */
export function compareVersions(a: string, b: string): number {
  const left = SEMVER.exec(a);
  const right = SEMVER.exec(b);
  if (!left || !right) return left ? -1 : right ? 1 : a.localeCompare(b);
  for (let part = 1; part <= 3; part += 1) {
    const difference = Number(left[part]) - Number(right[part]);
    if (difference !== 0) return difference;
  }
  return comparePrerelease(left[4], right[4]);
}

function comparePrerelease(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  const left = a.split('.');
  const right = b.split('.');
  for (let i = 0; i < Math.max(left.length, right.length); i += 1) {
    const x = left[i];
    const y = right[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const numeric = /^\d+$/.test(x) && /^\d+$/.test(y);
    const difference = numeric ? Number(x) - Number(y) : x.localeCompare(y);
    if (difference !== 0) return difference;
  }
  return 0;
}

/**
 * The versions to count one by one: the commonest among a sample of devices first, then those of
 * uploaded firmware; exact semver only, each once, at most `max` (one API call each).
 */
export function versionsToCount(deviceVersions: (string | null)[], firmwareVersions: string[], max = 12): string[] {
  const frequency = new Map<string, number>();
  for (const version of deviceVersions) {
    const range = version === null ? undefined : exactRangeOf(version);
    if (range !== undefined) frequency.set(range, (frequency.get(range) ?? 0) + 1);
  }
  const fromDevices = [...frequency.entries()].sort((a, b) => b[1] - a[1]).map(([version]) => version);
  const fromFirmware = firmwareVersions.map(exactRangeOf).filter((range): range is string => range !== undefined);
  return [...new Set([...fromDevices, ...fromFirmware])].slice(0, max);
}

/** Exact counts from a list that holds the whole fleet (a small fleet fits in one page). */
export function countVersions(deviceVersions: (string | null)[]): VersionBar[] {
  const counts = new Map<string, number>();
  for (const version of deviceVersions) {
    const key = version ?? OTHER_VERSIONS;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return orderBars([...counts.entries()].map(([version, devices]) => ({ version, devices })));
}

/**
 * Bars from per-version counts and the fleet's size: versions without devices are left out and
 * the devices on no counted version make one last bar.
 */
export function versionBars(counts: VersionBar[], totalDevices: number): VersionBar[] {
  const counted = counts.filter((bar) => bar.devices > 0);
  const rest = totalDevices - counted.reduce((sum, bar) => sum + bar.devices, 0);
  return orderBars(rest > 0 ? [...counted, { version: OTHER_VERSIONS, devices: rest }] : counted);
}

/** Versions in semver order, the catch-all bar last. */
function orderBars(bars: VersionBar[]): VersionBar[] {
  return [...bars].sort((a, b) => {
    if (a.version === OTHER_VERSIONS || b.version === OTHER_VERSIONS) return a.version === OTHER_VERSIONS ? 1 : -1;
    return compareVersions(a.version, b.version);
  });
}

/** uPlot's columns: x is the bar's position (its label comes from `bars`), y the device count. */
export function chartColumns(bars: VersionBar[]): [number[], number[]] {
  return [bars.map((_, index) => index), bars.map((bar) => bar.devices)];
}
