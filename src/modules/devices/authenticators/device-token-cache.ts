import type { Principal } from '../../../common/auth/principal';
import { type VerifiedCredential, VerifiedCredentialCache } from '../../../common/auth/verified-credential-cache';

/** How long a device token, once verified, is accepted without reading the database again. */
export const DEVICE_TOKEN_CACHE_TTL_MS = 30_000;
/** Devices remembered at once; the least recently seen are dropped first. */
export const DEVICE_TOKEN_CACHE_MAX = 100_000;

/**
 * Verified device tokens, keyed by token hash, so a polling device costs no database read to
 * authenticate (the check-in hot path keeps a single read). See {@link VerifiedCredentialCache}.
 *
 * Rotation and deletion evict the device's entry on this replica at once, lookups in flight
 * included. Other replicas keep accepting the old token until their entry expires, at most
 * {@link DEVICE_TOKEN_CACHE_TTL_MS}: the price of not reading the database per request (see the
 * README, "Device credentials").
 */
export class DeviceTokenCache extends VerifiedCredentialCache {
  /** The cached token hash of each device, to evict by device. */
  private readonly byDevice = new Map<string, string>();

  constructor(ttlMs = DEVICE_TOKEN_CACHE_TTL_MS, max = DEVICE_TOKEN_CACHE_MAX) {
    super({ ttlMs, max });
  }

  /** Forgets the device's token (rotated or deleted), whether it is cached yet or only being looked up. */
  evictDevice(organizationId: string, deviceId: string): void {
    this.invalidate(this.byDevice.get(deviceKey(organizationId, deviceId)));
  }

  /** One token per device: a new token of the device replaces the old one. */
  protected override store(tokenHash: string, credential: VerifiedCredential): void {
    const key = deviceKey(credential.principal.organizationId ?? '', credential.principal.id);
    const previous = this.byDevice.get(key);
    if (previous !== undefined && previous !== tokenHash) this.drop(previous);
    super.store(tokenHash, credential);
    this.byDevice.set(key, tokenHash);
  }

  /** Keeps the device → token index in step with whatever leaves the cache (expiry, eviction). */
  protected override removed(tokenHash: string, principal: Principal): void {
    const key = deviceKey(principal.organizationId ?? '', principal.id);
    if (this.byDevice.get(key) === tokenHash) this.byDevice.delete(key);
  }
}

function deviceKey(organizationId: string, deviceId: string): string {
  return `${organizationId}\u0000${deviceId}`;
}
