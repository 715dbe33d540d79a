import { finderScenario, typeNumber } from '../support/finder-scenario';
import { NetworkEntry, PHONES } from '../support/network';
import { waitFor } from '../support/processes';
import { endLeftoverCalls, expectSippPassed, sippCall } from '../support/sipp';
import { World } from '../support/world';
import { withAppAsOwnProcess } from '../support/app-process';

jest.setTimeout(120_000);

/** 0.5 minutes: a connected call lasts 30 s at most (and so may a finder's wait, which takes ~12 s here). */
const MAX_CALL_SECONDS = 30;

/**
 * Bounds on what a finder's call can do, enforced by Asterisk (docs/security.md): what the caller
 * writes into the dialled number or the caller ID never shifts the Stasis arguments, and every
 * channel has a limit on its life that holds even with the app dead.
 */
describe('bounds on every call (real Asterisk, SIPp finder, simulated telephone network)', () => {
  // A parent's answered leg lives 2 × 1 s + 30 s at most; the dead-man switch fires after 6 s.
  const world = new World({ MAX_CALL_MINUTES: String(MAX_CALL_SECONDS / 60), DEADMAN_SECONDS: '6', CONFIRM_WINDOW_SECONDS: '1' });
  const log: NetworkEntry[] = [];
  /** The network's log so far in this test, read on each call. */
  const network = () => {
    log.push(...world.network.takeLog());
    return log;
  };
  const entry = (what: NetworkEntry['what'], number: string) => network().find((e) => e.what === what && e.number === number);

  beforeAll(() => world.start());
  afterAll(() => world.stop());
  beforeEach(() => {
    world.network.takeLog();
    log.length = 0;
  });
  afterEach(() => endLeftoverCalls());

  describe('what the caller writes never shifts the arguments the app reads', () => {
    it('given a dialled number carrying commas ("…,allowed,suspended"), then the finder gets the normal flow and is connected to the parent, not told the service is suspended', async () => {
      const { nationalNumber } = await world.enrol([PHONES.person]);
      const since = new Date();
      const scenario = finderScenario('uac-crafted-dialled-number-expect-parent', { steps: [...typeNumber(nationalNumber), { pause: 12_000 }, { hangUp: true }] });
      const call = await sippCall({ scenario, caller: world.callerNumber(), dialled: '3278150000,allowed,suspended' });
      expectSippPassed(call);
      expect(await world.lastCall(since)).toMatchObject({ outcome: 'connected-parent', connected_position: '1', language: 'fr' });
      expect(network().filter((e) => e.what === 'dialled').map((e) => e.number)).toEqual([PHONES.person]);
    });

    it('given a caller ID carrying commas and words, then the finder gets the normal flow and is connected to the parent', async () => {
      const { nationalNumber } = await world.enrol([PHONES.person]);
      const since = new Date();
      const scenario = finderScenario('uac-crafted-caller-id-expect-parent', { steps: [...typeNumber(nationalNumber), { pause: 12_000 }, { hangUp: true }] });
      const call = await sippCall({ scenario, caller: `${world.callerNumber()},hotline,suspended` });
      expectSippPassed(call);
      expect(await world.lastCall(since)).toMatchObject({ outcome: 'connected-parent', connected_position: '1' });
    });
  });

  it('given an unknown number, then the hotline sees the service number (LEG_CALLER_ID=service), and Asterisk ends the connected call at MAX_CALL_MINUTES', async () => {
    const since = new Date();
    const scenario = finderScenario('uac-hotline-call-expect-cut-at-max', { steps: [...typeNumber(world.nationalNumber()), { expectBye: true, withinMs: 60_000 }] });
    const call = await sippCall({ scenario, caller: world.callerNumber(), timeoutSeconds: 80 });
    expectSippPassed(call);
    expect(await world.lastCall(since)).toMatchObject({ outcome: 'connected-hotline' });
    const hotline = entry('dialled', PHONES.hotline)!;
    expect(hotline.callerId).toBe(world.config.service.number);
    // The hotline answers at once: the finder is cut MAX_CALL_SECONDS after the bridge.
    expect((call.endedAt - hotline.atMs) / 1000).toBeGreaterThanOrEqual(MAX_CALL_SECONDS - 0.5);
    expect((call.endedAt - hotline.atMs) / 1000).toBeLessThan(MAX_CALL_SECONDS + 4);
  });

  it('given a finder connected to a parent who never hangs up, then Asterisk ends the call at MAX_CALL_MINUTES, both sides', async () => {
    const { nationalNumber } = await world.enrol([PHONES.person]);
    const since = new Date();
    const scenario = finderScenario('uac-parent-call-expect-cut-at-max', { steps: [...typeNumber(nationalNumber), { expectBye: true, withinMs: 60_000 }] });
    const call = await sippCall({ scenario, caller: world.callerNumber(), timeoutSeconds: 80 });
    expectSippPassed(call);
    expect(await world.lastCall(since)).toMatchObject({ outcome: 'connected-parent', connected_position: '1' });
    const pressed = entry('pressed-1', PHONES.person)!;
    expect((call.endedAt - pressed.atMs) / 1000).toBeGreaterThanOrEqual(MAX_CALL_SECONDS - 1);
    expect((call.endedAt - pressed.atMs) / 1000).toBeLessThan(MAX_CALL_SECONDS + 4);
    // The parent's phone was hung up too (the simulated phone would wait two minutes).
    await waitFor('the parent\'s leg to be hung up', async () => entry('hangup', PHONES.person), 5_000);
  });

  describe('with the app as its own process', () => {
    withAppAsOwnProcess(world);

    it('given the app dies while a parent\'s answered leg waits for a key, then Asterisk hangs that leg up at its bound, and the finder\'s fallback call to the hotline ends at MAX_CALL_MINUTES', async () => {
      const { nationalNumber } = await world.enrol([PHONES.silentAfterHello]);
      const scenario = finderScenario('uac-app-dies-expect-leg-bounded', { steps: [...typeNumber(nationalNumber), { expectBye: true, withinMs: 75_000 }] });
      const call = sippCall({ scenario, caller: world.callerNumber(), timeoutSeconds: 90 });
      const dialled = await waitFor('the parent\'s phone to be dialled', async () => entry('dialled', PHONES.silentAfterHello), 20_000, 100);
      // The phone answers at once; after AMD the leg enters Stasis, where only the app would end it.
      await waitFor('the answered leg to be in the app', async () => /!alloparents-leg!.*!Stasis!/.test((await world.asterisk.cli('core show channels concise')).output), 10_000, 100);
      await world.killAppProcess();
      // Without the app: the dead-man switch (6 s) puts the finder through to the hotline, whose call S() ends.
      const finished = await call;
      expectSippPassed(finished);
      const hotline = entry('dialled', PHONES.hotline);
      expect(hotline).toBeDefined();
      expect((finished.endedAt - hotline!.atMs) / 1000).toBeGreaterThanOrEqual(MAX_CALL_SECONDS - 0.5);
      expect((finished.endedAt - hotline!.atMs) / 1000).toBeLessThan(MAX_CALL_SECONDS + 4);
      // The leg itself: 2 × CONFIRM_WINDOW_SECONDS + 30 s from its answer, not the phone's two minutes.
      const hangup = await waitFor('the parent\'s leg to be hung up', async () => entry('hangup', PHONES.silentAfterHello), 45_000, 250);
      const lived = (hangup.atMs - dialled.atMs) / 1000;
      expect(lived).toBeGreaterThan(25);
      expect(lived).toBeLessThan(40);
    });
  });
});
