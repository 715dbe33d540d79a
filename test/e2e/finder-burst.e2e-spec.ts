import { finderScenario, typeNumber } from '../support/finder-scenario';
import { PHONES } from '../support/network';
import { waitFor } from '../support/processes';
import { endLeftoverCalls, sippCall } from '../support/sipp';
import { World } from '../support/world';

jest.setTimeout(180_000);

const FINDERS = 100;

/**
 * A burst of finders at once, each for a child whose first number answers and presses 1. ARI
 * requests queue on the app's bounded pool of connections: none may fail (Asterisk's HTTP server
 * refuses sessions past its limit, and a failed command would send a finder to the hotline).
 */
describe('a burst of finders calling at once', () => {
  const world = new World({ ABUSE_MAX_NUMBERS_PER_HOUR: '1000' });

  beforeAll(() => world.start());
  afterAll(() => world.stop());
  afterEach(() => endLeftoverCalls());

  it(`given ${FINDERS} finders calling within two seconds, then every one is connected to the parent and no ARI request fails`, async () => {
    const children = await Promise.all(Array.from({ length: FINDERS }, () => world.enrol([PHONES.person])));
    const since = new Date();
    const calls = children.map(async ({ nationalNumber }, i) => {
      await new Promise((resolve) => setTimeout(resolve, i * 20));
      const own = finderScenario(`uac-burst-${i}-expect-connected`, { steps: [...typeNumber(nationalNumber), { pause: 16_000 }, { hangUp: true }] });
      return sippCall({ scenario: own, caller: world.callerNumber(), timeoutSeconds: 60 });
    });
    const results = await Promise.all(calls);
    const failedSipp = results.filter((r) => r.code !== 0);
    // Each record is closed once the app has seen the finder's hang-up.
    const outcomes = await waitFor('every call record to be closed', async () => {
      const rows: { outcome: string | null; n: string }[] = await world.db.query(
        `SELECT outcome, count(*) AS n FROM call_records WHERE started_at >= $1 GROUP BY outcome ORDER BY outcome`,
        [since],
      );
      return rows.some((r) => r.outcome === null) ? undefined : rows;
    }, 30_000, 250);
    const metrics = await (await fetch(`http://127.0.0.1:${world.config.http.port}/metrics`)).text();
    const ariFailures = [...metrics.matchAll(/^alloparents_ari_request_failures_total\{[^}]*\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
    expect({ failedSipp: failedSipp.length, outcomes, ariFailures }).toEqual({ failedSipp: 0, outcomes: [{ outcome: 'connected-parent', n: String(FINDERS) }], ariFailures: 0 });
  });
});
