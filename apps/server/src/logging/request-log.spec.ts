import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { pinoHttp } from 'pino-http';
import { requestLogOptions } from './request-log';

describe('the request log', () => {
  it('given a request with a query string, cookies and a CSRF header, then the log line holds its method and path, and none of them', async () => {
    const lines: string[] = [];
    const destination = new Writable({ write: (chunk: Buffer, _encoding, done) => void (lines.push(chunk.toString()), done()) });
    const options = requestLogOptions('info');
    const log = pinoHttp({ ...options, logger: pino({ level: 'info', redact: options.redact }, destination) });
    const server = createServer((req, res) => {
      log(req, res);
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/api/v1/auth/oidc/callback?code=provider-code-123&state=state-456`, {
        headers: { 'x-csrf-token': 'csrf-token-789', cookie: 'ap_session=session-token-000', authorization: 'Bearer authority-token-111' },
      });
      expect(response.status).toBe(200);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    const text = lines.join('');
    expect(text).toContain('"path":"/api/v1/auth/oidc/callback"');
    expect(text).toContain('"method":"GET"');
    for (const secret of ['provider-code-123', 'state-456', 'csrf-token-789', 'session-token-000', 'authority-token-111', 'x-csrf-token']) expect(text).not.toContain(secret);
  });
});
