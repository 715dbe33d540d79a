import { finderScenario, typeNumber } from '../support/finder-scenario';
import { NetworkEntry, PHONES } from '../support/network';
import { waitFor } from '../support/processes';
import { endLeftoverCalls, expectSippPassed, sippCall } from '../support/sipp';
import { World } from '../support/world';

jest.setTimeout(120_000);

/** What reached the simulated network: every INVITE is logged once, answered or refused with 503. */
const invites = (log: NetworkEntry[]) => log.filter((e) => e.what === 'dialled' || e.what === 'refused-503').map((e) => `${e.what} ${e.number}`);

/** The trunk refuses calls with "503 Service Unavailable" (the provider is down or overloaded). */
describe('the finder\'s call when the trunk answers 503 (real Asterisk, SIPp finder, simulated telephone network)', () => {
  const world = new World();

  beforeAll(() => world.start());
  afterAll(() => world.stop());
  beforeEach(() => world.network.takeLog());
  afterEach(async () => {
    await endLeftoverCalls();
    await world.network.trunkFails('none');
  });

  it('given the trunk answers 503 to every parent\'s leg, then each leg is tried once and fails at once, and the finder reaches the hotline within 10 s', async () => {
    await world.network.trunkFails('parents');
    const { nationalNumber } = await world.enrol([PHONES.person, PHONES.voicemail]);
    const since = new Date();
    const scenario = finderScenario('uac-trunk-503-parents-expect-hotline', { steps: [...typeNumber(nationalNumber), { pause: 10_000 }, { hangUp: true }] });
    expectSippPassed(await sippCall({ scenario, caller: world.callerNumber() }));
    const log = world.network.takeLog();
    // No retry storm: one INVITE per leg, in order, then the hotline.
    expect(invites(log)).toEqual([`refused-503 ${PHONES.person}`, `refused-503 ${PHONES.voicemail}`, `dialled ${PHONES.hotline}`]);
    const firstRefusal = log.find((e) => e.what === 'refused-503')!;
    const hotline = log.find((e) => e.what === 'dialled')!;
    expect(hotline.atMs - firstRefusal.atMs).toBeLessThan(10_000);
    const record = await world.lastCall(since);
    expect(record).toMatchObject({ outcome: 'connected-hotline', connected_position: 'hotline' });
    expect(record.legs).toEqual([
      { position: '1', result: 'unreachable' },
      { position: '2', result: 'unreachable' },
      { position: 'hotline', result: 'connected' },
    ]);
  });

  it('given the trunk answers 503 to every call, hotline included, then the finder hears "please call 116 000" and the service hangs up, after one INVITE per leg', async () => {
    await world.network.trunkFails('all');
    const { nationalNumber } = await world.enrol([PHONES.person, PHONES.busy]);
    const since = new Date();
    const scenario = finderScenario('uac-trunk-503-all-expect-message-then-bye', { steps: [...typeNumber(nationalNumber), { expectBye: true, withinMs: 25_000 }] });
    const call = await sippCall({ scenario, caller: world.callerNumber() });
    expectSippPassed(call);
    const log = world.network.takeLog();
    expect(invites(log)).toEqual([`refused-503 ${PHONES.person}`, `refused-503 ${PHONES.busy}`, `refused-503 ${PHONES.hotline}`]);
    const hotlineRefused = log.find((e) => e.what === 'refused-503' && e.number === PHONES.hotline)!;
    // The service hung up after the whole message (~5 s), not at once: the finder heard it.
    expect(call.endedAt - hotlineRefused.atMs).toBeGreaterThan(4_000);
    expect(call.endedAt - hotlineRefused.atMs).toBeLessThan(10_000);
    const record = await world.lastCall(since);
    expect(record.outcome).toBe('hotline-unreachable');
    expect(record.legs).toEqual([
      { position: '1', result: 'unreachable' },
      { position: '2', result: 'unreachable' },
      { position: 'hotline', result: 'unreachable' },
    ]);
  });

  it('given the app is not running and the trunk answers 503, then the dialplan\'s fallback tries the hotline once, and the finder hears "please call 116 000" and is hung up', async () => {
    await world.network.trunkFails('all');
    await world.stopApp();
    try {
      await waitFor('Asterisk to notice the app is gone', async () => !(await world.asterisk.cli('ari show apps')).output.includes('alloparents'), 10_000);
      const scenario = finderScenario('uac-no-app-trunk-503-expect-message-then-bye', { steps: [{ expectBye: true, withinMs: 15_000 }] });
      const call = await sippCall({ scenario, caller: world.callerNumber() });
      expectSippPassed(call);
      const log = world.network.takeLog();
      expect(invites(log)).toEqual([`refused-503 ${PHONES.hotline}`]);
      expect(call.endedAt - log[0].atMs).toBeGreaterThan(4_000);
    } finally {
      await world.startApp();
    }
  });
});
