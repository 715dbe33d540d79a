import { finderScenario, typeNumber } from '../support/finder-scenario';
import { PHONES } from '../support/network';
import { waitFor } from '../support/processes';
import { endLeftoverCalls, expectSippPassed, sippCall } from '../support/sipp';
import { World } from '../support/world';

jest.setTimeout(120_000);

/** A number a cascade may hold from before the rule, but the service may not dial: a US number (not Europe). */
const US_NUMBER = '+12015550123';

/** The limits on what the service dials (docs/security.md), end to end: real Asterisk, SIPp finders, the simulated network. */
describe('the limits on what the finder\'s call dials', () => {
  const world = new World({ MAX_CALLS_PER_CASCADE: '1' });
  const dialled = () => world.network.takeLog().filter((e) => e.what === 'dialled');
  const metrics = async () => (await fetch(`${world.operatorsUrl}/metrics`)).text();

  beforeAll(() => world.start());
  afterAll(() => world.stop());
  beforeEach(() => world.network.takeLog());
  afterEach(() => endLeftoverCalls());

  it('given a cascade already ringing for one finder (cap 1), when a second finder calls for the same child, then the second goes to the hotline and the parents\' phone is not dialled again', async () => {
    const { nationalNumber } = await world.enrol([PHONES.person]);
    const first = sippCall({
      scenario: finderScenario('uac-limits-first-call-expect-connected', { steps: [...typeNumber(nationalNumber), { pause: 30_000 }, { hangUp: true }] }),
      caller: world.callerNumber(),
      timeoutSeconds: 60,
    });
    await waitFor('the first finder\'s leg to be dialled', async () => world.network.takeLog().some((e) => e.what === 'dialled' && e.number === PHONES.person), 20_000);

    const since = new Date();
    const second = await sippCall({
      scenario: finderScenario('uac-limits-second-call-expect-hotline', { steps: [...typeNumber(nationalNumber), { pause: 9_000 }, { hangUp: true }] }),
      caller: world.callerNumber(),
      timeoutSeconds: 40,
    });
    expectSippPassed(second);
    const record = await world.lastCall(since);
    expect(record).toMatchObject({ outcome: 'connected-hotline', connected_position: 'hotline', cascade_id: null });
    expect(record.legs).toEqual([{ position: 'hotline', result: 'connected' }]);
    expect(dialled().map((e) => e.number)).toEqual([PHONES.hotline]);
    expect(await metrics()).toMatch(/alloparents_limit_refusals_total\{limit="calls-per-cascade"\} 1/);

    expectSippPassed(await first);
  });

  it('given a cascade holding a number the service may not dial (saved before the rule changed), then that number is skipped, never dialled, and the next parent is called', async () => {
    const { nationalNumber } = await world.enrol([US_NUMBER, PHONES.person]);
    const since = new Date();
    const call = await sippCall({
      scenario: finderScenario('uac-limits-not-allowed-skipped-expect-connected', { steps: [...typeNumber(nationalNumber), { pause: 14_000 }, { hangUp: true }] }),
      caller: world.callerNumber(),
    });
    expectSippPassed(call);
    const record = await world.lastCall(since);
    expect(record).toMatchObject({ outcome: 'connected-parent', connected_position: '2' });
    expect(record.legs).toEqual([
      { position: '1', result: 'not-allowed' },
      { position: '2', result: 'accepted' },
    ]);
    expect(dialled().map((e) => e.number)).toEqual([PHONES.person]);
    expect(await metrics()).toMatch(/alloparents_limit_refusals_total\{limit="destination"\} 1/);
  });
});
