import { finderScenario, typeNumber } from '../support/finder-scenario';
import { PHONES } from '../support/network';
import { waitFor } from '../support/processes';
import { endLeftoverCalls, expectSippPassed, sippCall } from '../support/sipp';
import { World } from '../support/world';
import { withAppAsOwnProcess } from '../support/app-process';

jest.setTimeout(120_000);

const dialled = (world: World) => world.network.takeLog().filter((e) => e.what === 'dialled');

/** Off-nominal: the hotline unreachable, abuse, the app crashing or stopping mid-call. */
describe('the finder\'s call when things go wrong', () => {
  // 116999 is the simulated network's congested number: the hotline cannot be reached.
  const world = new World({ HOTLINE_NUMBER: PHONES.unreachableHotline, ABUSE_MAX_NUMBERS_PER_HOUR: '2', DEADMAN_SECONDS: '6' });

  beforeAll(() => world.start());
  afterAll(() => world.stop());
  beforeEach(() => world.network.takeLog());
  afterEach(() => endLeftoverCalls());

  it('given the hotline cannot be reached either, then the finder hears "please call 116 000" and the call ends', async () => {
    const since = new Date();
    const scenario = finderScenario('uac-hotline-unreachable-expect-message-then-bye', { steps: [...typeNumber(world.nationalNumber()), { expectBye: true, withinMs: 30_000 }] });
    const call = await sippCall({ scenario, caller: world.callerNumber(), timeoutSeconds: 45 });
    expectSippPassed(call);
    expect((await world.lastCall(since)).outcome).toBe('hotline-unreachable');
    expect(dialled(world).map((e) => e.number)).toEqual([PHONES.unreachableHotline]);
  });

  it('given one caller asks for more distinct national numbers than allowed in an hour, then the next one goes straight to the hotline without ringing the parents', async () => {
    const caller = world.callerNumber();
    for (let i = 0; i < 2; i++) {
      const scenario = finderScenario(`uac-abuse-lookup-${i + 1}`, { steps: [...typeNumber(world.nationalNumber()), { expectBye: true, withinMs: 30_000 }] });
      expectSippPassed(await sippCall({ scenario, caller, timeoutSeconds: 45 }));
    }
    world.network.takeLog();
    const { nationalNumber } = await world.enrol([PHONES.person]);
    const scenario = finderScenario('uac-abuse-third-number-expect-hotline', { steps: [...typeNumber(nationalNumber), { expectBye: true, withinMs: 30_000 }] });
    expectSippPassed(await sippCall({ scenario, caller, timeoutSeconds: 45 }));
    expect(dialled(world).map((e) => e.number)).toEqual([PHONES.unreachableHotline]);
  });

  describe('with the app as its own process', () => {
    withAppAsOwnProcess(world);

    it('given a whole call at debug level, then the app\'s logs name no national number, no caller number and no parent\'s number', async () => {
      await world.killAppProcess();
      await world.startAppProcess({ LOG_LEVEL: 'debug' });
      const caller = world.callerNumber();
      const { nationalNumber } = await world.enrol([PHONES.busy, PHONES.person]);
      const scenario = finderScenario('uac-logs-expect-no-personal-data', { steps: [...typeNumber(nationalNumber), { pause: 16_000 }, { hangUp: true }] });
      expectSippPassed(await sippCall({ scenario, caller, timeoutSeconds: 40 }));
      const logs = world.appOutput();
      // The logs are there, and they follow the call by its ids...
      expect(logs).toMatch(/"callId":"[0-9a-f-]{36}"/);
      expect(logs).toContain('leg ended');
      // ...without the personal values, in any form.
      for (const secret of [nationalNumber, caller, PHONES.person, PHONES.person.slice(1), PHONES.busy.slice(1)]) expect(logs).not.toContain(secret);
      await world.killAppProcess();
      await world.startAppProcess();
    });

    it('given the app crashes while the parents\' phones ring, then the dead-man switch puts the finder through to the hotline', async () => {
      const { nationalNumber } = await world.enrol([PHONES.ringsForever]);
      const scenario = finderScenario('uac-app-crash-expect-deadman-hotline', { steps: [...typeNumber(nationalNumber), { expectBye: true, withinMs: 30_000 }] });
      const call = sippCall({ scenario, caller: world.callerNumber(), timeoutSeconds: 40 });
      await waitFor('leg 1 to ring', async () => world.network.takeLog().some((e) => e.what === 'dialled' && e.number === PHONES.ringsForever), 15_000);
      const crashedAt = Date.now();
      await world.killAppProcess();
      const hotline = await waitFor('the hotline to be dialled', async () => world.network.takeLog().find((e) => e.what === 'dialled' && e.number === PHONES.unreachableHotline), 15_000);
      // The app last pushed the 6 s deadline at most 2 s before the crash.
      expect(hotline.atMs - crashedAt).toBeLessThan(7_000);
      expectSippPassed(await call);
      await world.startAppProcess();
    });

    it('given the app crashes during the greeting and comes back, then the finder left in its Stasis app is put through to the hotline', async () => {
      const scenario = finderScenario('uac-app-restart-expect-orphan-rescued', { steps: [{ expectBye: true, withinMs: 25_000 }] });
      const call = sippCall({ scenario, caller: world.callerNumber(), timeoutSeconds: 30 });
      await waitFor('the call to be in Stasis', async () => (await world.asterisk.cli('core show channels concise')).output.includes('Stasis'), 10_000);
      await world.killAppProcess();
      const crashedAt = Date.now();
      await world.startAppProcess();
      const hotline = await waitFor('the hotline to be dialled', async () => world.network.takeLog().find((e) => e.what === 'dialled'), 12_000);
      expect(hotline.number).toBe(PHONES.unreachableHotline);
      // The rescue waits for the greeting the lost process started; the dead-man switch (6 s) bounds it.
      expect(hotline.atMs - crashedAt).toBeLessThan(8_000);
      expectSippPassed(await call);
    });
  });

  // The suite's last test: the app stays stopped (afterAll stops the rest). Starting a new app in
  // this same test process right after the graceful shutdown failed in 2 of ~13 full runs (its ARI
  // connection got no HTTP answer for 30 s; not reproduced in 4 more runs of this suite nor in 10
  // repetitions of the scenario alone), and nothing after this test needs the app.
  it('given the app is shut down gracefully while the parents\' phones ring, then the ringing leg is cancelled and the finder is handed to the hotline', async () => {
    const { nationalNumber } = await world.enrol([PHONES.ringsForever]);
    const scenario = finderScenario('uac-app-shutdown-expect-handoff', { steps: [...typeNumber(nationalNumber), { expectBye: true, withinMs: 30_000 }] });
    const call = sippCall({ scenario, caller: world.callerNumber(), timeoutSeconds: 40 });
    await waitFor('leg 1 to ring', async () => world.network.takeLog().some((e) => e.what === 'dialled' && e.number === PHONES.ringsForever), 15_000);
    await world.stopApp();
    const log: ReturnType<World['network']['takeLog']> = [];
    await waitFor('the hand-off to the hotline', async () => {
      log.push(...world.network.takeLog());
      return log.some((e) => e.what === 'dialled' && e.number === PHONES.unreachableHotline);
    }, 5_000);
    // Cancelled at once, not left to ring out (its ring timeout is 6 s).
    expect(log.filter((e) => e.what === 'hangup').map((e) => e.number)).toContain(PHONES.ringsForever);
    expectSippPassed(await call);
  });
});
