/**
 * What the rest of the service needs to know about one device, whoever keeps the device list: the
 * built-in registry, or a platform device service (see `device-directory.providers.ts`).
 */
export interface DirectoryDevice {
  deviceId: string;
  deviceType: string | null;
  deviceModel: string | null;
  manufacturer: string | null;
  hardwareVersion: string | null;
  firmwareVersion: string | null;
}

export interface DeviceDirectory {
  /** `registry` (the built-in registry) or `remote` (a platform device service). */
  readonly mode: 'registry' | 'remote';

  /**
   * The device, or null when it does not exist in the organization. Throws a
   * `DependencyUnavailableError` (503, `device_directory/unavailable`) when the directory cannot
   * answer: callers must never act on a guess.
   */
  find(organizationId: string, deviceId: string): Promise<DirectoryDevice | null>;

  /** The devices among `deviceIds` that exist, by id; fails like {@link find} when the directory cannot answer. */
  findMany(organizationId: string, deviceIds: readonly string[]): Promise<Map<string, DirectoryDevice>>;
}

export const DEVICE_DIRECTORY = Symbol('DEVICE_DIRECTORY');
