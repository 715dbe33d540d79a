import { Database, DedicatedConnection } from '../../apps/server/src/database/database';
import { createDataSource } from '../../apps/server/src/database/data-source';
import { waitFor } from '../support/processes';
import { AutoFailoverCluster } from '../support/auto-failover';

/**
 * PostgreSQL with automatic failover as deployed: pg_auto_failover's monitor and a keeper per
 * node, a primary and its synchronous standby; the app is given both hosts. The primary's machine
 * dies (its postgres and keeper killed): the monitor promotes the standby, and the app, with no
 * restart and no edited configuration, writes to the new primary with every committed row there.
 */
describe('pg_auto_failover: a primary and a standby, the primary killed', () => {
  const cluster = new AutoFailoverCluster();
  const [first, second] = cluster.nodePorts;
  const source = createDataSource(cluster.url);
  const db = new Database(source);
  const serverPort = async (): Promise<number> => Number((await db.query<{ port: number }>('SELECT inet_server_port() AS port')).rows[0].port);
  /** Writes a row; answers the port of the server that committed it. */
  const writeEvent = async (marker: string): Promise<number> =>
    Number(
      (await db.query<{ port: number }>(`INSERT INTO audit_events (actor_kind, actor_id, action, subject_kind) VALUES ('system', $1, 'failover.test', 'test') RETURNING inet_server_port() AS port`, [marker])).rows[0].port,
    );
  const markers = async (): Promise<string[]> =>
    (await db.query<{ actor_id: string }>(`SELECT actor_id FROM audit_events WHERE action = 'failover.test' ORDER BY at, id`)).rows.map((r) => r.actor_id);

  beforeAll(async () => {
    await cluster.create();
    await cluster.migrate();
    await source.initialize();
  }, 180_000);
  afterAll(async () => {
    await source.destroy().catch(() => undefined);
    await cluster.destroy();
  }, 60_000);

  it('given both nodes up, then the pool and a dedicated connection reach the primary, never the standby', async () => {
    expect(await serverPort()).toBe(first);
    const dedicated = await DedicatedConnection.open(cluster.url, 'alloparents-test');
    try {
      expect((await dedicated.query<{ port: number }>('SELECT inet_server_port() AS port')).rows[0].port).toBe(first);
    } finally {
      await dedicated.end();
    }
  });

  it('given the primary killed, then the monitor promotes the standby and the same pool writes to it, with every committed row there', async () => {
    for (let i = 1; i <= 20; i++) await writeEvent(`before-${i}`);
    cluster.kill(first);
    const killedAt = Date.now();
    await waitFor('the standby to be promoted', async () => cluster.isPromoted(second), 60_000, 200);
    const promotedInMs = Date.now() - killedAt;
    // The pool's connections to the dead primary fail once and are dropped; the next ones find the
    // promoted standby once its keeper lets it take writes (meanwhile a call would reach the hotline).
    await waitFor('a write through the pool to land on the promoted standby', async () => ((await writeEvent('after').catch(() => undefined)) === second ? true : undefined), 20_000, 100);
    const appBackInMs = Date.now() - killedAt;
    console.log(`pg_auto_failover: standby promoted ${promotedInMs} ms after the primary was killed; the app's first write on it committed ${appBackInMs} ms after`);
    expect(await markers()).toEqual([...Array.from({ length: 20 }, (_, i) => `before-${i + 1}`), 'after']);
  }, 90_000);
});
