import { health, waitForHealth } from '../support/app';
import { finderScenario, typeNumber } from '../support/finder-scenario';
import { NetworkEntry, PHONES } from '../support/network';
import { sleep, waitFor } from '../support/processes';
import { endLeftoverCalls, expectSippPassed, sippCall } from '../support/sipp';
import { World } from '../support/world';

jest.setTimeout(150_000);

/**
 * The finders' channels on the service's Asterisk (not the legs it dials), from `core show
 * channels concise`: channel!context!exten!priority!state!application!data!callerid!...!bridge id!uniqueid.
 */
async function finderChannels(world: World): Promise<{ caller: string; app: string; bridged: boolean }[]> {
  const { output } = await world.asterisk.cli('core show channels concise');
  return output
    .split('\n')
    .map((line) => line.split('!'))
    .filter((f) => f.length >= 14 && /^alloparents-(finder|fallback)$|^from-trunk$/.test(f[1]) && f[5] !== 'AppDial')
    .map((f) => ({ caller: f[7], app: f[5], bridged: f[12] !== '' }));
}

/** The app and Asterisk restart under calls in progress. The app runs as its own process, killed like a crash. */
describe('the finder\'s call when the app or Asterisk restarts (real Asterisk, SIPp finders, the app as a process)', () => {
  // The parents see the finder's number (LEG_CALLER_ID=finder), so the network's log tells the finders' legs apart.
  const world = new World({ LEG_CALLER_ID: 'finder', DEADMAN_SECONDS: '6' });

  beforeAll(async () => {
    await world.start();
    await world.stopApp();
    await world.startAppProcess();
  });
  afterAll(() => world.stop());
  beforeEach(() => world.network.takeLog());
  afterEach(() => endLeftoverCalls());

  it('given 20 calls in progress, when the app is killed and started again, then every finder ends up talking to a parent or the hotline within 10 s', async () => {
    const CALLS = 20;
    const STAGGER_MS = 500;
    const { nationalNumber } = await world.enrol([PHONES.person]);
    const callers = Array.from({ length: CALLS }, () => world.callerNumber());
    // Every finder hangs up at the same moment, well after the restart has settled.
    const endAtMs = CALLS * STAGGER_MS + 24_000;
    const calls: ReturnType<typeof sippCall>[] = [];
    for (const [i, caller] of callers.entries()) {
      // The eleven digits without '#': a finder still typing when put through to the hotline
      // would end the simulated hotline's Echo() with it.
      const steps = [{ pause: 800 }, { dtmf: '1' }, { pause: 400 }, { dtmf: nationalNumber }];
      const typingMs = 800 + 250 + 400 + 11 * 250;
      const scenario = finderScenario(`uac-app-restart-20-calls-${i + 1}`, { steps: [...steps, { pause: endAtMs - i * STAGGER_MS - typingMs }, { hangUp: true }] });
      calls.push(sippCall({ scenario, caller, timeoutSeconds: 60 }));
      await sleep(STAGGER_MS); // a stagger between call starts, not a wait for anything
    }
    // Call 1 reaches its parent before the crash: that bridge must survive it.
    const log: NetworkEntry[] = [];
    const take = () => log.push(...world.network.takeLog());
    await waitFor('the first finder to be connected to its parent', async () => {
      take();
      return log.some((e) => e.what === 'pressed-1' && e.callerId === callers[0]);
    }, 30_000, 100);

    await world.killAppProcess();
    const killedAt = Date.now();
    await world.startAppProcess();

    // Every finder's channel is bridged: with its parent, or with the hotline.
    let last: Awaited<ReturnType<typeof finderChannels>> = [];
    const settled = await waitFor('every finder to be bridged with someone', async () => {
      last = await finderChannels(world);
      return last.length === CALLS && last.every((c) => c.bridged) ? last : undefined;
    }, 20_000, 250).catch(async (error: Error) => {
      take();
      const ended = await Promise.all(calls);
      const failed = ended.map((c, i) => (c.code === 0 ? '' : `call ${i + 1} (${callers[i]}):\n${c.output.slice(-1500)}`)).filter(Boolean);
      const appLog = world.appOutput().split('\n').filter((l) => /rescue|orphan|adopt|failed|error/i.test(l)).slice(-40).join('\n');
      throw new Error(`${error.message}\napp: ${appLog}\nfinder channels: ${JSON.stringify(last)}\nnetwork: ${JSON.stringify(log)}\n${failed.join('\n')}`);
    });
    const settledAt = Date.now();
    expect(settled.map((c) => c.caller).sort()).toEqual([...callers].sort());
    take();
    const reached = (caller: string) => log.some((e) => e.callerId === caller && ((e.what === 'dialled' && e.number === PHONES.hotline) || e.what === 'pressed-1'));
    expect(callers.filter((c) => !reached(c))).toEqual([]);
    // Within 10 s of the crash: the dead-man switch (6 s) bounds it even if the app is slow to come back.
    expect(settledAt - killedAt).toBeLessThan(10_000);
    // The first finder still talks to its parent; it was never sent to the hotline.
    expect(log.some((e) => e.callerId === callers[0] && e.what === 'dialled' && e.number === PHONES.hotline)).toBe(false);

    // No finder was hung up by the service before hanging up itself.
    const ended = await Promise.all(calls);
    for (const call of ended) expectSippPassed(call);
    expect(world.appProcessAlive()).toBe(true);
    // The restarted app adopted the first finder's call: when the finder hangs up, the parent is hung up too.
    const parentHungUp = await waitFor('the first finder\'s parent to be hung up', async () => {
      take();
      return log.find((e) => e.what === 'hangup' && e.number === PHONES.person && e.callerId === callers[0]);
    }, 5_000, 100);
    expect(parentHungUp.atMs - ended[0].endedAt).toBeLessThan(2_000);
  });

  it('given Asterisk restarts under the app, then /health says ari down, the app is back (ari up) within 10 s of Asterisk, and the next call works', async () => {
    await world.asterisk.stop();
    await waitForHealth(world.config, { ari: 'down' }, 10_000);
    expect((await health(world.config)).status).toBe(503);
    await world.asterisk.start();
    const asteriskBackAt = Date.now();
    await waitForHealth(world.config, { status: 'ok', ari: 'up' }, 15_000);
    expect(Date.now() - asteriskBackAt).toBeLessThan(10_000);

    const since = new Date();
    const scenario = finderScenario('uac-after-asterisk-restart-expect-hotline', { steps: [...typeNumber(world.nationalNumber()), { pause: 7_000 }, { hangUp: true }] });
    expectSippPassed(await sippCall({ scenario, caller: world.callerNumber() }));
    expect((await world.lastCall(since)).outcome).toBe('connected-hotline');
    expect(world.network.takeLog().filter((e) => e.what === 'dialled').map((e) => e.number)).toEqual([PHONES.hotline]);
  });
});
