import { hash, randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { copyOfPrincipal, type Principal } from '../../common/auth/principal';
import { NotFoundError, UnauthenticatedError } from '../../common/errors/domain-error';
import { ErrorCode } from '../../common/errors/error-codes';
import { listEnvelope } from '../../common/http/pagination.dto';
import { toApiKeyResponse } from './api-key.mapper';
import { ApiKeysRepository } from './api-keys.repository';
import type {
  ApiKeyListResponseDto,
  ApiKeyResponseDto,
  ApiKeyRole,
  CreatedApiKeyResponseDto,
  ListApiKeysQueryDto,
} from './dto/api-key.dto';

const KEY_PREFIX = 'ota_';
const SHOWN_PREFIX_LENGTH = 12;
/** Recording every use would put a write on every request; once a minute is precise enough. */
const LAST_USED_RESOLUTION_MS = 60_000;
/**
 * How long a verified key is accepted without reading the database again: a gateway key signs
 * every check-in of its fleet, so a read per request would double the hot path's queries.
 * Revocation takes effect at once on the replica that revokes, within this delay on the others.
 */
export const API_KEY_CACHE_TTL_MS = 30_000;
const API_KEY_CACHE_MAX = 10_000;

export interface NewApiKeyInput {
  organizationId: string;
  name: string;
  role: ApiKeyRole;
  createdBy: string;
  expiresAt?: Date;
}

@Injectable()
export class ApiKeysService {
  private readonly lastUseRecorded = new Map<string, number>();
  /** Verified keys by hash; unknown keys are never cached, so a wrong key cannot fill it. */
  private readonly verified = new LRUCache<string, Principal>({ max: API_KEY_CACHE_MAX, ttl: API_KEY_CACHE_TTL_MS });

  constructor(private readonly repository: ApiKeysRepository) {}

  /** Creates a key and returns it with its secret, which is not stored and cannot be shown again. */
  async create(input: NewApiKeyInput): Promise<CreatedApiKeyResponseDto> {
    const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    const row = await this.repository.create({
      id: randomUUID(),
      organizationId: input.organizationId,
      name: input.name,
      role: input.role,
      prefix: key.slice(0, SHOWN_PREFIX_LENGTH),
      keyHash: hashKey(key),
      createdBy: input.createdBy,
      expiresAt: input.expiresAt ?? null,
    });
    return { ...toApiKeyResponse(row), key };
  }

  /**
   * Resolves an `X-API-Key` to its caller.
   * @throws UnauthenticatedError when the key is unknown, revoked or expired.
   */
  async authenticate(key: string): Promise<Principal> {
    const now = new Date();
    const keyHash = hashKey(key);
    const cached = this.verified.get(keyHash);
    if (cached) {
      await this.recordUse(cached.id, now);
      return copyOfPrincipal(cached);
    }
    const row = key.startsWith(KEY_PREFIX) ? await this.repository.findUsableByHash(keyHash, now) : null;
    if (!row) throw new UnauthenticatedError(ErrorCode.InvalidApiKey, 'Invalid, revoked or expired API key');
    await this.recordUse(row.id, now);
    const principal: Principal = { kind: 'api_key', id: row.id, organizationId: row.organizationId, roles: [row.role as ApiKeyRole] };
    // An expiring key leaves the cache no later than it expires.
    const ttl = row.expiresAt === null ? API_KEY_CACHE_TTL_MS : Math.min(API_KEY_CACHE_TTL_MS, row.expiresAt.getTime() - now.getTime());
    this.verified.set(keyHash, principal, { ttl });
    return copyOfPrincipal(principal);
  }

  async list(organizationId: string, query: ListApiKeysQueryDto): Promise<ApiKeyListResponseDto> {
    const page = await this.repository.pageInOrganization(organizationId, query.include_revoked, query.limit, query.offset);
    return listEnvelope('api_keys', { items: page.items.map(toApiKeyResponse), total: page.total }, query, {
      include_revoked: query.include_revoked,
    });
  }

  /**
   * Revokes a key of the caller's organization; revoking twice is harmless.
   * @throws NotFoundError when the organization has no such key.
   */
  async revoke(id: string, organizationId: string): Promise<ApiKeyResponseDto> {
    const existing = await this.repository.findInOrganization(id, organizationId);
    if (!existing) throw new NotFoundError(ErrorCode.ApiKeyNotFound, `API key ${id} not found`);
    this.verified.delete(existing.keyHash);
    return toApiKeyResponse(await this.repository.revoke(id, new Date()));
  }

  private async recordUse(id: string, now: Date): Promise<void> {
    const last = this.lastUseRecorded.get(id);
    if (last !== undefined && now.getTime() - last < LAST_USED_RESOLUTION_MS) return;
    this.lastUseRecorded.set(id, now.getTime());
    await this.repository.touchLastUsed(id, now);
  }
}

/** Keys carry 256 random bits, so a fast hash is enough: there is nothing to brute-force. */
function hashKey(key: string): string {
  return hash('sha256', key, 'hex');
}
