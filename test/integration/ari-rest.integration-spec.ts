import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { AriHttpError, AriRest, ARI_URGENT_CONNECTIONS, isGone } from '../../apps/server/src/telephony/ari/ari-rest';
import { freePort } from '../support/ports';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** A loopback HTTP server standing in for Asterisk's, counting the connections it holds at once. */
class FakeAsterisk {
  readonly server: Server;
  open = 0;
  mostOpen = 0;
  connections = 0;
  requests: string[] = [];

  constructor(handler: Handler) {
    this.server = createServer((request, response) => {
      this.requests.push(`${request.method} ${request.url}`);
      handler(request, response);
    });
    this.server.on('connection', (socket: Socket) => {
      this.connections++;
      this.mostOpen = Math.max(this.mostOpen, ++this.open);
      socket.on('close', () => this.open--);
    });
  }

  listen(port = 0): Promise<string> {
    return new Promise((resolve) => this.server.listen(port, '127.0.0.1', () => resolve(`http://127.0.0.1:${(this.server.address() as AddressInfo).port}`)));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

const json = (response: ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
};

describe('AriRest: a bounded pool of keep-alive connections to ARI', () => {
  let asterisk: FakeAsterisk | undefined;
  let rest: AriRest | undefined;
  afterEach(async () => {
    await rest?.close();
    await asterisk?.close();
    rest = asterisk = undefined;
  });

  it('given a burst of 300 requests and a pool of 4, then Asterisk never holds more than 4 connections and every request is answered', async () => {
    asterisk = new FakeAsterisk((request, response) => setImmediate(() => json(response, 200, { path: request.url })));
    rest = new AriRest({ url: await asterisk.listen(), username: 'u', password: 'p', connections: 4 });
    const answers = await Promise.all(Array.from({ length: 300 }, (_, i) => rest!.request<{ path: string }>('POST', `/channels/c${i}/answer`)));
    expect(answers.map((a) => a.path)).toEqual(Array.from({ length: 300 }, (_, i) => `/ari/channels/c${i}/answer`));
    expect(asterisk.mostOpen).toBeLessThanOrEqual(4);
    // Kept alive: the connections are reused, not one per request.
    expect(asterisk.connections).toBeLessThanOrEqual(4);
  });

  it('given requests with query parameters and a JSON body, then they reach ARI with credentials, the query and the body', async () => {
    let seen: { url?: string; auth?: string; body?: string } = {};
    asterisk = new FakeAsterisk((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        seen = { url: request.url, auth: request.headers.authorization, body };
        response.writeHead(204);
        response.end();
      });
    });
    rest = new AriRest({ url: await asterisk.listen(), username: 'alloparents', password: 'secret', connections: 2 });
    await expect(rest.request('POST', '/channels/c1', { endpoint: 'PJSIP/1@trunk', timeout: 15, skipped: undefined }, { variables: { A: '1' } })).resolves.toBeUndefined();
    expect(seen.url).toBe('/ari/channels/c1?endpoint=PJSIP%2F1%40trunk&timeout=15');
    expect(seen.auth).toBe(`Basic ${Buffer.from('alloparents:secret').toString('base64')}`);
    expect(JSON.parse(seen.body!)).toEqual({ variables: { A: '1' } });
  });

  it('given Asterisk is not listening yet, when it starts within the deadline, then the request is sent again and succeeds', async () => {
    const port = await freePort();
    asterisk = new FakeAsterisk((_request, response) => json(response, 200, { ok: true }));
    const retried: string[] = [];
    let starting: Promise<string> | undefined;
    rest = new AriRest(
      { url: `http://127.0.0.1:${port}`, username: 'u', password: 'p', connections: 2, timeoutMs: 3000 },
      { retried: (_operation, code) => { retried.push(code); starting ??= asterisk!.listen(port); } },
    );
    await expect(rest.request('POST', '/channels/c1/answer')).resolves.toEqual({ ok: true });
    await starting;
    expect(retried[0]).toBe('ECONNREFUSED');
    expect(asterisk.requests).toEqual(['POST /ari/channels/c1/answer']);
  });

  it('given Asterisk never answers, then the request fails with status 0 at its deadline', async () => {
    asterisk = new FakeAsterisk(() => undefined);
    const failures: number[] = [];
    rest = new AriRest({ url: await asterisk.listen(), username: 'u', password: 'p', connections: 1, timeoutMs: 300 }, { failed: (_o, status) => failures.push(status) });
    const started = Date.now();
    const error = await rest.request('GET', '/channels').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AriHttpError);
    expect((error as AriHttpError).status).toBe(0);
    expect((error as AriHttpError).message).toContain('no answer within 300 ms');
    expect(Date.now() - started).toBeLessThan(1500);
    expect(failures).toEqual([0]);
  });

  it('given a request given a longer deadline of its own, then a slow answer that the pool\'s deadline refuses still arrives for it', async () => {
    asterisk = new FakeAsterisk((_request, response) => void setTimeout(() => json(response, 200, { ok: true }), 600));
    rest = new AriRest({ url: await asterisk.listen(), username: 'u', password: 'p', connections: 2, timeoutMs: 300 });
    const refused = await rest.request('POST', '/bridges/b1').catch((e: unknown) => e);
    expect((refused as AriHttpError).message).toContain('no answer within 300 ms');
    await expect(rest.request('POST', '/bridges/b2', {}, undefined, { timeoutMs: 3000 })).resolves.toEqual({ ok: true });
  });

  it('given the pool busy with a queue of slow requests, then an urgent request (a bridge) is answered on its own connections without waiting behind them', async () => {
    // Every request but the bridge takes 200 ms: 20 of them on a pool of 2 keep it busy for 2 s.
    asterisk = new FakeAsterisk((request, response) => void setTimeout(() => json(response, 200, { path: request.url }), request.url!.startsWith('/ari/bridges') ? 0 : 200));
    rest = new AriRest({ url: await asterisk.listen(), username: 'u', password: 'p', connections: 2, timeoutMs: 5000 });
    const answered: string[] = [];
    const queue = Array.from({ length: 20 }, (_, i) => rest!.request('POST', `/channels/c${i}/play`).then(() => answered.push(`c${i}`)));
    await new Promise((resolve) => setImmediate(resolve));
    await rest.request('POST', '/bridges/b1', { type: 'mixing' }, undefined, { urgent: true }).then(() => answered.push('bridge'));
    expect(answered.indexOf('bridge')).toBeLessThan(4);
    await Promise.all(queue);
    // Its connections come on top of the pool's, as http.conf's sessionlimit allows.
    expect(asterisk.mostOpen).toBeLessThanOrEqual(2 + ARI_URGENT_CONNECTIONS);
  });

  it('given the connection drops after a POST was sent, then it is not sent again (it may have been carried out); a GET is', async () => {
    asterisk = new FakeAsterisk((request, response) => {
      if (asterisk!.requests.length === 1) return void request.socket.destroy();
      json(response, 200, []);
    });
    rest = new AriRest({ url: await asterisk.listen(), username: 'u', password: 'p', connections: 1 });
    const error = await rest.request('POST', '/channels/c1', { endpoint: 'PJSIP/1@trunk' }).catch((e: unknown) => e);
    expect((error as AriHttpError).status).toBe(0);
    expect(asterisk.requests).toHaveLength(1);

    asterisk.requests = [];
    let first = true;
    asterisk.server.removeAllListeners('request');
    asterisk.server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      asterisk!.requests.push(`${request.method} ${request.url}`);
      if (first) {
        first = false;
        return void request.socket.destroy();
      }
      json(response, 200, []);
    });
    await expect(rest.request('GET', '/channels')).resolves.toEqual([]);
    expect(asterisk.requests).toEqual(['GET /ari/channels', 'GET /ari/channels']);
  });

  it('given ARI answers 404, then the error keeps its status and reads as "already gone"', async () => {
    asterisk = new FakeAsterisk((_request, response) => json(response, 404, { message: 'Channel not found' }));
    rest = new AriRest({ url: await asterisk.listen(), username: 'u', password: 'p', connections: 1 });
    const error = await rest.request('DELETE', '/channels/0f0e0d0c-1111-2222-3333-444455556666').catch((e: unknown) => e);
    expect(isGone(error)).toBe(true);
    expect((error as AriHttpError).operation).toBe('DELETE /channels/{id}');
  });
});
