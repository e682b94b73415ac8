import { DiscoveryService } from '@nestjs/core';
import type { LastSeenEntry } from './devices.repository';

/**
 * Something that follows what devices reported when they were seen (the health confirmation of a
 * completed update, say). Providers decorated with {@link LastSeenHook} are given each batch the
 * {@link LastSeenBuffer} wrote, after it wrote it: one call per flush, never one per check-in, so
 * the hot path stays a map insert. A listener's failure is logged and does not undo the write.
 */
export interface LastSeenListener {
  onSeen(entries: readonly LastSeenEntry[]): Promise<void>;
}

export const LastSeenHook = DiscoveryService.createDecorator<void>();
