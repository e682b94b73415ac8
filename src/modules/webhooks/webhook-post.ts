import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { hostOf, isPrivateAddress, PrivateAddressError, publicOnlyLookup } from './webhook-address';

export interface WebhookPost {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  /** WEBHOOK_ALLOW_PRIVATE: skip the address check. */
  allowPrivate: boolean;
}

/**
 * POSTs one webhook and answers the receiver's status code; redirects are not followed (a 3xx is
 * an answer like any other). `node:http` rather than `fetch`: only it lets the address check run
 * on the connection (see `publicOnlyLookup`). Rejects with {@link PrivateAddressError} for a
 * private address, or with the network error or timeout.
 */
export function postWebhook(post: WebhookPost): Promise<number> {
  const url = new URL(post.url);
  const host = hostOf(url);
  // A literal address is connected to without a lookup, so it is checked here.
  if (!post.allowPrivate && isPrivateAddress(host)) return Promise.reject(new PrivateAddressError());
  const options: RequestOptions = {
    method: 'POST',
    headers: { ...post.headers, 'content-length': String(Buffer.byteLength(post.body)) },
    signal: AbortSignal.timeout(post.timeoutMs),
    agent: false,
    ...(post.allowPrivate ? {} : { lookup: publicOnlyLookup }),
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<number>((resolve, reject) => {
    const request = send(url, options, (response) => {
      // The body is not kept; it is read so the exchange completes within the timeout.
      response.resume();
      response.once('end', () => resolve(response.statusCode ?? 0));
      response.once('error', reject);
    });
    request.once('error', reject);
    request.end(post.body);
  });
}
