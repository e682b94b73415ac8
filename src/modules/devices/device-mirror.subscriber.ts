import { Inject, Injectable, Logger } from '@nestjs/common';
import type { FieldError } from '../../common/errors/domain-error';
import { APP_CONFIG, type AppConfig } from '../../config';
import { InboundEventHandler, type InboundEventListener } from '../events/inbound-events';
import { describeErrors, readDeviceRecord } from './device-input';
import { messageExcerpt, readDeviceServiceMessage } from './device-service-message';
import { DevicesService } from './devices.service';

export const DEVICE_CREATED_SUBJECT = 'device_service.device.created';
export const DEVICE_UPDATED_SUBJECT = 'device_service.device.updated';
export const DEVICE_DELETED_SUBJECT = 'device_service.device.deleted';

/**
 * Keeps the registry (`ota.devices`) a mirror of the platform's device service from its events,
 * so that target groups and filters, which select from the registry, see the platform's devices
 * when explicit ids are looked up remotely (`DEVICE_SERVICE_URL`). It listens whenever `NATS_URL`
 * is set, with the built-in registry too: a device service that announces devices is their owner.
 *
 * Core NATS (see NatsInboundSubscriber): a message published while this service is disconnected
 * is missed, and messages on different subjects (or taken by different replicas) are not ordered
 * against each other, so a row can lag behind the device service until its next message about
 * the device. Every handler is idempotent, and a malformed message is logged and dropped.
 */
@Injectable()
export class DeviceMirror {
  private readonly logger = new Logger('DeviceMirror');

  constructor(
    private readonly devices: DevicesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * `created` or `updated`: the device is created, or its given fields are updated, with the
   * registry's own input rules (`POST /devices`). Fields the message leaves out (or sends as null)
   * keep their stored value; a new device gets no token.
   */
  async upsert(event: unknown, subject: string): Promise<void> {
    const message = readDeviceServiceMessage(event, this.config.auth.defaultOrganizationId);
    const errors: FieldError[] = [];
    const record = message && readDeviceRecord(message.data, errors);
    if (!message || !record) {
      const problems = errors.length > 0 ? describeErrors(errors) : 'no usable device_id or organization_id';
      this.logger.warn(`Dropped a malformed ${subject} message (${problems}): ${messageExcerpt(event)}`);
      return;
    }
    const { created } = await this.devices.mirror(message.organizationId, record);
    this.logger.debug(`Device ${JSON.stringify(record.device_id)} of ${message.organizationId} ${created ? 'created' : 'updated'} from ${subject}`);
  }

  /**
   * `deleted`: the device's unfinished updates are cancelled and its mirrored row, if any, is
   * deleted, in one transaction, as a deletion here does but without our own `device.deleted`
   * (see DevicesService.deleteMirrored). No command is sent: the device is gone.
   */
  async delete(event: unknown, subject: string): Promise<void> {
    const message = readDeviceServiceMessage(event, this.config.auth.defaultOrganizationId);
    if (!message) {
      this.logger.warn(`Dropped a malformed ${subject} message (no usable device_id or organization_id): ${messageExcerpt(event)}`);
      return;
    }
    const held = await this.devices.deleteMirrored(message.organizationId, message.deviceId);
    this.logger.log(
      `Device ${JSON.stringify(message.deviceId)} of ${message.organizationId} was deleted by the device service; ` +
        `its unfinished updates are cancelled${held ? ' and its registry row deleted' : ''}`,
    );
  }
}

// One provider per subject (the decorator names one), all handled by the DeviceMirror.

@Injectable()
@InboundEventHandler(DEVICE_CREATED_SUBJECT)
export class DeviceCreatedSubscriber implements InboundEventListener {
  constructor(private readonly mirror: DeviceMirror) {}

  onInboundEvent(event: unknown, subject: string): Promise<void> {
    return this.mirror.upsert(event, subject);
  }
}

@Injectable()
@InboundEventHandler(DEVICE_UPDATED_SUBJECT)
export class DeviceUpdatedSubscriber implements InboundEventListener {
  constructor(private readonly mirror: DeviceMirror) {}

  onInboundEvent(event: unknown, subject: string): Promise<void> {
    return this.mirror.upsert(event, subject);
  }
}

@Injectable()
@InboundEventHandler(DEVICE_DELETED_SUBJECT)
export class DeviceDeletedSubscriber implements InboundEventListener {
  constructor(private readonly mirror: DeviceMirror) {}

  onInboundEvent(event: unknown, subject: string): Promise<void> {
    return this.mirror.delete(event, subject);
  }
}
