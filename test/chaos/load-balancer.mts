/**
 * The load balancer in front of the service's instances, as a deployment has one: round robin,
 * and a request that finds its instance gone (connection refused or reset, as when the instance
 * was killed) or answered 502/503/504 (the database stalled) is sent again to the next instance
 * after a short back-off, for up to `retryWindowMs`; what it saw is counted. Anything else,
 * a 500 included, is passed to the client as is. The simulated devices, like most device
 * firmware, give up an update on an unexpected error; a real fleet sits behind such a balancer.
 *
 * A repeat is safe for the service: a device report of the state the update is already in
 * only refreshes its progress, and a check-in or a download reads.
 */
import { Agent, createServer, request, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import { once } from 'node:events';

const RETRYABLE_STATUS = new Set([502, 503, 504]);
const HOP_BY_HOP = ['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'upgrade'];

export interface LoadBalancerFigures {
  requests: number;
  /** Attempts sent again, by why: an error code (ECONNREFUSED...) or a status (503...). */
  retries: Map<string, number>;
  /** Answers of 500 or above passed to the client (never retried), by status. */
  serverErrors: Map<number, number>;
  /** Requests that found no instance within the retry window. */
  gaveUp: number;
}

export class LoadBalancer {
  readonly figures: LoadBalancerFigures = { requests: 0, retries: new Map(), serverErrors: new Map(), gaveUp: 0 };
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 128 });
  private next = 0;

  readonly port: number;
  private readonly server: Server;

  private constructor(server: Server, port: number) {
    this.server = server;
    this.port = port;
  }

  /** Listens on `port` and spreads requests over the instances listening on `ports`. */
  static async start(port: number, ports: readonly number[], retryWindowMs: number): Promise<LoadBalancer> {
    let balancer: LoadBalancer | undefined;
    const server = createServer((req, res) => {
      void balancer?.handle(req, res, ports, retryWindowMs).catch(() => res.destroy());
    });
    balancer = new LoadBalancer(server, port);
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    return balancer;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
    this.agent.destroy();
  }

  private async handle(req: IncomingMessage, res: import('node:http').ServerResponse, ports: readonly number[], retryWindowMs: number): Promise<void> {
    this.figures.requests++;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const headers = withoutHopByHop(req.headers);
    if (body.length > 0) headers['content-length'] = String(body.length);
    const deadline = Date.now() + retryWindowMs;
    for (let attempt = 0; ; attempt++) {
      const port = ports[this.next++ % ports.length];
      let why: string;
      try {
        const upstream = await send(this.agent, port, req.method ?? 'GET', req.url ?? '/', headers, body);
        const status = upstream.statusCode ?? 502;
        if (!RETRYABLE_STATUS.has(status) || Date.now() >= deadline) {
          if (status >= 500) this.figures.serverErrors.set(status, (this.figures.serverErrors.get(status) ?? 0) + 1);
          res.writeHead(status, withoutHopByHop(upstream.headers));
          // The instance died mid-answer: the client sees the connection break, as it would.
          upstream.once('error', () => res.destroy());
          upstream.pipe(res);
          return;
        }
        upstream.resume();
        why = String(status);
      } catch (error) {
        why = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
        if (Date.now() >= deadline) {
          this.figures.gaveUp++;
          res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ detail: `no instance answered: ${why}`, code: 'load_balancer/unavailable' }));
          return;
        }
      }
      this.figures.retries.set(why, (this.figures.retries.get(why) ?? 0) + 1);
      await new Promise((done) => setTimeout(done, Math.min(2_000, 50 * 2 ** Math.min(attempt, 6))));
    }
  }
}

function withoutHopByHop(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const kept: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !HOP_BY_HOP.includes(name)) kept[name] = value;
  return kept;
}

function send(agent: Agent, port: number, method: string, path: string, headers: Record<string, string | string[]>, body: Buffer): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const upstream = request({ agent, host: '127.0.0.1', port, method, path, headers }, resolve);
    upstream.once('error', reject);
    upstream.end(body);
  });
}
