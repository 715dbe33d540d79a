import { health, waitForHealth } from '../support/app';
import { finderScenario } from '../support/finder-scenario';
import { PHONES } from '../support/network';
import { PrivatePostgres } from '../support/private-postgres';
import { waitFor } from '../support/processes';
import { endLeftoverCalls, expectSippPassed, sippCall } from '../support/sipp';
import { World } from '../support/world';

jest.setTimeout(120_000);

/**
 * PostgreSQL goes away in the middle of a call. The suite runs on a throwaway cluster of its own
 * (the machine's shared one serves the other tests), which it stops and starts.
 */
describe('the finder\'s call when PostgreSQL stops (private cluster, real Asterisk, SIPp finder)', () => {
  const postgres = new PrivatePostgres();
  // A slow typist: the database stops between the first ten digits and the last one.
  const world = new World({ DATABASE_URL: postgres.url, INTER_DIGIT_TIMEOUT_SECONDS: '8' });

  beforeAll(async () => {
    await postgres.create();
    await world.start();
  });
  afterAll(async () => {
    try {
      await world.stop();
    } finally {
      await postgres.destroy();
    }
  });
  beforeEach(() => world.network.takeLog());
  afterEach(() => endLeftoverCalls());

  it('given PostgreSQL stops while the finder types the number, then the finder is put through to the hotline within 10 s, /health says database down then up, and the call\'s records are written once it is back', async () => {
    const { nationalNumber } = await world.enrol([PHONES.person]);
    const caller = world.callerNumber();
    const since = new Date();
    const scenario = finderScenario('uac-database-stops-expect-hotline', {
      steps: [{ pause: 800 }, { dtmf: '1' }, { pause: 400 }, { dtmf: nationalNumber.slice(0, 10) }, { pause: 2_500 }, { dtmf: nationalNumber.slice(10) }, { pause: 12_000 }, { hangUp: true }],
    });
    const call = sippCall({ scenario, caller, timeoutSeconds: 40 });
    // The call has reached the app and its start is stored: the finder is typing.
    await waitFor('the call to start', async () => (await world.db.query(`SELECT 1 FROM call_records WHERE started_at >= $1`, [since])).length > 0, 10_000, 100);
    await postgres.stop();
    const stoppedAt = Date.now();

    const log: ReturnType<World['network']['takeLog']> = [];
    const hotline = await waitFor('the hotline to be dialled', async () => {
      log.push(...world.network.takeLog());
      return log.find((e) => e.what === 'dialled');
    }, 12_000, 100);
    expect(hotline.number).toBe(PHONES.hotline);
    expect(hotline.atMs - stoppedAt).toBeLessThan(10_000);
    // The cascade could not be read: no parent's phone rang.
    expect(log.filter((e) => e.what === 'dialled').map((e) => e.number)).toEqual([PHONES.hotline]);
    expect((await health(world.config)).body).toMatchObject({ status: 'error', database: 'down', ari: 'up' });

    expectSippPassed(await call);
    await postgres.start();
    const restartedAt = Date.now();
    await waitForHealth(world.config, { status: 'ok', database: 'up' }, 15_000);
    expect(Date.now() - restartedAt).toBeLessThan(10_000);

    // Nothing was lost: the call, its hotline leg and the look-up's bookkeeping, written late.
    const record = await world.lastCall(since);
    expect(record).toMatchObject({ outcome: 'connected-hotline', connected_position: 'hotline' });
    expect(record.legs).toEqual([{ position: 'hotline', result: 'connected' }]);
    const [noted] = await world.db.query(`SELECT caller_hash IS NOT NULL AS has_caller, number_entered_at IS NOT NULL AS has_entry FROM call_records WHERE id = $1`, [record.id]);
    expect(noted).toEqual({ has_caller: true, has_entry: true });
  });
});
