import { Inject, Injectable, Logger } from '@nestjs/common';
import { isIdentifier, ORGANIZATION_ID_MAX_LENGTH } from '../../common/auth/principal';
import { APP_CONFIG, type AppConfig } from '../../config';
import { PrismaService } from '../../database/prisma.service';
import { DEVICE_LIMITS } from '../devices/device-input';
import { InboundEventHandler, type InboundEventListener } from '../events/inbound-events';
import { UpdatesService } from '../updates/updates.service';

export const DEVICE_DELETED_SUBJECT = 'device_service.device.deleted';

/**
 * The platform's device service deleted a device: its unfinished updates here are cancelled (in
 * one transaction, as a local deletion does; no command is sent, the device is gone).
 *
 * The organization is `data.organization_id` (or the envelope's `organization_id`). A message
 * without one is taken as the default organization's (`DEFAULT_ORGANIZATION_ID`): a device
 * service that does not send organizations is a single-tenant deployment, the one the remote
 * directory serves under that organization too. Never across organizations: device ids are only
 * unique within one, so a bare id must not cancel another tenant's device.
 *
 * Idempotent (a second message finds nothing unfinished); a malformed message is logged and dropped.
 */
@Injectable()
@InboundEventHandler(DEVICE_DELETED_SUBJECT)
export class DeviceDeletedSubscriber implements InboundEventListener {
  private readonly logger = new Logger('DeviceDeletedSubscriber');

  constructor(
    private readonly prisma: PrismaService,
    private readonly updates: UpdatesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onInboundEvent(event: unknown): Promise<void> {
    const parsed = parseDeviceDeleted(event, this.config.auth.defaultOrganizationId);
    if (parsed === null) {
      this.logger.warn(`Dropped a malformed ${DEVICE_DELETED_SUBJECT} message: ${truncate(JSON.stringify(event))}`);
      return;
    }
    await this.prisma.$transaction((tx) => this.updates.cancelForDeletedDevice(parsed.organizationId, parsed.deviceId, tx));
    this.logger.log(`Device ${JSON.stringify(parsed.deviceId)} of ${parsed.organizationId} was deleted by the device service; its unfinished updates are cancelled`);
  }
}

/** `{device_id, organization_id?}` from the envelope's `data` (or a bare object); null when malformed. */
export function parseDeviceDeleted(event: unknown, defaultOrganizationId: string): { organizationId: string; deviceId: string } | null {
  if (typeof event !== 'object' || event === null) return null;
  const envelope = event as Record<string, unknown>;
  const data = typeof envelope.data === 'object' && envelope.data !== null ? (envelope.data as Record<string, unknown>) : envelope;
  const deviceId = data.device_id;
  const organizationId = data.organization_id ?? envelope.organization_id ?? defaultOrganizationId;
  if (!isIdentifier(deviceId, DEVICE_LIMITS.deviceIdMaxLength) || !isIdentifier(organizationId, ORGANIZATION_ID_MAX_LENGTH)) return null;
  return { organizationId, deviceId };
}

function truncate(text: string | undefined): string {
  return text === undefined ? 'undefined' : text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
