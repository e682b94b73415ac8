import { LRUCache } from 'lru-cache';
import { copyOfPrincipal, type Principal } from '../../../common/auth/principal';

/** How long a device token, once verified, is accepted without reading the database again. */
export const DEVICE_TOKEN_CACHE_TTL_MS = 30_000;
/** Devices remembered at once; the least recently seen are dropped first. */
export const DEVICE_TOKEN_CACHE_MAX = 100_000;

/**
 * A positive cache of verified device tokens, keyed by token hash, so a polling device costs no
 * database read to authenticate (the check-in hot path keeps a single read). Unknown tokens are
 * never cached: a freshly registered device works at once, and a wrong token cannot fill it.
 *
 * Rotation and deletion evict the device's entry on this replica at once. Other replicas keep
 * accepting the old token until their entry expires, at most {@link DEVICE_TOKEN_CACHE_TTL_MS}:
 * the price of not reading the database per request (see the README, "Device credentials").
 */
export class DeviceTokenCache {
  private readonly byDevice = new Map<string, string>();
  private readonly cache: LRUCache<string, Principal>;

  constructor(ttlMs = DEVICE_TOKEN_CACHE_TTL_MS, max = DEVICE_TOKEN_CACHE_MAX) {
    this.cache = new LRUCache<string, Principal>({
      max,
      ttl: ttlMs,
      // Keeps the device → token index in step with whatever leaves the cache (expiry, eviction).
      dispose: (principal, tokenHash) => {
        const key = deviceKey(principal.organizationId ?? '', principal.id);
        if (this.byDevice.get(key) === tokenHash) this.byDevice.delete(key);
      },
    });
  }

  get(tokenHash: string): Principal | undefined {
    const principal = this.cache.get(tokenHash);
    return principal && copyOfPrincipal(principal);
  }

  set(tokenHash: string, principal: Principal): void {
    const key = deviceKey(principal.organizationId ?? '', principal.id);
    const previous = this.byDevice.get(key);
    if (previous !== undefined && previous !== tokenHash) this.cache.delete(previous);
    this.cache.set(tokenHash, principal);
    this.byDevice.set(key, tokenHash);
  }

  /** Forgets the device's token (rotated or deleted). */
  evictDevice(organizationId: string, deviceId: string): void {
    const tokenHash = this.byDevice.get(deviceKey(organizationId, deviceId));
    if (tokenHash !== undefined) this.cache.delete(tokenHash);
  }

  get size(): number {
    return this.cache.size;
  }
}

function deviceKey(organizationId: string, deviceId: string): string {
  return `${organizationId}\u0000${deviceId}`;
}
