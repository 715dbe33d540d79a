import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { AriConnection, AriState } from './ari-connection';

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
