import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import WebSocket, { Server as WebSocketServer } from 'ws';
import { AriConnection, AriState } from '../../apps/server/src/telephony/ari/ari-connection';

/** An HTTP server on loopback that accepts every request and never answers it (a wedged Asterisk). */
async function silentServer(): Promise<{ server: Server; url: string; requests: IncomingMessage[] }> {
  const requests: IncomingMessage[] = [];
  const server = createServer((request) => requests.push(request));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

describe('AriConnection against an ARI that accepts connections but never answers', () => {
  it('given no answer within the connect timeout, then the attempt is abandoned, reported down with the reason, and a fresh one starts', async () => {
    const { server, url, requests } = await silentServer();
    const warnings: Record<string, unknown>[] = [];
    const connection = new AriConnection(
      { url, username: 'u', password: 'p', app: 'alloparents', connectTimeoutMs: 300, backoffMs: () => 50 },
      { info: () => undefined, warn: (fields) => warnings.push(fields) },
    );
    const states: AriState[] = [];
    connection.on('state', (state: AriState) => states.push(state));
    try {
      connection.start();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      // 300 ms per attempt + 50 ms back-off: at least two attempts, each reaching the server.
      expect(requests.length).toBeGreaterThanOrEqual(2);
      expect(states.slice(0, 3)).toEqual(['connecting', 'down', 'connecting']);
      expect(warnings[0]).toMatchObject({ ari: 'down', reason: 'no answer within 300 ms' });
      expect(connection.client).toBeUndefined();
    } finally {
      await connection.stop();
      server.closeAllConnections();
      server.close();
    }
    // Stopped: no attempt after this point.
    const seen = requests.length;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(requests.length).toBe(seen);
  });
});

/**
 * A minimal ARI on loopback: the API description ari-client loads (one resource) and the events
 * websocket, which answers pings like Asterisk. It can go away and come back on the same port.
 */
class FakeAri {
  readonly sockets = new Set<WebSocket>();
  private server: Server | undefined;
  private port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Websockets open right now (each is a registration of the Stasis app). */
  get openSockets(): number {
    return [...this.sockets].filter((s) => s.readyState === WebSocket.OPEN).length;
  }

  async up(): Promise<void> {
    const server = createServer((request, response) => {
      const resourcePath = '/api-docs/asterisk.{format}';
      response.setHeader('content-type', 'application/json');
      response.end(
        JSON.stringify({
          apiVersion: '9.0.0',
          swaggerVersion: '1.2',
          basePath: `${this.url}/ari`,
          resourcePath,
          apis: request.url?.endsWith('resources.json') ? [{ path: resourcePath, description: 'Asterisk' }] : [],
          models: {},
        }),
      );
    });
    const events = new WebSocketServer({ noServer: true });
    server.on('upgrade', (request, socket, head) =>
      events.handleUpgrade(request, socket as Socket, head, (ws) => {
        this.sockets.add(ws);
        ws.on('close', () => this.sockets.delete(ws));
      }),
    );
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Like Asterisk stopping: every connection dropped, new ones refused. */
  async down(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    const server = this.server!;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('AriConnection when Asterisk goes away and comes back', () => {
  it('given the ping watchdog dropped a client while ari-client had a reconnection scheduled, then that client never registers the app again: one websocket, the live one', async () => {
    const ari = new FakeAri();
    await ari.up();
    const downs: Record<string, unknown>[] = [];
    const connection = new AriConnection(
      { url: ari.url, username: 'u', password: 'p', app: 'alloparents', pingTimeoutMs: 300, backoffMs: () => 50 },
      { info: () => undefined, warn: (fields) => downs.push(fields) },
    );
    const waitUntil = async (what: string, condition: () => boolean, timeoutMs = 5_000) => {
      for (const started = Date.now(); !condition(); ) {
        if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    try {
      connection.start();
      await waitUntil('up', () => connection.state === 'up');
      expect(ari.openSockets).toBe(1);

      // Asterisk stops: ari-client starts reconnecting on its own back-off (0.1, 0.2, 0.4, 0.8 s...),
      // and the watchdog drops that client after 300 ms without a pong.
      await ari.down();
      await waitUntil('the watchdog', () => downs.some((d) => String(d.reason).startsWith('no answer to websocket pings')));
      // Asterisk is back before the dropped client's next scheduled attempt.
      await ari.up();
      await waitUntil('up again', () => connection.state === 'up');
      // Past every attempt the dropped client had scheduled (the next one was at most 0.8 s away).
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(connection.state).toBe('up');
      expect(ari.openSockets).toBe(1);
    } finally {
      await connection.stop();
      await ari.down();
    }
  });
});
