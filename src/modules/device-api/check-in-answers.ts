import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { LRUCache } from 'lru-cache';
import { growingLru } from '../../common/cache/growing-lru';
import { APP_CONFIG, type AppConfig } from '../../config';
import { DatabaseNotifications } from '../../database/database-notifications';
import type { NotificationListener } from '../../database/notification-listener';

/** Channel of the `device_updates` triggers (migration `check_in_notifications`). */
export const CHECK_IN_CHANNEL = 'ota_check_in';

/** A check-in answer this replica handed out, as sent. */
export interface RememberedAnswer {
  json: string;
  etag: string;
  /** Whether it offers an update (for the check-in metrics). */
  offersUpdate: boolean;
}

/** The last answer handed to a device, or (answer null) a note that its answer changed. */
interface Remembered {
  answer: RememberedAnswer | null;
  /** The {@link CheckInAnswers.ticket} its read was taken under, or the invalidation's. */
  ticket: number;
  /** When the answer's download link moves to the next window (ms since the epoch). */
  validUntil: number;
}

/** What the triggers send: some devices of an organization, all of it, or everything. */
interface Invalidation {
  o?: string;
  d?: string[];
  all?: boolean;
}

/**
 * The check-in answers this replica last handed out, so a device whose answer has not changed
 * gets it (or a 304 for its ETag) from memory instead of a read: a fleet's check-ins are mostly
 * that.
 *
 * Kept right by PostgreSQL rather than by the code paths that write: triggers on
 * `device_updates` notify every replica of the devices whose answers a committed statement may
 * have changed, whichever path or replica wrote it. An answer is served from memory only after a
 * barrier on the listening connection (`NotificationListener.barrier`), which PostgreSQL answers
 * after every notification committed before it, so it is exactly as fresh as a read. An answer
 * with an update is kept only until its download link's window ends.
 *
 * Stale fills are refused by tickets: a check-in takes one before its read and may remember its
 * answer only if no invalidation of its device, its organization or everything has arrived since.
 * While the listener is not listening nothing is remembered or served from here; when it
 * (re)connects everything is dropped, since notifications may have been missed in between.
 * Bounded by `CHECK_IN_ANSWER_CACHE_SIZE` devices (least recently used out, about 150 bytes each
 * without an update, 1 KB with one); the rest simply get their read.
 */
@Injectable()
export class CheckInAnswers implements OnModuleInit {
  private readonly entries: LRUCache<string, Remembered> | null;
  private readonly organizationTickets = new Map<string, number>();
  private sequence = 0;
  /** Fills under older tickets are refused: everything was dropped then, or a change note was evicted. */
  private floor = 0;
  private listener: NotificationListener | null = null;

  constructor(
    private readonly notifications: DatabaseNotifications,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    const max = config.updates.checkInAnswerCacheSize;
    this.entries =
      max === 0
        ? null
        : growingLru<string, Remembered>(max, {
            dispose: (remembered, _key, reason) => {
              if (reason === 'evict' && remembered.answer === null) this.floor = Math.max(this.floor, remembered.ticket);
            },
          });
  }

  onModuleInit(): void {
    if (this.entries === null) return;
    this.listener = this.notifications.listen(CHECK_IN_CHANNEL, {
      notification: (payload) => this.invalidate(payload),
      reset: () => this.dropAll(),
    });
  }

  /** True while answers can come from here (the listener is listening). */
  get active(): boolean {
    return this.listener?.listening ?? false;
  }

  /** Taken before a check-in's read; hand it to {@link remember} with the read's ETag. */
  ticket(): number {
    return this.sequence;
  }

  /** Remembers an answer read under `ticket`, unless its device's answer changed since. */
  remember(organizationId: string, deviceId: string, answer: RememberedAnswer, ticket: number, validUntil: number): void {
    if (this.entries === null || !this.active || ticket < this.floor || (this.organizationTickets.get(organizationId) ?? 0) > ticket) return;
    const key = keyOf(organizationId, deviceId);
    const known = this.entries.peek(key);
    if (known !== undefined && known.ticket > ticket) return;
    this.entries.set(key, { answer, ticket, validUntil });
  }

  /**
   * The device's current answer when it is known without a read: remembered, not changed by
   * anything committed before this call (checked after the barrier), its link window open.
   */
  async current(organizationId: string, deviceId: string): Promise<RememberedAnswer | null> {
    if (this.fresh(organizationId, deviceId) === null) return null;
    try {
      await this.listener?.barrier();
    } catch {
      return null;
    }
    return this.fresh(organizationId, deviceId);
  }

  private fresh(organizationId: string, deviceId: string): RememberedAnswer | null {
    if (this.entries === null || !this.active) return null;
    const known = this.entries.get(keyOf(organizationId, deviceId));
    const current =
      known !== undefined &&
      known.ticket >= this.floor &&
      known.ticket >= (this.organizationTickets.get(organizationId) ?? 0) &&
      Date.now() < known.validUntil;
    return current ? known.answer : null;
  }

  private invalidate(payload: string): void {
    const entries = this.entries;
    if (entries === null) return;
    const invalidation = parseInvalidation(payload);
    const ticket = ++this.sequence;
    if (invalidation === null || invalidation.all === true || typeof invalidation.o !== 'string') {
      this.dropAll();
    } else if (Array.isArray(invalidation.d)) {
      for (const deviceId of invalidation.d) entries.set(keyOf(invalidation.o, deviceId), { answer: null, ticket, validUntil: 0 });
    } else {
      this.organizationTickets.set(invalidation.o, ticket);
    }
  }

  private dropAll(): void {
    this.floor = ++this.sequence;
    this.organizationTickets.clear();
    this.entries?.clear();
  }
}

function keyOf(organizationId: string, deviceId: string): string {
  return `${organizationId}\u0000${deviceId}`;
}

/** The trigger's payload, or null when it is not one (then everything is dropped, to be safe). */
function parseInvalidation(payload: string): Invalidation | null {
  try {
    const value: unknown = JSON.parse(payload);
    return typeof value === 'object' && value !== null ? (value as Invalidation) : null;
  } catch {
    return null;
  }
}
