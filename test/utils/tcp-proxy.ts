import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';

/**
 * A TCP forwarder on loopback standing between the app and a dependency (NATS, PostgreSQL), so a
 * test can take the dependency away, or make it stop answering, and give it back without touching
 * the real server.
 */
export interface TcpProxy {
  /** `host:port` the app should connect to. */
  readonly address: string;
  readonly port: number;
  /** Connections accepted since the proxy started, whether forwarded or not. */
  readonly accepted: number;
  /** Client connections currently open through the proxy. */
  readonly open: number;
  /** Closes every open connection and stops listening, so new connections are refused. */
  cut(): Promise<void>;
  /** Listens again on the same port and forwards as before. */
  restore(): Promise<void>;
  /**
   * Stops forwarding bytes either way while every connection stays open and new ones are still
   * accepted: a server that stopped answering (a stopped process, a black-holed network).
   */
  stall(): void;
  /** Forwards again, including whatever was held back while stalled. */
  resume(): void;
  /**
   * Stops forwarding, for good, on the connections open now, while new ones are forwarded: what a
   * firewall or NAT that silently forgot its connections does to them.
   */
  blackHoleOpenConnections(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  const clients = new Set<Socket>();
  const pairs = new Set<{ client: Socket; upstream: Socket }>();
  let stalled = false;
  let accepted = 0;
  let server: Server | undefined;
  let port = 0;

  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // A reset from either side is expected when the proxy is cut; it must not crash the test.
    socket.on('error', () => socket.destroy());
  };

  const listen = async (): Promise<void> => {
    const next = createServer((client) => {
      accepted++;
      const upstream = tcpConnect({ host: target.host, port: target.port });
      track(client);
      track(upstream);
      clients.add(client);
      const pair = { client, upstream };
      pairs.add(pair);
      client.on('close', () => {
        clients.delete(client);
        pairs.delete(pair);
      });
      if (!stalled) forward(pair);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => {
        next.off('error', reject);
        resolve();
      });
    });
    server = next;
    port = (next.address() as { port: number }).port;
  };

  const forward = ({ client, upstream }: { client: Socket; upstream: Socket }): void => {
    client.pipe(upstream);
    upstream.pipe(client);
  };
  const hold = ({ client, upstream }: { client: Socket; upstream: Socket }): void => {
    client.unpipe(upstream);
    upstream.unpipe(client);
    // Unpiped streams would otherwise keep flowing (and drop what they read) once resumed.
    client.pause();
    upstream.pause();
  };

  const stop = async (): Promise<void> => {
    const current = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    if (current) await new Promise<void>((resolve) => current.close(() => resolve()));
  };

  await listen();
  return {
    get address() {
      return `127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    get accepted() {
      return accepted;
    },
    get open() {
      return clients.size;
    },
    cut: stop,
    stall: () => {
      stalled = true;
      for (const pair of pairs) hold(pair);
    },
    resume: () => {
      stalled = false;
      for (const pair of pairs) forward(pair);
    },
    blackHoleOpenConnections: () => {
      for (const pair of pairs) hold(pair);
      pairs.clear();
    },
    restore: async () => {
      if (!server) await listen();
    },
    close: stop,
  };
}
