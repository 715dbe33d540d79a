import { randomUUID } from 'node:crypto';
import type { DynamicModule, LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Agent, Dispatcher, fetch as undiciFetch } from 'undici';
import { CardsModule } from '../../apps/server/src/cards/cards.module';
import { CardIngestService } from '../../apps/server/src/cards/domain/card-ingest';
import { AppConfig } from '../../apps/server/src/config/app-config';
import { ConfigModule } from '../../apps/server/src/config/config.module';
import { DatabaseModule } from '../../apps/server/src/database/database.module';
import { createHttpAdapter } from '../../apps/server/src/main';
import { MetricsModule } from '../../apps/server/src/metrics/metrics.module';
import { operatorsUrl } from './operators';
import { Mail, Mailer } from '../../apps/server/src/portal/domain/mailer';
import { registerPortalHttp } from '../../apps/server/src/portal/http/portal-http';
import { PortalModule } from '../../apps/server/src/portal/portal.module';
import { PrivacyModule } from '../../apps/server/src/privacy/privacy.module';
import { ANNOUNCEMENT_DIALLER, AnnouncementDialler } from '../../apps/server/src/telephony/announcement/announcement-dialler';
import { cardRecord } from './cards-data';
import { waitFor } from './processes';
import { testConfig } from './test-config';

/** The password test parents register with. */
export const PASSWORD = 'a quiet blue harbour at dawn';

/**
 * A loopback address of its own (127.x.y.z: Linux routes all of 127/8 to lo) for a client whose
 * requests must be counted apart: the rate limits live in the database and outlast a test.
 */
export const randomLoopback = (): string => `127.${1 + Math.floor(Math.random() * 254)}.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 254)}`;

/** A public-looking client address (10/8) for X-Forwarded-For, fresh each time. */
export const randomClientAddress = (): string => `10.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 254)}`;

/** A dispatcher that connects from `address` (a plain-HTTP client of its own). */
export const connectingFrom = (address: string): Dispatcher => new Agent({ localAddress: address });

/** A fresh address for each parent, so tests (and suites in parallel) never share an account. */
export const randomEmail = (): string => `parent-${randomUUID()}@example.org`;

/** The test config with a rate limit no suite reaches: only the rate limit's own test sets a low one. */
export function portalTestConfig(overrides: Record<string, string> = {}): AppConfig {
  return testConfig({ PORTAL_RATE_LIMIT_PER_MINUTE: '100000', ...overrides });
}

/** Keeps the mail instead of logging it, so tests can follow the links. */
export class CapturingMailer extends Mailer {
  readonly mails: Mail[] = [];

  async send(mail: Mail): Promise<void> {
    this.mails.push(mail);
  }

  /** The token of the newest link mailed to this address, for this purpose. */
  tokenFor(email: string, path: 'verify-email' | 'reset-password'): string {
    const mail = [...this.mails].reverse().find((m) => m.to === email.toLowerCase() && m.link?.includes(`/${path}#`));
    if (!mail?.link) throw new Error(`no ${path} link was mailed to ${email}`);
    return new URLSearchParams(new URL(mail.link).hash.slice(1)).get('token')!;
  }
}

/** A Nest logger that keeps every line, so tests can check what reaches the log (and what must not). */
export class CapturingLogger implements LoggerService {
  readonly lines: { level: string; message: string; context?: string }[] = [];
  private keep(level: string, message: unknown, rest: unknown[]): void {
    const context = rest.length > 0 && typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    this.lines.push({ level, message: typeof message === 'string' ? message : JSON.stringify(message), context });
  }
  log = (message: unknown, ...rest: unknown[]) => this.keep('log', message, rest);
  error = (message: unknown, ...rest: unknown[]) => this.keep('error', message, rest);
  warn = (message: unknown, ...rest: unknown[]) => this.keep('warn', message, rest);
  debug = (message: unknown, ...rest: unknown[]) => this.keep('debug', message, rest);
  verbose = (message: unknown, ...rest: unknown[]) => this.keep('verbose', message, rest);
  /** Everything logged, one line each, for `not.toContain` checks. */
  text(): string {
    return this.lines.map((l) => `${l.level} [${l.context ?? ''}] ${l.message}`).join('\n');
  }
}

/**
 * The portal without telephony (no ARI connection; `dialler` stands in for the telephony's
 * announcement calls), with the cards module for seeding, on the
 * app's own Fastify adapter and plugins, listening on an ephemeral port (or `port`, when the config
 * must name the app's address beforehand): tests speak real HTTP.
 * Mail is captured unless `configuredMailer` (then the app's own choice from the config: SMTP or log).
 */
export interface PortalAppOptions {
  configuredMailer?: boolean;
  logger?: LoggerService;
  port?: number;
  dialler?: AnnouncementDialler;
}

export interface StartedPortal {
  app: NestFastifyApplication;
  db: DataSource;
  mailer: CapturingMailer;
  baseUrl: string;
  /** The operators' listener: /metrics and the API documentation, never on baseUrl. */
  operatorsUrl: string;
}

export async function startPortalApp(config: AppConfig, options: PortalAppOptions = {}): Promise<StartedPortal> {
  const mailer = new CapturingMailer();
  // The telephony module's place: a dialler at the port, where the real app has ARI.
  const telephony: DynamicModule[] = options.dialler
    ? [{ module: class FakeTelephonyModule {}, global: true, providers: [{ provide: ANNOUNCEMENT_DIALLER, useValue: options.dialler }], exports: [ANNOUNCEMENT_DIALLER] }]
    : [];
  const builder = Test.createTestingModule({ imports: [ConfigModule.forRoot(config), DatabaseModule, PrivacyModule, MetricsModule, CardsModule, PortalModule, ...telephony] });
  const moduleRef = await (options.configuredMailer ? builder : builder.overrideProvider(Mailer).useValue(mailer)).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createHttpAdapter(config), { logger: options.logger ?? false });
  await registerPortalHttp(app);
  await app.listen(options.port ?? 0, '127.0.0.1');
  const db = app.get<DataSource>(getDataSourceToken());
  await waitFor('the database connection', async () => (db.isInitialized ? true : undefined), 10_000, 50);
  const address = app.getHttpServer().address() as { port: number };
  return { app, db, mailer, baseUrl: `http://127.0.0.1:${address.port}`, operatorsUrl: operatorsUrl(app) };
}

export interface PortalResponse {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  headers: Headers;
  setCookies: string[];
}

/** The CSP directives as name → sources. */
export function csp(header: string | null): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of (header ?? '').split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), sources);
  }
  return directives;
}

/** Applies Set-Cookie headers to a cookie jar as a browser would: set, or delete when emptied or expired. */
export function keepCookies(jar: Map<string, string>, setCookies: string[]): void {
  for (const cookie of setCookies) {
    const [pair] = cookie.split(';');
    const name = pair.slice(0, pair.indexOf('='));
    const value = pair.slice(pair.indexOf('=') + 1);
    if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(cookie)) jar.delete(name);
    else jar.set(name, value);
  }
}

/** A browser-like client: keeps its cookies and echoes the CSRF cookie in X-CSRF-Token (unless told not to). */
export class PortalClient {
  readonly cookies = new Map<string, string>();

  /** `dispatcher`: undici's, to reach the app through the TLS proxy (its certificate, a client address). */
  constructor(
    private readonly baseUrl: string,
    private readonly dispatcher?: Dispatcher,
  ) {}

  async request(method: string, path: string, body?: unknown, options: { csrf?: boolean | string; headers?: Record<string, string> } = {}): Promise<PortalResponse> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (body !== undefined) headers['content-type'] = 'application/json';
    const csrf = options.csrf ?? true;
    if (typeof csrf === 'string') headers['x-csrf-token'] = csrf;
    else if (csrf && this.csrfCookie() !== undefined) headers['x-csrf-token'] = this.csrfCookie()!;
    const init = { method, headers, body: body === undefined ? undefined : JSON.stringify(body) };
    const response = this.dispatcher ? await undiciFetch(`${this.baseUrl}${path}`, { ...init, dispatcher: this.dispatcher }) : await fetch(`${this.baseUrl}${path}`, init);
    const setCookies = response.headers.getSetCookie();
    keepCookies(this.cookies, setCookies);
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed, headers: response.headers, setCookies };
  }

  /** The CSRF cookie, under its plain or its `__Host-` name (an https portal). */
  csrfCookie(): string | undefined {
    return this.cookies.get('ap_csrf') ?? this.cookies.get('__Host-ap_csrf');
  }

  get = (path: string) => this.request('GET', path);
  post = (path: string, body?: unknown, options?: { csrf?: boolean | string }) => this.request('POST', path, body ?? {}, options);
  put = (path: string, body: unknown, options?: { csrf?: boolean | string }) => this.request('PUT', path, body, options);
  delete = (path: string, body?: unknown, options?: { csrf?: boolean | string }) => this.request('DELETE', path, body, options);

  /** Fetches a CSRF token (sets the cookie). */
  async csrf(): Promise<string> {
    return (await this.get('/api/v1/auth/csrf')).body.csrfToken as string;
  }
}

/**
 * Starts the portal test app before a suite's tests and closes it after them. Its parts are read
 * through the returned object once the suite's beforeAll hooks run (declared after this call,
 * a suite's own beforeAll sees the app started).
 */
export function usePortalApp(config: AppConfig, options: PortalAppOptions = {}): Readonly<StartedPortal> {
  let started: StartedPortal | undefined;
  beforeAll(async () => {
    started = await startPortalApp(config, options);
  });
  afterAll(async () => {
    await started?.app.close();
  });
  const part = <K extends keyof StartedPortal>(key: K): StartedPortal[K] => {
    if (!started) throw new Error('the portal app is not started yet');
    return started[key];
  };
  return {
    get app() {
      return part('app');
    },
    get db() {
      return part('db');
    },
    get mailer() {
      return part('mailer');
    },
    get baseUrl() {
      return part('baseUrl');
    },
    get operatorsUrl() {
      return part('operatorsUrl');
    },
  };
}

/** A parent who registered and followed the mailed link, not signed in; `client` holds the CSRF cookie. */
export async function verifiedParent(portal: Pick<StartedPortal, 'baseUrl' | 'mailer'>, email = randomEmail()): Promise<{ client: PortalClient; email: string }> {
  const client = new PortalClient(portal.baseUrl);
  await client.csrf();
  expect((await client.post('/api/v1/auth/register', { email, password: PASSWORD })).status).toBe(202);
  expect((await client.post('/api/v1/auth/verify-email', { token: portal.mailer.tokenFor(email, 'verify-email') })).status).toBe(200);
  return { client, email };
}

/** A registered, verified parent, signed in with the password: `client` holds the session. */
export async function signedInParent(portal: Pick<StartedPortal, 'baseUrl' | 'mailer'>, email = randomEmail()): Promise<{ client: PortalClient; email: string; id: string }> {
  const { client } = await verifiedParent(portal, email);
  const signIn = await client.post('/api/v1/auth/sign-in', { email, password: PASSWORD });
  expect(signIn.status).toBe(200);
  return { client, email, id: signIn.body.id as string };
}

/** A card ingested the way the issuing authority sends it (nothing rejected). */
export async function ingestedCard(
  portal: Pick<StartedPortal, 'app'>,
  overrides: Partial<Record<'nationalNumber' | 'contactCode' | 'issuedOn' | 'firstName', string>> = {},
): Promise<ReturnType<typeof cardRecord>> {
  const record = cardRecord(overrides);
  const report = await portal.app.get(CardIngestService).ingest([record], { kind: 'system', id: 'portal-test' });
  expect(report.rejected).toEqual([]);
  return record;
}

/** Links the child on `card` (a freshly ingested one unless given) to the parent signed in on `client`; returns the child's id. */
export async function linkedChild(portal: Pick<StartedPortal, 'app'>, client: PortalClient, card?: { nationalNumber: string; contactCode: string }): Promise<string> {
  const record = card ?? (await ingestedCard(portal));
  const response = await client.post('/api/v1/children/links', { nationalNumber: record.nationalNumber, contactCode: record.contactCode });
  expect(response.status).toBe(201);
  return response.body.id as string;
}
