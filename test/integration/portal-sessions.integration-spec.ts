import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SESSION_TOUCH_EVERY_MS } from '../../apps/server/src/portal/domain/sessions';
import { CapturingMailer, PortalClient, startPortalApp } from '../support/portal-app';
import { testConfig } from '../support/test-config';

describe('portal sessions: how often a use is recorded (the read path writes at most every 10 s per session)', () => {
  const config = testConfig({ PORTAL_RATE_LIMIT_PER_MINUTE: '100000' });
  let app: NestFastifyApplication;
  let db: DataSource;
  let mailer: CapturingMailer;
  let baseUrl: string;

  beforeAll(async () => {
    ({ app, mailer, baseUrl } = await startPortalApp(config));
    db = app.get<DataSource>(getDataSourceToken());
  });
  afterAll(async () => {
    await app.close();
  });

  async function signedInParent(): Promise<{ client: PortalClient; id: string }> {
    const client = new PortalClient(baseUrl);
    const email = `parent-${randomUUID()}@example.org`;
    const password = 'a quiet blue harbour at dawn';
    await client.csrf();
    expect((await client.post('/api/v1/auth/register', { email, password })).status).toBe(202);
    expect((await client.post('/api/v1/auth/verify-email', { token: mailer.tokenFor(email, 'verify-email') })).status).toBe(200);
    const signIn = await client.post('/api/v1/auth/sign-in', { email, password });
    expect(signIn.status).toBe(200);
    return { client, id: signIn.body.id as string };
  }

  /** Sets the recorded last use `secondsAgo` in the past; returns it as the database stores it. */
  async function lastUseAgo(parentId: string, secondsAgo: number): Promise<Date> {
    await db.query(`UPDATE portal_sessions SET last_seen_at = now() - make_interval(secs => $2) WHERE parent_id = $1`, [parentId, secondsAgo]);
    return recordedUse(parentId);
  }

  async function recordedUse(parentId: string): Promise<Date> {
    const rows: { last_seen_at: Date }[] = await db.query(`SELECT last_seen_at FROM portal_sessions WHERE parent_id = $1`, [parentId]);
    expect(rows).toHaveLength(1);
    return rows[0].last_seen_at;
  }

  it('given a use recorded less than 10 s ago, when the parent makes a request, then it is served and nothing is written', async () => {
    expect(SESSION_TOUCH_EVERY_MS).toBe(10_000);
    const { client, id } = await signedInParent();
    const before = await lastUseAgo(id, 5);
    expect((await client.get('/api/v1/account')).status).toBe(200);
    expect((await client.get('/api/v1/children')).status).toBe(200);
    expect(await recordedUse(id)).toEqual(before);
  });

  it('given a use recorded more than 10 s ago, when the parent makes a request, then this use is recorded', async () => {
    const { client, id } = await signedInParent();
    const before = await lastUseAgo(id, 11);
    expect((await client.get('/api/v1/account')).status).toBe(200);
    const after = await recordedUse(id);
    expect(after.getTime()).toBeGreaterThan(before.getTime() + 10_000);
  });

  it('given a use recorded 14 min 59 s ago, then the session is alive and its idle clock starts again; 15 min 1 s ago, it has ended', async () => {
    const { client, id } = await signedInParent();
    await lastUseAgo(id, 14 * 60 + 59);
    expect((await client.get('/api/v1/account')).status).toBe(200);
    expect(Date.now() - (await recordedUse(id)).getTime()).toBeLessThan(5_000);

    await lastUseAgo(id, 15 * 60 + 1);
    expect((await client.get('/api/v1/account')).status).toBe(401);
  });
});
