import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { EventStream } from '../../common/http/event-stream';
import { CampaignStatsService } from './campaign-stats.service';
import { toTimelineEntry } from './campaign.mapper';
import { type CampaignKey, CampaignsRepository } from './campaigns.repository';
import { CampaignsService } from './campaigns.service';

/** How often a watched campaign is read: at most one counts message a second. */
export const POLL_INTERVAL_MS = 1000;
/** A comment this often keeps proxies and load balancers from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;
/** Timeline rows read per poll; a client further behind catches up over the next polls. */
const ROWS_PER_POLL = 500;
/** A client that leaves this much unread is closed; it reconnects with `Last-Event-ID` and loses nothing. */
const MAX_PENDING_BYTES = 1024 * 1024;

interface Watcher {
  stream: EventStream;
  /** The id of the last transition it was sent. */
  cursor: bigint;
  /** The last counts it was sent, as JSON. */
  counts: string | null;
  lastWriteAt: number;
}

/** One campaign's poller on this replica, shared by its watchers. */
interface Feed {
  key: CampaignKey;
  watchers: Set<Watcher>;
  timer: NodeJS.Timeout;
  polling: boolean;
}

/**
 * Live progress of campaigns as Server-Sent Events, read from the database so that a transition
 * made by any replica reaches the watchers on every replica. Each watched campaign has one poller
 * per replica, started with its first watcher and stopped with its last; each second it sends
 * each watcher the timeline rows after the one it saw last (`event: transition`, `id:` the row's
 * id) and the campaign's stats when they changed for it (`event: counts`). Nobody watching costs
 * nothing.
 */
@Injectable()
export class CampaignEventsStream implements OnModuleDestroy {
  private readonly logger = new Logger('CampaignEventsStream');
  private readonly feeds = new Map<string, Feed>();

  constructor(
    private readonly campaigns: CampaignsService,
    private readonly repository: CampaignsRepository,
    private readonly stats: CampaignStatsService,
  ) {}

  /**
   * Streams the campaign's transitions to the stream `open` starts: those after `lastEventId`
   * (the whole timeline without one), then each new one, and its counts.
   * @throws NotFoundError `campaign/not_found`, before the stream is opened.
   */
  async watch(organizationId: string, campaignId: string, lastEventId: string | undefined, open: () => EventStream): Promise<void> {
    await this.campaigns.require(organizationId, campaignId);
    const stream = open();
    const watcher: Watcher = { stream, cursor: cursorOf(lastEventId), counts: null, lastWriteAt: Date.now() };
    const feed = this.feedOf({ organizationId, campaignId });
    feed.watchers.add(watcher);
    stream.onClose(() => this.leave(feed, watcher));
    // The newcomer's backlog and counts now rather than at the next tick.
    void this.poll(feed);
  }

  /** Campaigns this replica polls now (for tests and diagnostics). */
  get watchedCampaigns(): number {
    return this.feeds.size;
  }

  onModuleDestroy(): void {
    // Open streams would keep the HTTP server from closing; clients reconnect to another replica.
    for (const feed of [...this.feeds.values()]) for (const watcher of [...feed.watchers]) watcher.stream.close();
  }

  private feedOf(key: CampaignKey): Feed {
    const id = feedId(key);
    let feed = this.feeds.get(id);
    if (feed === undefined) {
      const created: Feed = { key, watchers: new Set(), timer: setInterval(() => void this.poll(created), POLL_INTERVAL_MS), polling: false };
      this.feeds.set(id, (feed = created));
    }
    return feed;
  }

  private leave(feed: Feed, watcher: Watcher): void {
    feed.watchers.delete(watcher);
    if (feed.watchers.size > 0) return;
    clearInterval(feed.timer);
    if (this.feeds.get(feedId(feed.key)) === feed) this.feeds.delete(feedId(feed.key));
  }

  /** One read for all the feed's watchers; skipped while the previous one runs. */
  private async poll(feed: Feed): Promise<void> {
    if (feed.polling || feed.watchers.size === 0) return;
    feed.polling = true;
    try {
      let from: bigint | null = null;
      for (const watcher of feed.watchers) if (from === null || watcher.cursor < from) from = watcher.cursor;
      const [rows, stats] = await Promise.all([
        this.repository.eventsAfter(feed.key, from ?? 0n, ROWS_PER_POLL),
        this.stats.stats(feed.key.organizationId, feed.key.campaignId),
      ]);
      const counts = JSON.stringify(stats);
      const now = Date.now();
      for (const watcher of feed.watchers) {
        for (const row of rows) {
          if (row.id <= watcher.cursor) continue;
          watcher.stream.send('transition', { campaign_id: feed.key.campaignId, ...toTimelineEntry(row) }, row.id.toString());
          watcher.cursor = row.id;
          watcher.lastWriteAt = now;
        }
        if (watcher.counts !== counts) {
          watcher.stream.send('counts', stats);
          watcher.counts = counts;
          watcher.lastWriteAt = now;
        }
        if (now - watcher.lastWriteAt >= HEARTBEAT_MS) {
          watcher.stream.comment('heartbeat');
          watcher.lastWriteAt = now;
        }
        if (watcher.stream.pendingBytes > MAX_PENDING_BYTES) watcher.stream.close();
      }
    } catch (error) {
      // A database hiccup: the watchers stay, and the next poll picks up where this one stopped.
      this.logger.warn(`Polling campaign ${feed.key.campaignId} for its watchers failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      feed.polling = false;
    }
  }
}

function feedId(key: CampaignKey): string {
  return `${key.organizationId}\u0000${key.campaignId}`;
}

/** The row id a client resumes after; anything but a row id starts from the beginning. */
function cursorOf(lastEventId: string | undefined): bigint {
  return lastEventId !== undefined && /^\d{1,18}$/.test(lastEventId.trim()) ? BigInt(lastEventId.trim()) : 0n;
}
