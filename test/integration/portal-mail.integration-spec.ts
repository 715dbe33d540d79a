import { AddressInfo, Server, Socket, createServer } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { CapturingLogger, PASSWORD, PortalClient, portalTestConfig, randomEmail, startPortalApp } from '../support/portal-app';
import { freePort } from '../support/ports';
import { waitFor } from '../support/processes';
import { ReceivedMail, startSmtpServer } from '../support/smtp-capture';

const MAIL_FROM = 'Allo Parents <no-reply@allo-parents.example>';

/** A server that accepts connections and never says a word: the SMTP greeting never comes. */
async function silentServer(): Promise<{ server: Server; port: number; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, sockets };
}

// One logger for the file: Nest's logger is process-wide, whichever app set it last.
const logger = new CapturingLogger();

describe('portal mail over SMTP (a real SMTP server in the test process)', () => {
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let app: NestFastifyApplication;
  let baseUrl: string;

  beforeAll(async () => {
    smtp = await startSmtpServer({ username: 'mailer', password: 'p@ss word' });
    // The test's server on loopback offers no STARTTLS: plain SMTP allowed on purpose.
    const config = portalTestConfig({ SMTP_URL: `smtp://mailer:p%40ss%20word@127.0.0.1:${smtp.port}`, MAIL_FROM, DEFAULT_LANGUAGE: 'nl', SMTP_ALLOW_PLAINTEXT: 'true' });
    ({ app, baseUrl } = await startPortalApp(config, { configuredMailer: true, logger }));
  });
  afterAll(async () => {
    await app?.close();
    await new Promise<void>((resolve) => (smtp ? smtp.server.close(() => resolve()) : resolve()));
  });

  async function mailTo(email: string, after = 0): Promise<ReceivedMail> {
    return waitFor(`a mail to the new parent`, async () => smtp.mails.slice(after).find((m) => m.to.includes(email)), 10_000, 25);
  }

  it('given SMTP_URL, when a parent registers from a French page, then the verification mail arrives over SMTP in French, authenticated, and its link verifies the address', async () => {
    const email = randomEmail();
    const client = new PortalClient(baseUrl);
    await client.csrf();
    expect((await client.post('/api/v1/auth/register', { email: email.toUpperCase(), password: PASSWORD, language: 'fr' })).status).toBe(202);

    const mail = await mailTo(email);
    expect(mail.to).toEqual([email]);
    expect(mail.from).toBe('no-reply@allo-parents.example');
    expect(mail.user).toBe('mailer');
    expect(mail.headers).toMatch(/^From: Allo Parents <no-reply@allo-parents\.example>$/m);
    expect(mail.headers).toMatch(/^Auto-Submitted: auto-generated$/m);
    expect(mail.body).toContain('Pour confirmer votre adresse e-mail');
    const link = /http:\/\/\S+\/verify-email#token=[A-Za-z0-9_-]{43}/.exec(mail.body)?.[0];
    expect(link).toBeDefined();
    // The token in the fragment, which browsers never send: no server, proxy or Referer sees it.
    expect(link!.startsWith('http://127.0.0.1:3000/verify-email#token=')).toBe(true);
    expect(new URL(link!).search).toBe('');

    const token = new URLSearchParams(new URL(link!).hash.slice(1)).get('token');
    expect((await client.post('/api/v1/auth/verify-email', { token })).status).toBe(200);
    expect((await client.post('/api/v1/auth/sign-in', { email, password: PASSWORD })).status).toBe(200);
    expect(logger.text()).toContain('mail sent');
    expect(logger.text()).not.toContain(email);
  });

  it('given no language in the request, then the mail is in DEFAULT_LANGUAGE; a password reset mail arrives the same way', async () => {
    const email = randomEmail();
    const client = new PortalClient(baseUrl);
    await client.csrf();
    await client.post('/api/v1/auth/register', { email, password: PASSWORD });
    expect((await mailTo(email)).body).toContain('Open deze link om uw e-mailadres te bevestigen');

    const before = smtp.mails.length;
    expect((await client.post('/api/v1/auth/password-reset', { email, language: 'de' })).status).toBe(202);
    const reset = await mailTo(email, before);
    expect(reset.body).toContain('um ein neues Passwort zu wählen');
    expect(reset.body).toMatch(/\/reset-password#token=[A-Za-z0-9_-]{43}/);
  });

  it('given a language the portal does not speak, then 400 naming the field and no mail', async () => {
    const email = randomEmail();
    const client = new PortalClient(baseUrl);
    await client.csrf();
    const response = await client.post('/api/v1/auth/register', { email, password: PASSWORD, language: 'it' });
    expect(response.status).toBe(400);
    expect(response.body.fields).toEqual([{ field: 'language', code: 'isIn', message: 'the language of the mail must be fr, nl, de or en' }]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(smtp.mails.filter((m) => m.to.includes(email))).toHaveLength(0);
  });
});

describe('portal mail when the SMTP server offers no TLS', () => {
  it('given a server without STARTTLS and no SMTP_ALLOW_PLAINTEXT, when a parent registers, then nothing is sent in clear and the refusal is logged', async () => {
    const smtp = await startSmtpServer();
    const config = portalTestConfig({ SMTP_URL: `smtp://mailer:p%40ss%20word@127.0.0.1:${smtp.port}`, MAIL_FROM, DEFAULT_LANGUAGE: 'en' });
    const ownLogger = new CapturingLogger();
    const { app, baseUrl } = await startPortalApp(config, { configuredMailer: true, logger: ownLogger });
    try {
      const email = randomEmail();
      const client = new PortalClient(baseUrl);
      await client.csrf();
      expect((await client.post('/api/v1/auth/register', { email, password: PASSWORD })).status).toBe(202);
      const failure = await waitFor('the logged refusal', async () => ownLogger.lines.find((l) => l.level === 'error' && l.message.startsWith('mail not sent') && /ETLS|STARTTLS/.test(l.message)), 10_000, 25);
      expect(failure.message).toMatch(/^mail not sent: "Allo Parents: confirm your e-mail address"/);
      expect(smtp.mails.filter((m) => m.to.includes(email))).toEqual([]);
    } finally {
      await app.close();
      await new Promise<void>((resolve) => smtp.server.close(() => resolve()));
    }
  });
});

describe('portal mail when the SMTP server is down or silent', () => {
  it('given nothing listening on the SMTP port, when a new and an existing address register, then both get the same 202 answer and each failure is logged without the address', async () => {
    const config = portalTestConfig({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(await freePort()), MAIL_FROM, DEFAULT_LANGUAGE: 'en' });
    const { app, baseUrl } = await startPortalApp(config, { configuredMailer: true, logger });
    try {
      const email = randomEmail();
      const client = new PortalClient(baseUrl);
      await client.csrf();
      const first = await client.post('/api/v1/auth/register', { email, password: PASSWORD });
      const again = await client.post('/api/v1/auth/register', { email, password: PASSWORD });
      expect([first.status, first.body]).toEqual([202, { message: 'if the address can be used, we sent a message to it: follow its link' }]);
      expect([again.status, again.body]).toEqual([first.status, first.body]);

      const failures = await waitFor('two logged mail failures', async () => {
        const lines = logger.lines.filter((l) => l.level === 'error' && l.message.startsWith('mail not sent'));
        return lines.length >= 2 ? lines : undefined;
      }, 10_000, 25);
      expect(failures.map((l) => l.message)).toEqual(
        expect.arrayContaining([expect.stringMatching(/^mail not sent: "Allo Parents: confirm your e-mail address" \(code ESOCKET, during CONN\)/), expect.stringMatching(/someone tried to create an account.*code ESOCKET/)]),
      );
      expect(logger.text()).not.toContain(email);
      expect(logger.text()).not.toContain('example.org');
    } finally {
      await app.close();
    }
  });

  it('given an SMTP server that never answers, when a parent asks for a password reset, then the answer comes at once and the delivery gives up after SMTP_TIMEOUT_SECONDS', async () => {
    const silent = await silentServer();
    const config = portalTestConfig({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(silent.port), MAIL_FROM, SMTP_TIMEOUT_SECONDS: '1', DEFAULT_LANGUAGE: 'en' });
    const { app, baseUrl } = await startPortalApp(config, { configuredMailer: true, logger });
    try {
      const email = randomEmail();
      const client = new PortalClient(baseUrl);
      await client.csrf();
      await client.post('/api/v1/auth/register', { email, password: PASSWORD });
      const before = logger.lines.length;
      const started = Date.now();
      const response = await client.post('/api/v1/auth/password-reset', { email });
      expect(response.status).toBe(202);
      expect(Date.now() - started).toBeLessThan(900);

      const failure = await waitFor('the reset mail given up', async () => logger.lines.slice(before).find((l) => l.message.startsWith('mail not sent: "Allo Parents: choose a new password"')), 8_000, 25);
      expect(failure.message).toMatch(/code (ETIMEDOUT|EABORT)/);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(logger.text()).not.toContain(email);
    } finally {
      await app.close();
      for (const socket of silent.sockets) socket.destroy();
      await new Promise((resolve) => silent.server.close(resolve));
    }
  });
});
