import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { LRUCache } from 'lru-cache';
import { growingLru } from '../../common/cache/growing-lru';
import { APP_CONFIG, type AppConfig } from '../../config';
import { DEVICE_LIMITS } from './device-input';
import { DevicesRepository, type LastSeenEntry } from './devices.repository';
import { LastSeenHook, type LastSeenListener } from './last-seen-hook';

/** A flush starts as soon as this many devices are waiting, whatever the interval. */
export const LAST_SEEN_FLUSH_THRESHOLD = 5_000;

/** What a device's row held when this replica last flushed it: the time (ms), which only moves forward, and the version. */
interface StoredSeen {
  seenAtMs: number;
  firmwareVersion: string | null;
}

export interface SeenReport {
  /** The firmware version the device reported, if it did. */
  firmwareVersion?: string;
  seenAt: Date;
}

/**
 * Records when devices were last seen (and the firmware they reported) without a database write
 * per request: reports are kept in memory, one per device (the latest wins), and written in a few
 * batched statements every `LAST_SEEN_FLUSH_MS`, when {@link LAST_SEEN_FLUSH_THRESHOLD} devices wait, and
 * when the application shuts down. A failed write keeps its entries for the next one; a written
 * batch goes to the {@link LastSeenHook} listeners (health confirmations). A device's
 * row is rewritten only when its time moved by `LAST_SEEN_RESOLUTION_SECONDS` or its version
 * changed, so a fleet polling faster than that mostly costs index probes, not row writes.
 *
 * Not even those, mostly: each flush learns what the rows of its devices hold (written or not),
 * and this replica remembers that for `LAST_SEEN_CACHE_SIZE` devices (least recently flushed
 * out). A later flush leaves out any device the database would skip anyway: seen less than the
 * resolution after the remembered time, with no version or the remembered one. The stored time
 * never moves back, so such a device is skipped by the database whatever other replicas wrote
 * since; only a version that another replica wrote over the remembered one within those seconds,
 * or a device deleted and registered again, is written up to a resolution later than it would be.
 * Listeners get every device, left out or not.
 */
@Injectable()
export class LastSeenBuffer implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('LastSeen');
  private pending = new Map<string, LastSeenEntry>();
  private flushing: Promise<number> | null = null;
  private timer: NodeJS.Timeout | undefined;
  private listeners: LastSeenListener[] = [];
  /** What recently flushed devices' rows held as of their flush, by the keys of {@link pending}. */
  private readonly stored: LRUCache<string, StoredSeen> | null;

  constructor(
    private readonly repository: DevicesRepository,
    private readonly discovery: DiscoveryService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    const size = config.devices.lastSeenCacheSize;
    this.stored = size === 0 ? null : growingLru<string, StoredSeen>(size);
  }

  onModuleInit(): void {
    this.listeners = this.discovery.getProviders({ metadataKey: LastSeenHook.KEY }).map((wrapper) => wrapper.instance as LastSeenListener);
    // unref: a pending flush must not keep a finished process alive; shutdown flushes anyway.
    this.timer = setInterval(() => void this.flushQuietly(), this.config.devices.lastSeenFlushMs).unref();
  }

  /**
   * Flushes on shutdown. This runs in `onModuleDestroy`, before the database module disconnects
   * in its own (modules are destroyed dependents first), so the last reports reach the database.
   */
  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.flushQuietly();
  }

  /** Devices waiting to be written. */
  get size(): number {
    return this.pending.size;
  }

  record(organizationId: string, deviceId: string, report: SeenReport): void {
    // A version the column cannot hold would fail every flush of the batch; it is not kept.
    const version = report.firmwareVersion;
    const firmwareVersion =
      version !== undefined && version.length > 0 && version.length <= DEVICE_LIMITS.versionMaxLength && !version.includes('\u0000') ? version : null;
    const key = keyOf(organizationId, deviceId);
    const existing = this.pending.get(key);
    if (existing === undefined) {
      this.pending.set(key, { organizationId, deviceId, seenAt: report.seenAt, firmwareVersion });
    } else {
      mergeInto(existing, report.seenAt, firmwareVersion);
    }
    if (this.pending.size >= LAST_SEEN_FLUSH_THRESHOLD && this.flushing === null) void this.flushQuietly();
  }

  /**
   * Writes everything recorded so far (waiting for a flush already under way first) and returns
   * how many devices' reports it flushed (written, or within the resolution of the stored ones).
   * @throws the database error when the write fails; the entries are then kept for the next flush.
   */
  async flush(): Promise<number> {
    while (this.flushing !== null) await this.flushing.catch(() => undefined);
    if (this.pending.size === 0) return 0;
    const batch = this.pending;
    this.pending = new Map();
    const write = this.write(batch);
    this.flushing = write;
    try {
      return await write;
    } finally {
      this.flushing = null;
    }
  }

  private async write(batch: Map<string, LastSeenEntry>): Promise<number> {
    const entries: LastSeenEntry[] = [];
    const due: LastSeenEntry[] = [];
    for (const [key, entry] of batch) {
      entries.push(entry);
      if (!this.storedAlready(key, entry)) due.push(entry);
    }
    try {
      const rows = due.length === 0 ? [] : await this.repository.recordLastSeen(due, this.config.devices.lastSeenResolutionSeconds);
      for (const { entry, seenAtMs, firmwareVersion } of rows) {
        if (seenAtMs !== null) this.stored?.set(keyOf(entry.organizationId, entry.deviceId), { seenAtMs, firmwareVersion });
      }
    } catch (error) {
      // Put the entries back under whatever arrived meanwhile, so nothing reported is lost.
      for (const [key, entry] of batch) {
        const newer = this.pending.get(key);
        if (newer === undefined) this.pending.set(key, entry);
        else mergeInto(newer, entry.seenAt, entry.firmwareVersion, true);
      }
      throw error;
    }
    await this.notify(entries);
    return batch.size;
  }

  /** Whether the database would skip the entry: within the resolution of the remembered stored time, no other version. */
  private storedAlready(key: string, entry: LastSeenEntry): boolean {
    const stored = this.stored?.get(key);
    return (
      stored !== undefined &&
      entry.seenAt.getTime() < stored.seenAtMs + this.config.devices.lastSeenResolutionSeconds * 1000 &&
      (entry.firmwareVersion === null || entry.firmwareVersion === stored.firmwareVersion)
    );
  }

  /** The {@link LastSeenHook} listeners, after the write; a failing one is logged, the others still run. */
  private async notify(entries: readonly LastSeenEntry[]): Promise<void> {
    for (const listener of this.listeners) {
      try {
        await listener.onSeen(entries);
      } catch (error) {
        this.logger.error(`A last-seen listener failed on ${entries.length} devices: ${(error as Error).message}`);
      }
    }
  }

  private async flushQuietly(): Promise<void> {
    try {
      await this.flush();
    } catch (error) {
      this.logger.error(`Writing last-seen times failed; ${this.pending.size} devices kept for the next try: ${(error as Error).message}`);
    }
  }
}

function keyOf(organizationId: string, deviceId: string): string {
  return `${organizationId}\u0000${deviceId}`;
}

/**
 * Combines a report into the entry of the same device: the later time wins, and so does its
 * version (on equal times, the report recorded last); a version is never replaced by none.
 */
function mergeInto(entry: LastSeenEntry, seenAt: Date, firmwareVersion: string | null, recordedEarlier = false): void {
  const difference = seenAt.getTime() - entry.seenAt.getTime();
  const wins = recordedEarlier ? difference > 0 : difference >= 0;
  if (wins) {
    entry.seenAt = seenAt;
    if (firmwareVersion !== null) entry.firmwareVersion = firmwareVersion;
  } else if (entry.firmwareVersion === null) {
    entry.firmwareVersion = firmwareVersion;
  }
}
