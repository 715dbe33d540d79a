import { randomUUID } from 'node:crypto';
import { PortalProcess, startPortalProcess } from '../support/app-process';
import { PASSWORD, PortalClient, randomLoopback } from '../support/portal-app';
import { waitFor } from '../support/processes';
import { TEST_PORTS } from '../support/test-config';
import { TlsProxy, startTlsProxy } from '../support/tls-proxy';

/** How many sign-ins a process's request log shows it answered (LOG_LEVEL=info logs each request's path). */
const signInsServed = (app: PortalProcess) => app.output().split('"path":"/api/v1/auth/sign-in"').length - 1;

/** Waits until the processes' logs show these numbers of sign-ins (a request is logged once answered). */
async function servedBy(apps: PortalProcess[], expected: (served: number[]) => boolean): Promise<number[]> {
  return waitFor('the app processes to log their sign-ins', async () => {
    const served = apps.map(signInsServed);
    return expected(served) && served;
  }, 10_000, 50);
}

/**
 * Production's shape: two app processes behind nginx (round robin), one PostgreSQL. The limits are
 * counted in the database, so they hold whichever process a request reaches, and across a crash and
 * restart of one of them.
 */
describe('the portal\'s limits with two app processes behind nginx', () => {
  const overrides = {
    PORTAL_RATE_LIMIT_PER_MINUTE: '4',
    TRUSTED_PROXIES: '127.0.0.1',
    PORTAL_PUBLIC_URL: `https://localhost:${TEST_PORTS.tlsProxy}`,
    LOG_LEVEL: 'info',
  };
  const apps: PortalProcess[] = [];
  let proxy: TlsProxy | undefined;

  beforeAll(async () => {
    apps.push(await startPortalProcess(overrides));
    apps.push(await startPortalProcess(overrides));
    proxy = await startTlsProxy(apps.map((app) => app.port));
  }, 240_000);

  afterAll(async () => {
    await proxy?.stop();
    await Promise.all(apps.map((app) => app.stop()));
  });

  /** A parent's browser at nginx, from its own loopback address. */
  const clientFrom = (address: string) => new PortalClient(proxy!.publicUrl, proxy!.dispatcher(address));
  const signIn = async (client: PortalClient, email: string, password = PASSWORD) => (await client.post('/api/v1/auth/sign-in', { email, password })).status;

  it('given one client\'s sign-ins alternating between the processes, and one process restarted mid-way, then the per-address limit counts them all: the fifth is refused by either', async () => {
    const client = clientFrom(randomLoopback());
    await client.csrf();
    const before = apps.map(signInsServed);
    const statuses = [await signIn(client, `nobody-${randomUUID()}@example.org`), await signIn(client, `nobody-${randomUUID()}@example.org`)];
    // Both processes answered one of them: nginx alternates.
    await servedBy(apps, (served) => served[0] - before[0] === 1 && served[1] - before[1] === 1);

    await apps[1].restart();
    expect(signInsServed(apps[1])).toBe(0);
    for (let i = 0; i < 4; i += 1) statuses.push(await signIn(client, `nobody-${randomUUID()}@example.org`));
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
    // The restarted process answered half of them, a refusal among them, from hits counted before its restart.
    await servedBy(apps, (served) => served[1] === 2);

    // Another client is not affected.
    const other = clientFrom(randomLoopback());
    await other.csrf();
    expect(await signIn(other, `nobody-${randomUUID()}@example.org`)).toBe(401);
  }, 180_000);

  it('given wrong passwords for one login from ever new addresses, alternating between the processes, and one process restarted mid-way, then the eleventh is refused by either, and every later try too', async () => {
    const email = `parent-${randomUUID()}@example.org`;
    // Each guess from an address of its own (no per-address limit applies); the CSRF tokens first,
    // so that the sign-ins follow each other at nginx and alternate between the processes.
    const clients: PortalClient[] = [];
    for (let i = 0; i < 12; i += 1) {
      clients.push(clientFrom(randomLoopback()));
      await clients[i].csrf();
    }
    const guess = (i: number) => signIn(clients[i], email, `a wrong guess number ${i}`);
    const before = apps.map(signInsServed);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) statuses.push(await guess(i));
    await servedBy(apps, (served) => served[0] - before[0] === 3 && served[1] - before[1] === 3);

    await apps[0].restart();
    const middle = apps.map(signInsServed);
    for (let i = 6; i < 12; i += 1) statuses.push(await guess(i));
    expect(statuses).toEqual([...Array(10).fill(401), 429, 429]);
    // The last two, refused, went one to each process: the restarted one among them.
    await servedBy(apps, (served) => served[0] - middle[0] === 3 && served[1] - middle[1] === 3);
  }, 180_000);
});
