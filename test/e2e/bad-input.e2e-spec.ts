import { health } from '../support/app';
import { finderScenario } from '../support/finder-scenario';
import { PHONES } from '../support/network';
import { waitFor } from '../support/processes';
import { endLeftoverCalls, expectSippPassed, sippCall } from '../support/sipp';
import { World } from '../support/world';

jest.setTimeout(150_000);

const dialled = (world: World) => world.network.takeLog().filter((e) => e.what === 'dialled').map((e) => e.number);

/**
 * What a careless or hostile finder can send: floods of keys, too many digits, silence, the same
 * number calling again and again. Each call is handled as docs/call-flow.md says, the app never
 * crashes and its memory stays about flat. The app runs as its own process (its memory is read).
 */
describe('bad input from finders (real Asterisk, SIPp finders, the app as a process)', () => {
  // One failed entry is enough to go to the hotline: the tests stay short.
  const world = new World({ MAX_NUMBER_ATTEMPTS: '1' });
  let rssBeforeKb = 0;

  beforeAll(async () => {
    await world.start();
    await world.stopApp();
    await world.startAppProcess();
    rssBeforeKb = world.appRssKb();
  });
  afterAll(() => world.stop());
  beforeEach(() => world.network.takeLog());
  afterEach(() => endLeftoverCalls());

  it('given a flood of 1,000 keys, then the first eleven are taken as a number (invalid), the finder is put through to the hotline within 10 s of the flood and the app stays up', async () => {
    const since = new Date();
    // French, then 1,000 RFC 4733 keys 10 ms apart (1 to 9: no 0, which would ask for the hotline
    // at once); the finder then stays on the line until the service ends the call.
    const flood = Array.from({ length: 1000 }, (_, i) => String((i % 9) + 1)).join('');
    const scenario = finderScenario('uac-dtmf-flood-expect-hotline', {
      audio: true,
      steps: [{ pause: 800 }, { dtmf: '1' }, { pause: 400 }, { dtmf: flood, spacingMs: 10, toneMs: 0 }, { expectBye: true, withinMs: 40_000 }],
    });
    const call = sippCall({ scenario, caller: world.callerNumber(), timeoutSeconds: 60 });
    const floodEndsAt = Date.now() + 800 + 250 + 400 + 10_000;
    const hotline = await waitFor('the hotline to be dialled', async () => world.network.takeLog().find((e) => e.what === 'dialled'), 30_000, 250);
    expect(hotline.number).toBe(PHONES.hotline);
    expect(hotline.atMs - floodEndsAt).toBeLessThan(10_000);
    await waitFor('the finder to be bridged with the hotline', async () => {
      const { output } = await world.asterisk.cli('core show channels concise');
      // channel!context!...!bridge id!uniqueid: the finder's channel, in a bridge.
      return output.split('\n').some((line) => line.split('!')[1] === 'alloparents-finder' && (line.split('!')[12] ?? '') !== '');
    }, 10_000, 250);
    // The hotline took the call: end it from the service's side (the finder's scenario expects that BYE).
    await world.asterisk.cli('channel request hangup all');
    expectSippPassed(await call);
    expect((await world.lastCall(since)).outcome).toBe('connected-hotline');
    expect(world.appProcessAlive()).toBe(true);
  });

  it('given the finder types 30 digits, then the first eleven are taken as the number and the rest change nothing', async () => {
    const { nationalNumber } = await world.enrol([PHONES.busy]);
    const since = new Date();
    // The number, then 19 more keys (no 0).
    const scenario = finderScenario('uac-30-digits-expect-cascade', { steps: [{ pause: 800 }, { dtmf: '1' }, { pause: 400 }, { dtmf: `${nationalNumber}${'1234567891234567891'}` }, { pause: 7_000 }, { hangUp: true }] });
    expectSippPassed(await sippCall({ scenario, caller: world.callerNumber() }));
    const record = await world.lastCall(since);
    // The cascade rang (its one number is busy), then the hotline: the number was understood.
    expect(record).toMatchObject({ outcome: 'connected-hotline' });
    expect(record.legs.map((l) => l.result)).toEqual(['busy', 'connected']);
    expect(dialled(world)).toEqual([PHONES.busy, PHONES.hotline]);
  });

  it('given a finder who stays silent (a phone streaming silence), then the call does not wait forever: no key after the prompts sends the finder to the hotline', async () => {
    const since = new Date();
    const scenario = finderScenario('uac-silent-finder-expect-hotline', { audio: true, steps: [{ pause: 34_000 }, { hangUp: true }] });
    const call = sippCall({ scenario, caller: world.callerNumber(), timeoutSeconds: 60 });
    expectSippPassed(await call);
    expect(dialled(world)).toEqual([PHONES.hotline]);
    const record = await world.lastCall(since);
    expect(record).toMatchObject({ outcome: 'connected-hotline', connected_position: 'hotline' });
  });

  it('given 100 calls in a row from one number, each hanging up during the greeting, then each is recorded as such, the app stays up and its memory stays about flat', async () => {
    const since = new Date();
    const caller = world.callerNumber();
    const scenario = finderScenario('uac-100-calls-one-number-expect-each-recorded', { steps: [{ pause: 1_000 }, { hangUp: true }] });
    const calls = await sippCall({ scenario, caller, timeoutSeconds: 90, repeat: { calls: 100, rate: 10, limit: 10 } });
    expectSippPassed(calls);
    // Each recorded as the finder hanging up (the last records may land a moment after SIPp ends).
    const outcomes = await waitFor('the 100 calls to be recorded as ended', async () => {
      const rows: { outcome: string | null; n: number }[] = await world.db.query(`SELECT outcome, count(*)::int AS n FROM call_records WHERE started_at >= $1 GROUP BY outcome`, [since]);
      return rows.some((r) => r.outcome === null) ? undefined : rows;
    }, 10_000);
    expect(outcomes).toEqual([{ outcome: 'finder-hung-up', n: 100 }]);
    expect(world.appProcessAlive()).toBe(true);
    expect((await health(world.config)).body).toMatchObject({ status: 'ok' });
    // Generous: a garbage collector's swing, not a leak of every call.
    const grownKb = world.appRssKb() - rssBeforeKb;
    expect(grownKb).toBeLessThan(80 * 1024);
  });
});
