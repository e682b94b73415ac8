import type { AuditEvent } from '../../generated/prisma/client';
import type { AuditActorKind, AuditEventResponseDto } from './dto/audit-event.dto';

export function toAuditEventResponse(row: AuditEvent): AuditEventResponseDto {
  return {
    audit_event_id: row.id,
    organization_id: row.organizationId,
    actor_kind: row.actorKind as AuditActorKind,
    actor_id: row.actorId,
    actor_roles: row.actorRoles,
    action: row.action,
    resource_type: row.resourceType,
    resource_id: row.resourceId,
    summary: row.summary as Record<string, unknown>,
    request_id: row.requestId,
    client_ip: row.clientIp,
    created_at: row.createdAt.toISOString(),
  };
}
