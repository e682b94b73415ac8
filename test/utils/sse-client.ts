/** One Server-Sent Events message as a client sees it. */
export interface SseMessage {
  event: string;
  id: string | undefined;
  data: any;
}

/** An open `text/event-stream` read by `fetch`, its messages collected as they arrive. */
export interface SseClient {
  status: number;
  headers: Headers;
  readonly messages: SseMessage[];
  /** Comment lines received (`: heartbeat`), without the colon. */
  readonly comments: string[];
  /** Resolves when the server ended the stream. */
  readonly ended: Promise<void>;
  close(): void;
}

/**
 * Opens `url` with `headers` and parses what arrives (event, id, JSON data; comments apart) in
 * the background. A non-2xx answer is read whole and is in `body` instead.
 */
export async function openSse(url: string, headers: Record<string, string>): Promise<SseClient & { body?: string }> {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const messages: SseMessage[] = [];
  const comments: string[] = [];
  if (!res.ok || res.body === null) {
    return { status: res.status, headers: res.headers, messages, comments, ended: Promise.resolve(), close: () => abort.abort(), body: await res.text() };
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const ended = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const message: Partial<SseMessage> & { lines: string[] } = { lines: [] };
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line.slice(1).trim());
            else if (line.startsWith('event: ')) message.event = line.slice(7);
            else if (line.startsWith('id: ')) message.id = line.slice(4);
            else if (line.startsWith('data: ')) message.lines.push(line.slice(6));
          }
          if (message.event !== undefined) messages.push({ event: message.event, id: message.id, data: JSON.parse(message.lines.join('\n')) });
        }
      }
    } catch {
      // Closed by the client, or the connection dropped: either way the stream ended.
    }
  })();
  return { status: res.status, headers: res.headers, messages, comments, ended, close: () => abort.abort() };
}
