import { hash, randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Principal } from '../../common/auth/principal';
import { VerifiedCredentialCache } from '../../common/auth/verified-credential-cache';
import { NotFoundError, UnauthenticatedError } from '../../common/errors/domain-error';
import { ErrorCode } from '../../common/errors/error-codes';
import { listEnvelope } from '../../common/http/pagination.dto';
import { PrismaService } from '../../database/prisma.service';
import type { AuditContext } from '../audit/audit-context';
import { AuditService } from '../audit/audit.service';
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
 * Revocation takes effect at once on the replica that revokes (lookups in flight included),
 * within this delay on the others.
 */
export const API_KEY_CACHE_TTL_MS = 30_000;
const API_KEY_CACHE_MAX = 10_000;

export interface NewApiKeyInput {
  organizationId: string;
  name: string;
  role: ApiKeyRole;
  expiresAt?: Date;
}

@Injectable()
export class ApiKeysService {
  private readonly lastUseRecorded = new Map<string, number>();
  /** Verified keys by hash (see VerifiedCredentialCache: unknown keys are never cached). */
  private readonly verified = new VerifiedCredentialCache({ max: API_KEY_CACHE_MAX, ttlMs: API_KEY_CACHE_TTL_MS });

  constructor(
    private readonly prisma: PrismaService,
    private readonly repository: ApiKeysRepository,
    private readonly auditLog: AuditService,
  ) {}

  /**
   * Creates a key, made by `audit`'s caller, and returns it with its secret, which is not stored
   * (nor audited) and cannot be shown again.
   */
  async create(input: NewApiKeyInput, audit: AuditContext): Promise<CreatedApiKeyResponseDto> {
    const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    const row = await this.prisma.$transaction(async (tx) => {
      const created = await this.repository.create(
        {
          id: randomUUID(),
          organizationId: input.organizationId,
          name: input.name,
          role: input.role,
          prefix: key.slice(0, SHOWN_PREFIX_LENGTH),
          keyHash: hashKey(key),
          createdBy: audit.principal.id,
          expiresAt: input.expiresAt ?? null,
        },
        tx,
      );
      await this.auditLog.record(tx, audit, {
        organizationId: created.organizationId,
        action: 'api_key.created',
        resourceType: 'api_key',
        resourceId: created.id,
        summary: { name: created.name, role: created.role, prefix: created.prefix, expires_at: created.expiresAt },
      });
      return created;
    });
    return { ...toApiKeyResponse(row), key };
  }

  /**
   * Resolves an `X-API-Key` to its caller.
   * @throws UnauthenticatedError when the key is unknown, revoked or expired.
   */
  async authenticate(key: string): Promise<Principal> {
    const now = new Date();
    if (!key.startsWith(KEY_PREFIX)) throw invalidApiKey();
    const keyHash = hashKey(key);
    const principal = await this.verified.resolve(keyHash, async () => {
      const row = await this.repository.findUsableByHash(keyHash, now);
      if (!row) return null;
      // An expiring key leaves the cache no later than it expires.
      const ttlMs = row.expiresAt === null ? undefined : Math.min(API_KEY_CACHE_TTL_MS, row.expiresAt.getTime() - now.getTime());
      return {
        principal: { kind: 'api_key', id: row.id, organizationId: row.organizationId, roles: [row.role as ApiKeyRole], expiresAt: row.expiresAt ?? undefined },
        ttlMs,
      };
    });
    if (!principal) throw invalidApiKey();
    await this.recordUse(principal.id, now);
    return principal;
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
  async revoke(id: string, organizationId: string, audit: AuditContext): Promise<ApiKeyResponseDto> {
    const existing = await this.repository.findInOrganization(id, organizationId);
    if (!existing) throw new NotFoundError(ErrorCode.ApiKeyNotFound, `API key ${id} not found`);
    const revoked = await this.prisma.$transaction(async (tx) => {
      const row = await this.repository.revoke(id, new Date(), tx);
      // Revoking a revoked key changes nothing, so it is not a write to audit.
      if (existing.revokedAt === null) {
        await this.auditLog.record(tx, audit, { organizationId, action: 'api_key.revoked', resourceType: 'api_key', resourceId: id, summary: { name: existing.name, role: existing.role } });
      }
      return row;
    });
    // After the write, so a lookup that starts later reads the revocation.
    this.verified.invalidate(existing.keyHash);
    return toApiKeyResponse(revoked);
  }

  private async recordUse(id: string, now: Date): Promise<void> {
    const last = this.lastUseRecorded.get(id);
    if (last !== undefined && now.getTime() - last < LAST_USED_RESOLUTION_MS) return;
    this.lastUseRecorded.set(id, now.getTime());
    await this.repository.touchLastUsed(id, now);
  }
}

function invalidApiKey(): UnauthenticatedError {
  return new UnauthenticatedError(ErrorCode.InvalidApiKey, 'Invalid, revoked or expired API key');
}

/** Keys carry 256 random bits, so a fast hash is enough: there is nothing to brute-force. */
function hashKey(key: string): string {
  return hash('sha256', key, 'hex');
}
