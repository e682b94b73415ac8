import { isIdentifier, ORGANIZATION_ID_MAX_LENGTH } from '../../common/auth/principal';
import { isDeviceId } from './device-input';

/** A `device_service.device.*` message: which device of which organization, and what it says. */
export interface DeviceServiceMessage {
  organizationId: string;
  deviceId: string;
  /** The envelope's `data` (or the bare object): `device_id` and whatever else it carries. */
  data: Record<string, unknown>;
}

/**
 * Reads a message of the platform's device service: the envelope `{id, type, source, data, ...}`
 * or a bare object. The organization is `data.organization_id`, else the envelope's
 * `organization_id`, else `defaultOrganizationId`: a device service that sends no organizations
 * is a single-tenant deployment, the one the remote directory serves under that organization too.
 * Never across organizations: device ids are only unique within one, so a bare id must not touch
 * another tenant's device. Null when there is no usable device id or organization.
 */
export function readDeviceServiceMessage(event: unknown, defaultOrganizationId: string): DeviceServiceMessage | null {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return null;
  const envelope = event as Record<string, unknown>;
  const data =
    typeof envelope.data === 'object' && envelope.data !== null && !Array.isArray(envelope.data) ? (envelope.data as Record<string, unknown>) : envelope;
  const deviceId = data.device_id;
  const organizationId = data.organization_id ?? envelope.organization_id ?? defaultOrganizationId;
  if (!isDeviceId(deviceId) || !isIdentifier(organizationId, ORGANIZATION_ID_MAX_LENGTH)) return null;
  return { organizationId, deviceId, data };
}

/** A message for the log: its JSON, cut at 200 characters. */
export function messageExcerpt(event: unknown): string {
  const text = JSON.stringify(event);
  return text === undefined ? 'undefined' : text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
