import { DiscoveryService } from '@nestjs/core';
import type { TransactionClient } from '../../database/prisma.service';

/**
 * Something that can hold on to a firmware while it works (an update not yet finished, a
 * campaign not yet terminal). The modules that own those rows provide one, decorated with
 * {@link FirmwareUsageCheck}; deleting a firmware asks every one of them, inside the delete's
 * transaction, so this module needs to know none of them.
 */
export interface FirmwareUsage {
  /** A short description of what still uses the firmware (e.g. "3 active updates"), or null. */
  describeActiveUse(organizationId: string, firmwareId: string, tx: TransactionClient): Promise<string | null>;
}

export const FirmwareUsageCheck = DiscoveryService.createDecorator<void>();
