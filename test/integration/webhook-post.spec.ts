import { PRIVATE_ADDRESS_REFUSED, PrivateAddressError } from '../../src/modules/webhooks/webhook-address';
import { postWebhook } from '../../src/modules/webhooks/webhook-post';
import { startHttpServer } from '../utils/http-server';

/** The webhook POST against a real receiver on loopback: the address check runs before any connection. */
describe('postWebhook', () => {
  let server: Awaited<ReturnType<typeof startHttpServer>>;
  const received: { method?: string; headers: Record<string, unknown>; body: string }[] = [];
  let answer = 200;

  beforeAll(async () => {
    server = await startHttpServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        received.push({ method: request.method, headers: request.headers, body });
        response.statusCode = answer;
        response.setHeader('location', 'http://127.0.0.1:1/elsewhere');
        response.end('ignored');
      });
    });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    received.length = 0;
    answer = 200;
  });

  const post = (url: string, allowPrivate: boolean) => postWebhook({ url, body: '{"a":1}', headers: { 'content-type': 'application/json', 'x-ota-event': 'campaign.started' }, timeoutMs: 5000, allowPrivate });
  const port = () => new URL(server.url).port;

  it('refuses a literal private address and a name that resolves to one, without connecting', async () => {
    await expect(post(`http://127.0.0.1:${port()}/hook`, false)).rejects.toThrow(PrivateAddressError);
    await expect(post(`http://localhost:${port()}/hook`, false)).rejects.toThrow(PRIVATE_ADDRESS_REFUSED);
    expect(received).toHaveLength(0);
  });

  it('POSTs the exact body with its headers when private addresses are allowed, and answers the status without following a redirect', async () => {
    expect(await post(`http://localhost:${port()}/hook`, true)).toBe(200);
    expect(received).toEqual([{ method: 'POST', headers: expect.objectContaining({ 'content-type': 'application/json', 'x-ota-event': 'campaign.started', 'content-length': '7' }), body: '{"a":1}' }]);
    answer = 302;
    expect(await post(`http://127.0.0.1:${port()}/hook`, true)).toBe(302);
    expect(received).toHaveLength(2);
  });

  it('gives up after the timeout', async () => {
    const silent = await startHttpServer(() => undefined);
    try {
      await expect(postWebhook({ url: `${silent.url}/hook`, body: '{}', headers: {}, timeoutMs: 200, allowPrivate: true })).rejects.toThrow(/abort|timeout/i);
    } finally {
      silent.server.closeAllConnections();
      await silent.close();
    }
  });
});
