import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { finderScenario, typeNumber } from '../support/finder-scenario';
import { NetworkEntry, PHONES } from '../support/network';
import { waitFor } from '../support/processes';
import { endLeftoverCalls, expectSippPassed, sippCall } from '../support/sipp';
import { World } from '../support/world';

jest.setTimeout(120_000);

describe('the finder\'s call, end to end (real Asterisk, SIPp finder, simulated telephone network)', () => {
  const world = new World();

  beforeAll(() => world.start());
  afterAll(() => world.stop());
  beforeEach(() => world.network.takeLog());
  afterEach(() => endLeftoverCalls());

  it('given a withheld caller ID, then the call is answered, the finder hears why, and the call is hung up without any look-up', async () => {
    const since = new Date();
    const scenario = finderScenario('uac-withheld-cli-expect-refused', { withheld: true, steps: [{ expectBye: true, withinMs: 20_000 }] });
    const call = await sippCall({ scenario, caller: null });
    expectSippPassed(call);
    const record = await world.lastCall(since);
    expect(record.outcome).toBe('refused-withheld');
    expect(world.network.takeLog()).toEqual([]);
  });

  it('given an active cascade, when leg 1 answers and presses 1, then the finder is connected to leg 1 and no other leg is dialled', async () => {
    const { nationalNumber } = await world.enrol([PHONES.person, PHONES.busy]);
    const since = new Date();
    const scenario = finderScenario('uac-leg1-accepts-expect-connected', { steps: [...typeNumber(nationalNumber), { pause: 14_000 }, { hangUp: true }] });
    const call = await sippCall({ scenario, caller: world.callerNumber() });
    expectSippPassed(call);
    const record = await world.lastCall(since);
    expect(record).toMatchObject({ outcome: 'connected-parent', connected_position: '1' });
    expect(record.legs).toEqual([{ position: '1', result: 'accepted' }]);
    const dialled = world.network.takeLog().filter((e) => e.what === 'dialled');
    expect(dialled.map((e) => e.number)).toEqual([PHONES.person]);
    // The parent's phone shows the service number (LEG_CALLER_ID=service), not the finder's.
    expect(dialled[0].callerId).toBe(world.config.service.number);

    const metrics = await (await fetch(`${world.operatorsUrl}/metrics`)).text();
    expect(metrics).toMatch(/alloparents_calls_total\{outcome="connected-parent"\} [1-9]/);
    expect(metrics).toMatch(/alloparents_legs_total\{result="accepted"\} [1-9]/);
    expect(metrics).toMatch(/alloparents_first_leg_ringing_seconds_count [1-9]/);
    expect(metrics).toMatch(/alloparents_time_to_connection_seconds_count [1-9]/);
  });

  /** The finder types the number of a child whose first number is `phone`, a person who presses 1: connected to leg 1, nothing else dialled. */
  async function expectConnectedToFirstLeg(phone: string, scenarioName: string): Promise<void> {
    const { nationalNumber } = await world.enrol([phone, PHONES.busy]);
    const since = new Date();
    const scenario = finderScenario(scenarioName, { steps: [...typeNumber(nationalNumber), { pause: 22_000 }, { hangUp: true }] });
    const call = await sippCall({ scenario, caller: world.callerNumber() });
    expectSippPassed(call);
    const record = await world.lastCall(since);
    expect(record).toMatchObject({ outcome: 'connected-parent', connected_position: '1' });
    expect(record.legs).toEqual([{ position: '1', result: 'accepted' }]);
    expect(world.network.takeLog().filter((e) => e.what === 'dialled').map((e) => e.number)).toEqual([phone]);
  }

  it('given a network that signals only 183 Session Progress with early media (never 180 Ringing), then the leg is not skipped as unreachable and the finder is connected', async () => {
    await expectConnectedToFirstLeg(PHONES.personAfterEarlyMedia, 'uac-early-media-leg-expect-connected');
  });

  it('given a parent who answers in the last second of the ring time, then the answer is screened and the finder is connected, not cut off mid-hello', async () => {
    await expectConnectedToFirstLeg(PHONES.personAnsweringLate, 'uac-late-answer-expect-connected');
  });

  it('given the card carries the child\'s first name, then it is spoken to the parent from a file made for this call only, deleted when the call ends', async () => {
    const { nationalNumber } = await world.enrol([PHONES.person], { firstName: 'Emma' });
    const namesDir = join(world.config.asteriskSoundsDir, 'alloparents/names');
    const since = new Date();
    const scenario = finderScenario('uac-child-name-expect-connected', { steps: [...typeNumber(nationalNumber), { pause: 14_000 }, { hangUp: true }] });
    const before = new Set(existsSync(namesDir) ? readdirSync(namesDir) : []);
    const call = sippCall({ scenario, caller: world.callerNumber() });
    let spoken: string | undefined;
    try {
      // The rendered file, not espeak-ng's intermediate one.
      spoken = await waitFor('the name to be rendered for the call', async () => (existsSync(namesDir) ? readdirSync(namesDir).find((f) => !before.has(f) && /^[0-9a-f-]{36}\.wav$/.test(f)) : undefined), 12_000, 100);
    } finally {
      expectSippPassed(await call);
    }
    const record = await world.lastCall(since);
    expect(record.outcome).toBe('connected-parent');
    expect(spoken).toBe(`${record.id}.wav`);
    await waitFor('the name file to be deleted', async () => !existsSync(join(namesDir, spoken!)), 5_000);
    const asteriskLog = (await world.asterisk.cli('core show version')).code === 0 ? world.asterisk.output() : '';
    expect(asteriskLog).not.toMatch(/Playback failed for sound:alloparents\/names/);
  });

  it('given busy, no answer, voicemail and then a person, then the legs ring in order and the finder is connected to leg 4', async () => {
    const { nationalNumber } = await world.enrol([PHONES.busy, PHONES.ringsForever, PHONES.voicemail, PHONES.person]);
    const since = new Date();
    const scenario = finderScenario('uac-busy-noanswer-voicemail-person-expect-leg4', { steps: [...typeNumber(nationalNumber), { pause: 38_000 }, { hangUp: true }] });
    const call = await sippCall({ scenario, caller: world.callerNumber(), timeoutSeconds: 60 });
    expectSippPassed(call);
    const record = await world.lastCall(since);
    expect(record).toMatchObject({ outcome: 'connected-parent', connected_position: '4' });
    expect(record.legs.map((l) => l.result)).toEqual(['busy', 'no-answer', expect.stringMatching(/^(machine|no-key)$/), 'accepted']);
    const dialled = world.network.takeLog().filter((e) => e.what === 'dialled').map((e) => e.number);
    expect(dialled).toEqual([PHONES.busy, PHONES.ringsForever, PHONES.voicemail, PHONES.person]);
  });

  it('given nobody answers, then the finder is put through to the hotline', async () => {
    const { nationalNumber } = await world.enrol([PHONES.busy, PHONES.rejects]);
    const since = new Date();
    const scenario = finderScenario('uac-nobody-expect-hotline', { steps: [...typeNumber(nationalNumber), { pause: 9_000 }, { hangUp: true }] });
    const caller = world.callerNumber();
    const call = await sippCall({ scenario, caller });
    expectSippPassed(call);
    const record = await world.lastCall(since);
    expect(record).toMatchObject({ outcome: 'connected-hotline', connected_position: 'hotline' });
    expect(record.legs.map((l) => l.result)).toEqual(['busy', 'declined', 'connected']);
    const dialled = world.network.takeLog().filter((e) => e.what === 'dialled');
    expect(dialled.map((e) => e.number)).toEqual([PHONES.busy, PHONES.rejects, PHONES.hotline]);
    // The hotline sees what every leg presents (LEG_CALLER_ID=service): a trunk applying
    // anti-spoofing rules would refuse the finder's number.
    expect(dialled[2].callerId).toBe(world.config.service.number);
  });

  it('given three invalid numbers, then the finder is put through to the hotline', async () => {
    const since = new Date();
    const invalid = '12345678901#';
    const scenario = finderScenario('uac-three-invalid-numbers-expect-hotline', {
      steps: [{ pause: 800 }, { dtmf: '1' }, { pause: 400 }, { dtmf: invalid }, { pause: 1500 }, { dtmf: invalid }, { pause: 1500 }, { dtmf: invalid }, { pause: 9_000 }, { hangUp: true }],
    });
    const call = await sippCall({ scenario, caller: world.callerNumber() });
    expectSippPassed(call);
    const record = await world.lastCall(since);
    expect(record.outcome).toBe('connected-hotline');
    expect(world.network.takeLog().filter((e) => e.what === 'dialled').map((e) => e.number)).toEqual([PHONES.hotline]);
  });

  it('given a valid number with no cascade, then the finder is put through to the hotline', async () => {
    const since = new Date();
    const scenario = finderScenario('uac-unknown-number-expect-hotline', { steps: [...typeNumber(world.nationalNumber()), { pause: 7_000 }, { hangUp: true }] });
    const call = await sippCall({ scenario, caller: world.callerNumber() });
    expectSippPassed(call);
    const record = await world.lastCall(since);
    expect(record.outcome).toBe('connected-hotline');
    expect(world.network.takeLog().filter((e) => e.what === 'dialled').map((e) => e.number)).toEqual([PHONES.hotline]);
  });

  it('given an active cascade an operator suspended (npm run ops -- suspend), then the finder is put through to the hotline and no parent is dialled', async () => {
    const { cascadeId, nationalNumber } = await world.enrol([PHONES.person]);
    await world.db.query(`UPDATE cascades SET suspended_at = now(), suspended_reason = 'fraud' WHERE id = $1`, [cascadeId]);
    const since = new Date();
    const scenario = finderScenario('uac-suspended-cascade-expect-hotline', { steps: [...typeNumber(nationalNumber), { pause: 7_000 }, { hangUp: true }] });
    const call = await sippCall({ scenario, caller: world.callerNumber() });
    expectSippPassed(call);
    const record = await world.lastCall(since);
    expect(record.outcome).toBe('connected-hotline');
    expect(world.network.takeLog().filter((e) => e.what === 'dialled').map((e) => e.number)).toEqual([PHONES.hotline]);
  });

  it('given the finder hangs up while leg 2 rings, then leg 2 is cancelled within a second and leg 3 is never dialled', async () => {
    const { nationalNumber } = await world.enrol([PHONES.rejects, PHONES.ringsForever, PHONES.person]);
    const since = new Date();
    const scenario = finderScenario('uac-hangs-up-during-leg2-expect-cancel', { steps: [...typeNumber(nationalNumber), { pause: 4_000 }, { hangUp: true }] });
    const call = await sippCall({ scenario, caller: world.callerNumber() });
    expectSippPassed(call);
    const record = await world.lastCall(since);
    expect(record.outcome).toBe('finder-hung-up');
    // The call is over (its record is closed): leg 2's hang-up is the last thing to come.
    const log: NetworkEntry[] = [];
    await waitFor('leg 2 to be hung up', async () => {
      log.push(...world.network.takeLog());
      return log.some((e) => e.what === 'hangup' && e.number === PHONES.ringsForever);
    }, 5_000, 50);
    expect(log.filter((e) => e.what === 'dialled').map((e) => e.number)).toEqual([PHONES.rejects, PHONES.ringsForever]);
    const leg2HungUp = log.find((e) => e.what === 'hangup' && e.number === PHONES.ringsForever);
    expect(leg2HungUp).toBeDefined();
    expect(leg2HungUp!.atMs - call.endedAt).toBeLessThan(1000);
  });

  it('given DTMF sent as SIP INFO, then the number is understood as well', async () => {
    const { nationalNumber } = await world.enrol([PHONES.person]);
    const since = new Date();
    const scenario = finderScenario('uac-sip-info-dtmf-expect-connected', { steps: [{ pause: 800 }, { sipInfo: '1' }, { pause: 400 }, { sipInfo: `${nationalNumber}#` }, { pause: 14_000 }, { hangUp: true }] });
    const call = await sippCall({ scenario, caller: world.callerNumber() });
    expectSippPassed(call);
    expect((await world.lastCall(since)).outcome).toBe('connected-parent');
  });

  it('given the finder presses 2 during the greeting, then the call continues in Dutch', async () => {
    const since = new Date();
    const scenario = finderScenario('uac-dtmf-during-greeting-expect-dutch', { steps: [{ pause: 600 }, { dtmf: '2' }, { pause: 400 }, { dtmf: `${world.nationalNumber()}#` }, { pause: 5_000 }, { hangUp: true }] });
    const call = await sippCall({ scenario, caller: world.callerNumber() });
    expectSippPassed(call);
    expect((await world.lastCall(since)).language).toBe('nl');
  });

  it('given the operators suspended the service, then the finder hears so and is put through to the hotline', async () => {
    await world.asterisk.cli('dialplan set global ALLOPARENTS_MODE suspended');
    try {
      const since = new Date();
      const scenario = finderScenario('uac-suspended-expect-hotline', { steps: [{ pause: 10_000 }, { hangUp: true }] });
      const call = await sippCall({ scenario, caller: world.callerNumber() });
      expectSippPassed(call);
      expect((await world.lastCall(since)).outcome).toBe('connected-hotline');
      expect(world.network.takeLog().filter((e) => e.what === 'dialled').map((e) => e.number)).toEqual([PHONES.hotline]);
    } finally {
      await world.asterisk.cli('dialplan set global ALLOPARENTS_MODE normal');
    }
  });

  it('given the app is stopped, then the dialplan puts the finder through to the hotline', async () => {
    await world.stopApp();
    try {
      await waitFor('Asterisk to notice the app is gone', async () => !(await world.asterisk.cli('ari show apps')).output.includes('alloparents'), 10_000);
      const scenario = finderScenario('uac-app-stopped-expect-hotline', { steps: [{ pause: 4_000 }, { hangUp: true }] });
      const call = await sippCall({ scenario, caller: world.callerNumber() });
      expectSippPassed(call);
      expect(world.network.takeLog().filter((e) => e.what === 'dialled').map((e) => e.number)).toEqual([PHONES.hotline]);
    } finally {
      await world.startApp();
    }
  });
});
