import type { LRUCache } from 'lru-cache';
import { growingLru } from '../cache/growing-lru';
import { copyOfPrincipal, type Principal } from './principal';

/** What a lookup of a credential found: its caller, and how long it may be cached at most. */
export interface VerifiedCredential {
  principal: Principal;
  ttlMs?: number;
}

export interface VerifiedCredentialCacheOptions {
  ttlMs: number;
  max: number;
}

/**
 * A positive cache of verified credentials, keyed by a hash of the secret, so a caller that
 * repeats a request costs no database read. Unknown credentials are never cached: a new one works
 * at once, and a wrong one cannot fill it.
 *
 * Invalidation (revocation, rotation, deletion) must win over lookups already in flight: a
 * lookup that read the credential as valid just before it was revoked must not cache it after
 * the revocation, or the revoked credential keeps working until the entry expires. So every
 * invalidation bumps a generation, and a lookup's result is cached only if no invalidation
 * happened while it ran. The generation is one for the whole cache, not per key, because a
 * device's token is invalidated by device before the lookup knows which device a token belongs
 * to; a lookup racing an unrelated invalidation merely goes uncached.
 *
 * Callers invalidate after their change is committed: a lookup that starts later reads it.
 */
export class VerifiedCredentialCache {
  private readonly cache: LRUCache<string, Principal>;
  private generation = 0;

  constructor(options: VerifiedCredentialCacheOptions) {
    this.cache = growingLru<string, Principal>(options.max, {
      ttl: options.ttlMs,
      dispose: (principal, key) => this.removed(key, principal),
    });
  }

  /** The cached caller for this key (a copy), if any. */
  get(key: string): Principal | undefined {
    const principal = this.cache.get(key);
    return principal && copyOfPrincipal(principal);
  }

  /**
   * The caller for this key: from the cache, or else from `lookup`, whose finding is cached
   * unless an invalidation happened while it ran. Null when `lookup` finds nothing.
   */
  async resolve(key: string, lookup: () => Promise<VerifiedCredential | null>): Promise<Principal | null> {
    const cached = this.get(key);
    if (cached) return cached;
    const startedAt = this.generation;
    const found = await lookup();
    if (!found) return null;
    if (startedAt === this.generation) this.store(key, found);
    return copyOfPrincipal(found.principal);
  }

  /** Forgets the key, and keeps lookups in flight from caching what they read before. */
  invalidate(key: string | undefined): void {
    this.generation += 1;
    if (key !== undefined) this.cache.delete(key);
  }

  get size(): number {
    return this.cache.size;
  }

  protected store(key: string, { principal, ttlMs }: VerifiedCredential): void {
    if (ttlMs === undefined) this.cache.set(key, principal);
    // A TTL of 0 would mean "never expires" to the LRU; a credential that expires now is not kept.
    else if (ttlMs > 0) this.cache.set(key, principal, { ttl: ttlMs });
  }

  /** Drops an entry that is superseded, not invalidated: lookups in flight may still cache theirs. */
  protected drop(key: string): void {
    this.cache.delete(key);
  }

  /** Called whenever an entry leaves the cache (expiry, eviction, replacement, deletion). */
  protected removed(_key: string, _principal: Principal): void {}
}
