import { Database, DedicatedConnection } from '../../apps/server/src/database/database';
import { createDataSource } from '../../apps/server/src/database/data-source';
import { waitFor } from '../support/processes';
import { PrivatePostgres } from '../support/private-postgres';
import { TEST_PORT_OFFSET } from '../support/test-config';

/**
 * DATABASE_URL naming a primary and its standby, as a failover tool (pg_auto_failover, Patroni)
 * keeps them: the app writes to whichever is the primary, and after the primary dies and the
 * standby is promoted it finds the new primary by itself, with nothing committed lost.
 */
describe('a DATABASE_URL with a primary and a standby, against real PostgreSQL', () => {
  const primary = new PrivatePostgres('alloparents_failover', 15432 + TEST_PORT_OFFSET);
  const standby = new PrivatePostgres('alloparents_failover', 15433 + TEST_PORT_OFFSET);
  // The standby first: finding the primary must not depend on the order of the hosts.
  const url = `postgres://alloparents:unused@127.0.0.1:${standby.port},127.0.0.1:${primary.port}/alloparents_failover`;
  const source = createDataSource(url);
  const db = new Database(source);
  const serverPort = async (): Promise<number> => Number((await db.query<{ port: number }>('SELECT inet_server_port() AS port')).rows[0].port);
  const writeEvent = (marker: string) =>
    db.query(`INSERT INTO audit_events (actor_kind, actor_id, action, subject_kind) VALUES ('system', $1, 'failover.test', 'test')`, [marker]);
  const markers = async (): Promise<string[]> =>
    (await db.query<{ actor_id: string }>(`SELECT actor_id FROM audit_events WHERE action = 'failover.test' ORDER BY at, id`)).rows.map((r) => r.actor_id);

  beforeAll(async () => {
    await primary.create();
    await standby.createStandbyOf(primary, true);
    await source.initialize();
  }, 120_000);
  afterAll(async () => {
    await source.destroy().catch(() => undefined);
    await standby.destroy();
    await primary.destroy();
  });

  it('given both up, then the pool and a dedicated connection both reach the primary, never the standby', async () => {
    expect(await serverPort()).toBe(primary.port);
    await writeEvent('before-1');
    const dedicated = await DedicatedConnection.open(url, 'alloparents-test');
    try {
      expect((await dedicated.query<{ standby: boolean }>('SELECT pg_is_in_recovery() AS standby')).rows[0].standby).toBe(false);
    } finally {
      await dedicated.end();
    }
  });

  it('given the primary killed and the standby promoted, then the same pool writes to the new primary without a restart, and every committed row is there', async () => {
    for (let i = 2; i <= 20; i++) await writeEvent(`before-${i}`);
    await primary.kill();
    const promotedAt = Date.now();
    await standby.promote();
    // The pool's connections to the dead primary fail once and are dropped; the next ones find the promoted standby.
    await waitFor(
      'the pool to reach the promoted standby',
      async () => ((await serverPort().catch(() => undefined)) === standby.port ? true : undefined),
      10_000,
      100,
    );
    const switchedInMs = Date.now() - promotedAt;
    console.log(`database failover: the pool wrote to the promoted standby ${switchedInMs} ms after the promotion began`);
    await writeEvent('after');
    expect(await markers()).toEqual([...Array.from({ length: 20 }, (_, i) => `before-${i + 1}`), 'after']);
    expect(switchedInMs).toBeLessThan(10_000);
  });
});
