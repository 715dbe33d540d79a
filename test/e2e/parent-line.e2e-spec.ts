import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CODE_REQUESTS_PER_ACCOUNT, CODE_REQUESTS_PER_NUMBER, ParentCalls } from '../../apps/server/src/portal/domain/parent-calls';
import { Pseudonymizer } from '../../apps/server/src/privacy/pseudonymizer';
import { FinderStep, finderScenario, typeNumber } from '../support/finder-scenario';
import { PHONES } from '../support/network';
import { waitFor } from '../support/processes';
import { addMissingPrompts, ASTERISK_ROOT } from '../support/prompts';
import { endLeftoverCalls, expectSippPassed, sippCall } from '../support/sipp';
import { World } from '../support/world';

jest.setTimeout(120_000);

/** The parents' line: a number of its own in SERVICE_NUMBERS (English here, so the test can pick nothing). */
const PARENTS_LINE = '3278150009';

describe('the parents\' line, end to end (real Asterisk, SIPp caller, simulated telephone network, PostgreSQL, the app)', () => {
  const world = new World({ SERVICE_NUMBERS: `3278150000:fr,3278150001:nl,${PARENTS_LINE}:en:parents` });
  let calls: ParentCalls;
  let pseudonymizer: Pseudonymizer;
  const logName = `parents-line-played-${Date.now()}.log`;
  let logFile: string;

  beforeAll(async () => {
    await addMissingPrompts(world.config.asteriskSoundsDir);
    await world.start();
    calls = world.app!.get(ParentCalls);
    pseudonymizer = new Pseudonymizer(world.config.pseudonymKey);
    // Which sound files Asterisk plays, in a log of this instance: what the caller and the first number hear.
    logFile = join(ASTERISK_ROOT, 'srv/alloparents', world.asterisk.name, 'log', logName);
    await world.asterisk.cli(`logger add channel ${logName} verbose(3)`);
  });
  afterAll(async () => {
    try {
      await world.asterisk.cli(`logger remove channel ${logName}`).catch(() => undefined);
      rmSync(logFile, { force: true });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([calls?.settled(), new Promise((resolve) => (timer = setTimeout(resolve, 30_000)))]);
      clearTimeout(timer);
    } finally {
      await world.stop();
    }
  });
  beforeEach(() => world.network.takeLog());
  afterEach(() => endLeftoverCalls());

  /** The played-sounds log from here on. */
  function playedFrom(): () => string {
    const start = existsSync(logFile) ? readFileSync(logFile, 'utf8').length : 0;
    return () => (existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(start) : '');
  }

  /** The caller dials the parents' line, lets the welcome play, types the number and '#', and the service hangs up after its answer. */
  async function callParentsLine(caller: string, nationalNumber: string, name: string): Promise<void> {
    const steps: FinderStep[] = [{ pause: 800 }, { dtmf: '4' }, { pause: 600 }, { dtmf: `${nationalNumber}#` }, { expectBye: true, withinMs: 30_000 }];
    const call = await sippCall({ scenario: finderScenario(name, { audio: true, steps }), caller, dialled: PARENTS_LINE, timeoutSeconds: 60 });
    expectSippPassed(call);
  }

  it('given a child with an active cascade, when a parent calls the parents\' line and types the national number, then only the first number is called (never the caller), presses 1 and hears the right code twice; the request is audited as by phone', async () => {
    const { cascadeId, nationalNumber } = await world.enrol([PHONES.person, PHONES.busy], { firstName: 'Emma', language: 'en' });
    const caller = world.callerNumber();
    const played = playedFrom();
    await callParentsLine(caller, nationalNumber, 'uac-parents-line-known-number-expect-code-called');
    await calls.settled();

    const log = world.network.takeLog();
    expect(log.filter((e) => e.what === 'dialled').map((e) => e.number)).toEqual([PHONES.person]);
    expect(log.some((e) => e.what === 'pressed-1')).toBe(true);
    const text = await waitFor('the code read out on the first number', async () => (played().includes('alloparents/en/code-again') && played().includes('alloparents/en/goodbye') ? played() : undefined), 15_000);
    // World.enrol's code is ABCD-EFGH-JKLM: twelve letters, read twice.
    expect([...text.matchAll(/alloparents\/en\/letters\/([a-z])/g)].map((m) => m[1]).join('')).toBe('abcdefghjklm'.repeat(2));
    expect(text).toContain('alloparents/en/parents-code-requested');
    expect(world.asterisk.output()).not.toMatch(/Playback failed for sound:alloparents/);

    const [placed] = await world.db.query(`SELECT details FROM audit_events WHERE action = 'code.call-placed' AND subject_id = $1`, [cascadeId]);
    expect(placed.details).toEqual({ result: 'confirmed' });
    const requested = await world.db.query(`SELECT actor_id, details FROM audit_events WHERE action = 'code.call-requested' AND details->>'by' = 'phone'`);
    expect(requested.length).toBeGreaterThan(0);
    expect(requested[0].actor_id).toBeNull();
  });

  it('given a national number with no cascade, then the caller hears the same words and nobody is called', async () => {
    const played = playedFrom();
    await callParentsLine(world.callerNumber(), world.nationalNumber(), 'uac-parents-line-unknown-number-expect-same-words');
    await calls.settled();
    expect(world.network.takeLog().filter((e) => e.what === 'dialled')).toEqual([]);
    const text = played();
    expect(text).toContain('alloparents/en/parents-code-requested');
    expect(text).not.toContain('alloparents/en/parents-code-limited');
  });

  it('given the parents\' line is set up, when a finder calls the finders\' number and types at once, then the finder goes straight to the cascade and is connected to its first number', async () => {
    const { nationalNumber } = await world.enrol([PHONES.person, PHONES.busy]);
    const since = new Date();
    const scenario = finderScenario('uac-finder-beside-parents-line-expect-connected', { steps: [...typeNumber(nationalNumber), { pause: 14_000 }, { hangUp: true }] });
    expectSippPassed(await sippCall({ scenario, caller: world.callerNumber() }));
    const record = await world.lastCall(since);
    expect(record).toMatchObject({ outcome: 'connected-parent', connected_position: '1' });
    expect(world.network.takeLog().filter((e) => e.what === 'dialled').map((e) => e.number)).toEqual([PHONES.person]);
  });

  it('given the child\'s number already asked for as often as the portal allows, then the caller hears the limit and nobody is called; the same for a caller who asked as often as an account may', async () => {
    const { nationalNumber } = await world.enrol([PHONES.person], { language: 'en' });
    const rows = (kind: string, hash: Buffer, n: number) =>
      world.db.query(`INSERT INTO code_call_requests (subject_kind, subject_hash, requested_at) SELECT $1, $2, now() FROM generate_series(1, $3)`, [kind, hash, n]);
    await rows('national-number', pseudonymizer.hash('national-number', nationalNumber), CODE_REQUESTS_PER_NUMBER);
    let played = playedFrom();
    await callParentsLine(world.callerNumber(), nationalNumber, 'uac-parents-line-number-limited-expect-limit');
    expect(played()).toContain('alloparents/en/parents-code-limited');

    const caller = world.callerNumber();
    await rows('caller', pseudonymizer.hash('caller', caller), CODE_REQUESTS_PER_ACCOUNT);
    const other = await world.enrol([PHONES.person], { language: 'en' });
    played = playedFrom();
    await callParentsLine(`+${caller}`, other.nationalNumber, 'uac-parents-line-caller-limited-expect-limit');
    expect(played()).toContain('alloparents/en/parents-code-limited');
    await calls.settled();
    expect(world.network.takeLog().filter((e) => e.what === 'dialled')).toEqual([]);
  });

  it('given the operators suspended the service, then a caller on the parents\' line hears so and is put through to the hotline, like a finder', async () => {
    await world.asterisk.cli('dialplan set global ALLOPARENTS_MODE suspended');
    try {
      const scenario = finderScenario('uac-parents-line-suspended-expect-hotline', { audio: true, steps: [{ pause: 10_000 }, { hangUp: true }] });
      expectSippPassed(await sippCall({ scenario, caller: world.callerNumber(), dialled: PARENTS_LINE }));
      expect(world.network.takeLog().filter((e) => e.what === 'dialled').map((e) => e.number)).toEqual([PHONES.hotline]);
    } finally {
      await world.asterisk.cli('dialplan set global ALLOPARENTS_MODE normal');
    }
  });

  it('given the app is stopped, then the dialplan puts a caller on the parents\' line through to the hotline (it may be a finder who dialled the wrong number)', async () => {
    await world.stopApp();
    try {
      await waitFor('Asterisk to notice the app is gone', async () => !(await world.asterisk.cli('ari show apps')).output.includes('alloparents'), 10_000);
      const scenario = finderScenario('uac-parents-line-app-stopped-expect-hotline', { steps: [{ pause: 4_000 }, { hangUp: true }] });
      expectSippPassed(await sippCall({ scenario, caller: world.callerNumber(), dialled: PARENTS_LINE }));
      expect(world.network.takeLog().filter((e) => e.what === 'dialled').map((e) => e.number)).toEqual([PHONES.hotline]);
    } finally {
      await world.startApp();
    }
  });
});
