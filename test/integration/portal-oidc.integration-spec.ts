import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { Pseudonymizer } from '../../apps/server/src/privacy/pseudonymizer';
import { CapturingMailer, PASSWORD, PortalClient, keepCookies, portalTestConfig, randomEmail, startPortalApp, usePortalApp, verifiedParent } from '../support/portal-app';
import { TestOidcProvider, TestOidcUser } from '../support/oidc-provider';
import { freePort } from '../support/ports';

const CLIENT = { clientId: 'allo-parents-test', clientSecret: 'a client secret for the test provider only' };

interface Hop {
  url: string;
  status: number;
  location: string | null;
  setCookies: string[];
}

/**
 * A browser, by hand: follows redirects one by one, keeping each origin's cookies, and stops
 * before a URL the test wants to look at (or alter) itself.
 */
class Browser {
  private readonly jars = new Map<string, Map<string, string>>();

  jar(origin: string): Map<string, string> {
    let jar = this.jars.get(origin);
    if (!jar) this.jars.set(origin, (jar = new Map()));
    return jar;
  }

  async get(url: string): Promise<Hop & { body: string }> {
    const { origin } = new URL(url);
    const jar = this.jar(origin);
    const headers: Record<string, string> = {};
    if (jar.size > 0) headers.cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(url, { redirect: 'manual', headers });
    const setCookies = response.headers.getSetCookie();
    keepCookies(jar, setCookies);
    const location = response.headers.get('location');
    return { url, status: response.status, location: location === null ? null : new URL(location, url).href, setCookies, body: await response.text() };
  }

  /** Follows redirects from `url` until one points where `stop` says (returned, not requested). */
  async follow(url: string, stop: (next: URL) => boolean): Promise<{ hops: Hop[]; next: URL }> {
    const hops: Hop[] = [];
    let current = url;
    for (let i = 0; i < 20; i += 1) {
      const hop = await this.get(current);
      hops.push(hop);
      if (hop.status < 300 || hop.status >= 400 || !hop.location) throw new Error(`no redirect from ${current}: ${hop.status} ${hop.body.slice(0, 300)}`);
      const next = new URL(hop.location);
      if (stop(next)) return { hops, next };
      current = next.href;
    }
    throw new Error(`more than 20 redirects from ${url}`);
  }
}

describe('sign-in with an OpenID Connect provider (a real oidc-provider in a worker thread)', () => {
  let provider: TestOidcProvider;
  let app: NestFastifyApplication;
  let db: DataSource;
  let mailer: CapturingMailer;
  let baseUrl: string;
  let pseudonymizer: Pseudonymizer;

  beforeAll(async () => {
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    provider = await TestOidcProvider.start({ ...CLIENT, redirectUri: `${publicUrl}/api/v1/auth/oidc/callback` });
    const config = portalTestConfig({
      PORTAL_PUBLIC_URL: publicUrl,
      OIDC_ISSUER_URL: provider.issuer,
      OIDC_CLIENT_ID: CLIENT.clientId,
      OIDC_CLIENT_SECRET: CLIENT.clientSecret,
      OIDC_DISPLAY_NAME: 'TestLogin',
    });
    pseudonymizer = new Pseudonymizer(config.pseudonymKey);
    ({ app, db, mailer, baseUrl } = await startPortalApp(config, { port }));
  }, 30_000);
  afterAll(async () => {
    await app?.close();
    await provider?.close();
  });

  const newUser = (overrides: Partial<TestOidcUser> = {}): TestOidcUser => ({ sub: `citizen-${randomUUID()}`, email: `Parent-${randomUUID()}@Example.org`, email_verified: true, ...overrides });
  const atCallback = (next: URL) => next.pathname === '/api/v1/auth/oidc/callback';
  const backAtThePage = (next: URL) => next.origin === baseUrl && next.pathname === '/';

  /** start → the provider (login, consent) → callback → the page; the URL the app sent the browser to. */
  async function signInWithProvider(browser: Browser, user: TestOidcUser | null): Promise<{ next: URL; hops: Hop[] }> {
    await provider.signInAs(user);
    return browser.follow(`${baseUrl}/api/v1/auth/oidc/start`, backAtThePage);
  }

  async function account(browser: Browser): Promise<{ status: number; body: any }> {
    const response = await browser.get(`${baseUrl}/api/v1/account`);
    return { status: response.status, body: response.body ? JSON.parse(response.body) : undefined };
  }

  async function identities(sub: string): Promise<{ parent_id: string; issuer: string }[]> {
    return db.query(`SELECT parent_id, issuer FROM parent_oidc_identities WHERE subject_hash = $1`, [pseudonymizer.hash('oidc-subject', sub)]);
  }

  const sessionCookieSet = (hops: Hop[]) => hops.some((hop) => hop.setCookies.some((cookie) => cookie.startsWith('ap_session=') && !/max-age=0/i.test(cookie)));

  it('given OIDC is configured, then the providers list offers "TestLogin" with its start URL', async () => {
    const response = await new PortalClient(baseUrl).get('/api/v1/auth/providers');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ providers: [{ id: 'oidc', displayName: 'TestLogin', startUrl: '/api/v1/auth/oidc/start' }] });
  });

  it('given a new user at the provider, when they sign in with it, then the start sends them with PKCE, state and nonce, the callback opens a session on a new account with the verified address, and a second sign-in finds the same account', async () => {
    const user = newUser();
    const browser = new Browser();
    const { next, hops } = await signInWithProvider(browser, user);
    expect(next.href).toBe(`${baseUrl}/`);

    // The authorization request: code flow, PKCE S256, state, nonce, our redirect URI and scopes.
    const authorization = new URL(hops[0].location!);
    expect(authorization.origin).toBe(provider.issuer);
    expect(Object.fromEntries(authorization.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: CLIENT.clientId,
      redirect_uri: `${baseUrl}/api/v1/auth/oidc/callback`,
      scope: 'openid email',
      code_challenge_method: 'S256',
      code_challenge: expect.stringMatching(/^[\w-]{43}$/),
      state: expect.stringMatching(/^[\w-]{20,}$/),
      nonce: expect.stringMatching(/^[\w-]{20,}$/),
    });
    // The round trip's checks travel in an HttpOnly, Lax cookie (it must come back with the provider's redirect), sealed: no verifier in clear.
    const roundTripCookie = hops[0].setCookies.find((c) => c.startsWith('ap_oidc='))!;
    expect(roundTripCookie).toMatch(/HttpOnly/i);
    expect(roundTripCookie).toMatch(/SameSite=Lax/i);
    expect(roundTripCookie).toMatch(/Path=\/api\/v1\/auth\/oidc/);
    expect(roundTripCookie).not.toContain(authorization.searchParams.get('state')!);

    // The session cookie is the password sign-in's: HttpOnly, SameSite=Strict.
    const callback = hops[hops.length - 1];
    expect(callback.url).toMatch(new RegExp(`^${baseUrl}/api/v1/auth/oidc/callback\\?`));
    expect(callback.status).toBe(303);
    expect(callback.setCookies.find((c) => c.startsWith('ap_session='))).toMatch(/HttpOnly.*SameSite=Strict|SameSite=Strict.*HttpOnly/i);
    expect(callback.setCookies.some((c) => c.startsWith('ap_csrf='))).toBe(true);

    const first = await account(browser);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ email: user.email!.toLowerCase(), emailVerified: true });
    expect(await identities(user.sub)).toEqual([{ parent_id: first.body.id, issuer: provider.issuer }]);
    // No password: the e-mail address alone does not sign in.
    const client = new PortalClient(baseUrl);
    await client.csrf();
    expect((await client.post('/api/v1/auth/sign-in', { email: user.email, password: PASSWORD })).status).toBe(401);

    const again = new Browser();
    expect((await signInWithProvider(again, user)).next.href).toBe(`${baseUrl}/`);
    const second = await account(again);
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);
    expect(await identities(user.sub)).toHaveLength(1);
  });

  it('given an account created through the provider, then its export lists the provider (not the subject, held only hashed), and deleting the account deletes the identity', async () => {
    const user = newUser();
    const browser = new Browser();
    await signInWithProvider(browser, user);
    const exported = JSON.parse((await browser.get(`${baseUrl}/api/v1/account/export`)).body);
    expect(exported.signInProviders).toEqual([{ issuer: provider.issuer, linkedAt: expect.any(String), lastUsedAt: expect.any(String) }]);
    expect(JSON.stringify(exported)).not.toContain(user.sub);

    const session = new PortalClient(baseUrl);
    session.cookies.set('ap_session', browser.jar(baseUrl).get('ap_session')!);
    await session.csrf();
    expect((await session.delete('/api/v1/account', { confirm: true })).status).toBe(200);
    expect(await identities(user.sub)).toEqual([]);
  });

  it('given the provider sent the browser back with a tampered state, then the callback refuses it, opens no session and creates no account', async () => {
    const user = newUser();
    const browser = new Browser();
    await provider.signInAs(user);
    const { next } = await browser.follow(`${baseUrl}/api/v1/auth/oidc/start`, atCallback);
    const state = next.searchParams.get('state')!;
    next.searchParams.set('state', `${state.slice(0, -1)}${state.endsWith('A') ? 'B' : 'A'}`);

    const refused = await browser.get(next.href);
    expect(refused.status).toBe(303);
    expect(refused.location).toBe(`${baseUrl}/?oidc-error=state`);
    expect(sessionCookieSet([refused])).toBe(false);
    expect((await account(browser)).status).toBe(401);
    expect(await identities(user.sub)).toEqual([]);
  });

  it('given a callback URL replayed in another browser (no round-trip cookie: a login forced on someone else), then it is refused and opens no session', async () => {
    const user = newUser();
    await provider.signInAs(user);
    const { next } = await new Browser().follow(`${baseUrl}/api/v1/auth/oidc/start`, atCallback);

    const victim = new Browser();
    const refused = await victim.get(next.href);
    expect(refused.location).toBe(`${baseUrl}/?oidc-error=state`);
    expect(sessionCookieSet([refused])).toBe(false);
    expect((await account(victim)).status).toBe(401);
    expect(await identities(user.sub)).toEqual([]);
  });

  it('given a local account with the same address, when someone signs in with the provider, then the account is not taken over: refused as account-exists, no session, and the password still signs in', async () => {
    const { client, email } = await verifiedParent({ baseUrl, mailer });

    const user = newUser({ email: email.toUpperCase() });
    const browser = new Browser();
    const { next, hops } = await signInWithProvider(browser, user);
    expect(next.href).toBe(`${baseUrl}/?oidc-error=account-exists`);
    expect(sessionCookieSet(hops)).toBe(false);
    expect((await account(browser)).status).toBe(401);
    expect(await identities(user.sub)).toEqual([]);
    expect((await client.post('/api/v1/auth/sign-in', { email, password: PASSWORD })).status).toBe(200);
  });

  it.each([
    ['an unverified address', { email_verified: false }],
    ['no address at all', { email: undefined, email_verified: undefined }],
  ])('given the provider gives %s, when a new user signs in, then no account is created: refused as email-unverified', async (_, overrides) => {
    const user = newUser(overrides);
    const browser = new Browser();
    const { next, hops } = await signInWithProvider(browser, user);
    expect(next.href).toBe(`${baseUrl}/?oidc-error=email-unverified`);
    expect(sessionCookieSet(hops)).toBe(false);
    expect(await identities(user.sub)).toEqual([]);
  });

  it('given the user cancels at the provider, then the page is told the provider refused, and no session is opened', async () => {
    const browser = new Browser();
    const { next, hops } = await signInWithProvider(browser, null);
    expect(next.href).toBe(`${baseUrl}/?oidc-error=provider`);
    expect(sessionCookieSet(hops)).toBe(false);
    expect((await account(browser)).status).toBe(401);
  });
});

describe('sign-in with an OpenID Connect provider that cannot be reached', () => {
  const portal = usePortalApp(
    portalTestConfig({
      // tcpmux: a privileged port nothing listens on here, so the connection is refused at once.
      OIDC_ISSUER_URL: 'http://127.0.0.1:1',
      OIDC_CLIENT_ID: CLIENT.clientId,
      OIDC_CLIENT_SECRET: CLIENT.clientSecret,
      OIDC_DISPLAY_NAME: 'TestLogin',
    }),
  );

  it('given the provider does not answer, when a parent starts the sign-in, then they are sent back to the page with "unavailable", and local accounts still work', async () => {
    const browser = new Browser();
    const start = await browser.get(`${portal.baseUrl}/api/v1/auth/oidc/start`);
    expect(start.status).toBe(303);
    expect(start.location).toBe(`${portal.baseUrl}/?oidc-error=unavailable`);
    expect(start.setCookies.some((c) => c.startsWith('ap_oidc='))).toBe(false);

    const client = new PortalClient(portal.baseUrl);
    await client.csrf();
    expect((await client.post('/api/v1/auth/register', { email: randomEmail(), password: PASSWORD })).status).toBe(202);
  });
});

describe('the portal without OpenID Connect configured', () => {
  const portal = usePortalApp(portalTestConfig());

  it('given no OIDC variables, then the providers list is empty and the start and callback routes answer 404', async () => {
    const client = new PortalClient(portal.baseUrl);
    expect((await client.get('/api/v1/auth/providers')).body).toEqual({ providers: [] });
    for (const path of ['/api/v1/auth/oidc/start', '/api/v1/auth/oidc/callback?code=x&state=y']) {
      const response = await new Browser().get(`${portal.baseUrl}${path}`);
      expect([path, response.status]).toEqual([path, 404]);
      expect(JSON.parse(response.body)).toMatchObject({ error: 'not-found', message: expect.stringContaining('not configured') });
    }
  });
});
