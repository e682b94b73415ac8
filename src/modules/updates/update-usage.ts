import { Injectable } from '@nestjs/common';
import type { TransactionClient } from '../../database/prisma.service';
import { DeviceDeletionHook, type DeviceDeletionListener } from '../devices/device-deletion-hook';
import { type FirmwareUsage, FirmwareUsageCheck } from '../firmware/firmware-usage';
import { UpdatesService } from './updates.service';

/** A firmware cannot be deleted while an unfinished update installs it. */
@Injectable()
@FirmwareUsageCheck()
export class UpdatesFirmwareUsage implements FirmwareUsage {
  constructor(private readonly updates: UpdatesService) {}

  describeActiveUse(organizationId: string, firmwareId: string, tx: TransactionClient): Promise<string | null> {
    return this.updates.describeFirmwareUse(organizationId, firmwareId, tx);
  }
}

/** A deleted device's unfinished updates are cancelled in the delete's transaction. */
@Injectable()
@DeviceDeletionHook()
export class UpdatesDeviceDeletion implements DeviceDeletionListener {
  constructor(private readonly updates: UpdatesService) {}

  onDeviceDeleted(organizationId: string, deviceId: string, tx: TransactionClient): Promise<void> {
    return this.updates.cancelForDeletedDevice(organizationId, deviceId, tx);
  }
}
