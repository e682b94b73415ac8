import { EventSourceParserStream } from 'eventsource-parser/stream';
import type { components } from '../../../clients/typescript';

export type CampaignStats = components['schemas']['CampaignStatsResponseDto'];
export type TimelineEntry = components['schemas']['CampaignTimelineEntryDto'] & { campaign_id: string };

export type CampaignEvent = { type: 'counts'; stats: CampaignStats } | { type: 'transition'; entry: TimelineEntry };

export interface CampaignEventsOptions {
  campaignId: string;
  authorization: Record<string, string>;
  onEvent: (event: CampaignEvent) => void;
  /** Connected (true) or lost and retrying (false). */
  onConnection?: (connected: boolean) => void;
  /** A refusal that retrying cannot fix (401, 403, 404), with the API's answer. */
  onFatal?: (status: number, body: unknown) => void;
  signal: AbortSignal;
}

const RETRY_MS = [1_000, 2_000, 5_000, 10_000];

/**
 * Follows `GET /campaigns/{id}/events`. EventSource cannot send an Authorization header, so this
 * reads the stream with fetch and parses it with eventsource-parser; after a drop it reconnects
 * with `Last-Event-ID`, so no transition is lost or repeated. Ends when `signal` aborts.
 */
export async function followCampaignEvents(options: CampaignEventsOptions): Promise<void> {
  const { campaignId, authorization, onEvent, onConnection, onFatal, signal } = options;
  let lastEventId: string | undefined;
  let failures = 0;
  while (!signal.aborted) {
    try {
      const response = await fetch(`/api/v1/campaigns/${encodeURIComponent(campaignId)}/events`, {
        headers: { ...authorization, accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
        signal,
      });
      if (!response.ok || response.body === null) {
        const body: unknown = await response.json().catch(() => undefined);
        if ([401, 403, 404].includes(response.status)) {
          onFatal?.(response.status, body);
          return;
        }
        throw new Error(`event stream answered ${response.status}`);
      }
      failures = 0;
      onConnection?.(true);
      const messages = response.body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream());
      for await (const message of messages) {
        if (message.event === 'counts') onEvent({ type: 'counts', stats: JSON.parse(message.data) as CampaignStats });
        else if (message.event === 'transition') {
          if (message.id) lastEventId = message.id;
          onEvent({ type: 'transition', entry: JSON.parse(message.data) as TimelineEntry });
        }
      }
    } catch {
      // A dropped connection or an unreadable message: reconnect below, unless the page left.
      if (signal.aborted) return;
    }
    // The stream ended (the credential expired, a replica went away) or failed: come back.
    onConnection?.(false);
    await pause(RETRY_MS[Math.min(failures++, RETRY_MS.length - 1)] ?? 10_000, signal);
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
  });
}
