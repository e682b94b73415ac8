import type { ApiKey } from '../../generated/prisma/client';
import type { ApiKeyResponseDto, ApiKeyRole } from './dto/api-key.dto';

/** The public view of a key: never its hash. */
export function toApiKeyResponse(key: ApiKey): ApiKeyResponseDto {
  return {
    id: key.id,
    name: key.name,
    role: key.role as ApiKeyRole,
    organization_id: key.organizationId,
    prefix: key.prefix,
    created_by: key.createdBy,
    created_at: key.createdAt.toISOString(),
    expires_at: key.expiresAt?.toISOString() ?? null,
    last_used_at: key.lastUsedAt?.toISOString() ?? null,
    revoked_at: key.revokedAt?.toISOString() ?? null,
  };
}
