import { afterEach, describe, expect, it, vi } from 'vitest';
import { type CampaignEvent, followCampaignEvents } from './campaign-events';

/** A response whose body streams `chunks` (split anywhere, as the network does) and then ends. */
function streamOf(chunks: string[]): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
  return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
}

afterEach(() => vi.unstubAllGlobals());

describe('followCampaignEvents', () => {
  it('parses counts and transitions split across chunks, and reconnects after the last transition it saw', async () => {
    const controller = new AbortController();
    const events: CampaignEvent[] = [];
    const requests: Headers[] = [];
    const fetchMock = vi.fn(async (_url: string, init: RequestInit) => {
      requests.push(new Headers(init.headers));
      if (requests.length === 1) {
        return streamOf([
          'event: counts\ndata: {"campaign_id":"c1","progress_percentage":0,',
          '"total_devices":3}\n\n: heartbeat\n\nevent: transi',
          'tion\nid: 41\ndata: {"campaign_id":"c1","event":"started","actor":"ada"}\n\n',
        ]);
      }
      controller.abort();
      return streamOf([]);
    });
    vi.stubGlobal('fetch', fetchMock);
    vi.useFakeTimers();
    const run = followCampaignEvents({ campaignId: 'c1', authorization: { authorization: 'Bearer t' }, onEvent: (e) => events.push(e), signal: controller.signal });
    await vi.runAllTimersAsync();
    await run;
    vi.useRealTimers();

    expect(events).toEqual([
      { type: 'counts', stats: { campaign_id: 'c1', progress_percentage: 0, total_devices: 3 } },
      { type: 'transition', entry: { campaign_id: 'c1', event: 'started', actor: 'ada' } },
    ]);
    expect(fetchMock.mock.calls[0]?.[0]).toBe('/api/v1/campaigns/c1/events');
    expect(requests[0]?.get('authorization')).toBe('Bearer t');
    expect(requests[0]?.get('last-event-id')).toBeNull();
    expect(requests[1]?.get('last-event-id')).toBe('41');
  });

  it('stops on a refusal that retrying cannot fix and hands over the API answer', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ detail: 'Campaign not found', code: 'campaign/not_found' }), { status: 404 })));
    const fatal = vi.fn();
    await followCampaignEvents({ campaignId: 'nope', authorization: {}, onEvent: () => undefined, onFatal: fatal, signal: new AbortController().signal });
    expect(fatal).toHaveBeenCalledWith(404, { detail: 'Campaign not found', code: 'campaign/not_found' });
  });
});
