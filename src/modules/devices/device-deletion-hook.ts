import { DiscoveryService } from '@nestjs/core';
import type { TransactionClient } from '../../database/prisma.service';

/**
 * Something that must follow a device's deletion (its unfinished updates are cancelled, say). The
 * modules that own such rows provide one, decorated with {@link DeviceDeletionHook}; deleting a
 * device calls every one of them inside the delete's transaction, so this module needs to know
 * none of them and a failing hook undoes the delete.
 */
export interface DeviceDeletionListener {
  onDeviceDeleted(organizationId: string, deviceId: string, tx: TransactionClient): Promise<void>;
}

export const DeviceDeletionHook = DiscoveryService.createDecorator<void>();
