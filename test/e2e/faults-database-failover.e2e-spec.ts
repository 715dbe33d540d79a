import { AutoFailoverCluster } from '../support/auto-failover';
import { finderScenario, typeNumber } from '../support/finder-scenario';
import { PHONES } from '../support/network';
import { waitFor } from '../support/processes';
import { endLeftoverCalls, expectSippPassed, sippCall } from '../support/sipp';
import { World } from '../support/world';

jest.setTimeout(240_000);

/**
 * The PostgreSQL primary's machine dies during calls, under pg_auto_failover (a monitor and a
 * keeper per node, started by the test; the app is given both hosts). Finders in progress end
 * with a parent or the hotline, the standby is promoted, the next finder's cascade is found, and
 * nothing written before the kill is missing.
 */
describe('the finders\' calls when the PostgreSQL primary dies (pg_auto_failover, real Asterisk, SIPp finders)', () => {
  const cluster = new AutoFailoverCluster('alloparents_e2e_failover');
  const world = new World({ DATABASE_URL: cluster.url });
  const [first, second] = cluster.nodePorts;

  beforeAll(async () => {
    await cluster.create();
    await cluster.migrate();
    await world.start();
  }, 240_000);
  afterAll(async () => {
    try {
      await world.stop();
    } finally {
      await cluster.destroy();
    }
  }, 60_000);
  beforeEach(() => world.network.takeLog());
  afterEach(() => endLeftoverCalls());

  it('given one finder talking to a parent and one typing the number when the primary is killed, then both end with a person, the standby is promoted, the next finder reaches the parent, and every record is there', async () => {
    const talking = await world.enrol([PHONES.person]);
    const typing = await world.enrol([PHONES.person]);
    const since = new Date();

    const connected = sippCall({
      scenario: finderScenario('uac-failover-talking-expect-connected', { steps: [...typeNumber(talking.nationalNumber), { pause: 30_000 }, { hangUp: true }] }),
      caller: world.callerNumber(),
      timeoutSeconds: 60,
    });
    await waitFor('the first finder to be put through to the parent', async () => world.network.takeLog().some((e) => e.what === 'pressed-1' && e.number === PHONES.person), 30_000, 100);

    // The second finder types ten digits, and the last one after the kill.
    const midway = sippCall({
      scenario: finderScenario('uac-failover-typing-expect-person', {
        steps: [{ pause: 800 }, { dtmf: '1' }, { pause: 400 }, { dtmf: typing.nationalNumber.slice(0, 10) }, { pause: 3_000 }, { dtmf: `${typing.nationalNumber.slice(10)}#` }, { pause: 20_000 }, { hangUp: true }],
      }),
      caller: world.callerNumber(),
      timeoutSeconds: 60,
    });
    await waitFor('both calls to be recorded', async () => (await world.db.query(`SELECT count(*)::int AS n FROM call_records WHERE started_at >= $1`, [since]))[0].n === 2, 10_000, 100);
    cluster.kill(first);
    const killedAt = Date.now();

    await waitFor('the standby to be promoted', async () => cluster.isPromoted(second), 60_000, 200);
    console.log(`database failover during calls: standby promoted ${Date.now() - killedAt} ms after the primary was killed`);
    expectSippPassed(await connected);
    expectSippPassed(await midway);

    // The next finder, after the failover: the cascade written before the kill is found.
    const after = new Date();
    world.network.takeLog();
    expectSippPassed(
      await sippCall({
        scenario: finderScenario('uac-failover-next-expect-connected', { steps: [...typeNumber(talking.nationalNumber), { pause: 14_000 }, { hangUp: true }] }),
        caller: world.callerNumber(),
        timeoutSeconds: 40,
      }),
    );
    expect(await world.lastCall(after)).toMatchObject({ outcome: 'connected-parent', connected_position: '1' });

    // Every call's record, the ones begun before the kill finished late on the new primary: each finder reached a person.
    const records = await waitFor(
      'the calls begun before the kill to be recorded to their end',
      async () => {
        const rows: { cascade_id: string; outcome: string | null }[] = await world.db.query(`SELECT cascade_id, outcome FROM call_records WHERE started_at >= $1 AND started_at < $2 ORDER BY started_at`, [since, after]);
        return rows.length === 2 && rows.every((r) => r.outcome !== null) ? rows : undefined;
      },
      30_000,
      250,
    );
    console.log(`database failover during calls: the finder typing at the kill ended ${records[1].outcome}`);
    expect(records[0].outcome).toBe('connected-parent');
    expect(['connected-parent', 'connected-hotline']).toContain(records[1].outcome);
  });
});
