import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CODE_REQUESTS_PER_ACCOUNT, CODE_REQUESTS_PER_NUMBER, ParentCalls } from '../../apps/server/src/portal/domain/parent-calls';
import { Pseudonymizer } from '../../apps/server/src/privacy/pseudonymizer';
import { keypadForm } from '../../apps/server/src/cards/domain/card-record';
import { CURRENT_TERMS_VERSION, ParentChildren } from '../../apps/server/src/portal/domain/parent-children';
import { FinderStep, finderScenario, typeNumber } from '../support/finder-scenario';
import { NetworkEntry, PHONES } from '../support/network';
import { findClip, findInOrder, readWav, trimSilence } from '../support/heard-audio';
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
    const steps: FinderStep[] = [{ pause: 800 }, { dtmf: '4' }, { pause: 600 }, { dtmf: '1' }, { pause: 600 }, { dtmf: `${nationalNumber}#` }, { expectBye: true, withinMs: 30_000 }];
    const call = await sippCall({ scenario: finderScenario(name, { audio: true, steps }), caller, dialled: PARENTS_LINE, timeoutSeconds: 60 });
    expectSippPassed(call);
  }

  /**
   * The caller dials the parents' line, picks English and the list (2), types the child's number
   * and the code on the keypad, then `menu` (keys and pauses: the service answers each change
   * after PostgreSQL did), and the service hangs up after `0` or its own goodbye.
   */
  async function manageByPhone(caller: string, nationalNumber: string, keys: string, menu: FinderStep[], name: string): Promise<void> {
    const steps: FinderStep[] = [{ pause: 800 }, { dtmf: '4' }, { pause: 600 }, { dtmf: '2' }, { pause: 600 }, { dtmf: nationalNumber }, { pause: 600 }, { dtmf: `${keys}#` }, { pause: AFTER_REQUEST_MS }, ...menu, { expectBye: true, withinMs: 40_000 }];
    const call = await sippCall({ scenario: finderScenario(name, { audio: true, steps }), caller, dialled: PARENTS_LINE, timeoutSeconds: 120 });
    expectSippPassed(call);
  }

  /**
   * A sound file found in a phone's recording: the same waveform through the trunk's G.711
   * correlates at about 0.9999; a different letter far lower, though a letter heard inside
   * another's name ("e" in "see") can reach 0.94.
   */
  const HEARD = 0.98;

  /** The enrolled child's code (World.enrol: ABCD-EFGH-JKLM) as a parent types it on a phone. */
  const CODE_KEYS = keypadForm('ABCD-EFGH-JKLM');
  /** Long enough for a request to PostgreSQL and the first words of the answer, as a caller listens before the next key. */
  const AFTER_REQUEST_MS = 1_500;

  async function childOf(cascadeId: string): Promise<string> {
    return (await world.db.query(`SELECT child_id FROM cascades WHERE id = $1`, [cascadeId]))[0].child_id;
  }

  async function listOf(cascadeId: string): Promise<{ status: string; numbers: string[] }> {
    const [row] = await world.db.query(`SELECT status, ARRAY(SELECT e164 FROM cascade_numbers WHERE cascade_id = c.id ORDER BY position) AS numbers FROM cascades c WHERE id = $1`, [cascadeId]);
    return row;
  }

  it('given a parent with the child\'s number and code, when they add a number, move it up and delete the first by phone, then the list is changed in the database and on the portal, each change audited as by phone', async () => {
    const { cascadeId, nationalNumber } = await world.enrol([PHONES.person, PHONES.busy], { firstName: 'Emma', language: 'en' });
    const added = '+32470009911';
    const played = playedFrom();
    const outputBefore = world.asterisk.output().length;
    await manageByPhone(
      world.callerNumber(),
      nationalNumber,
      CODE_KEYS,
      [
        { dtmf: '2' }, { pause: 500 }, { dtmf: '0470009911#' }, { pause: 500 }, { dtmf: '1' }, { pause: AFTER_REQUEST_MS },
        { dtmf: '4' }, { pause: 500 }, { dtmf: '3' }, { pause: AFTER_REQUEST_MS },
        { dtmf: '3' }, { pause: 500 }, { dtmf: '1' }, { pause: 500 }, { dtmf: '1' }, { pause: AFTER_REQUEST_MS },
        { dtmf: '0' },
      ],
      'uac-parents-line-manage-add-move-delete-expect-changed',
    );
    expect(await listOf(cascadeId)).toEqual({ status: 'active', numbers: [added, PHONES.busy] });
    const text = played();
    for (const prompt of ['parents-list-active', 'parents-you-typed', 'parents-added', 'parents-moved', 'parents-which-position', 'parents-deleted', 'goodbye']) expect([prompt, text.includes(`alloparents/en/${prompt}`)]).toEqual([prompt, true]);
    expect(world.asterisk.output().slice(outputBefore)).not.toMatch(/Playback failed for sound:alloparents/);

    const saved = await world.db.query(`SELECT actor_id, details FROM audit_events WHERE action = 'cascade.numbers-saved' AND subject_id = $1 ORDER BY at`, [cascadeId]);
    expect(saved.filter((e: { details: { by?: string } }) => e.details.by === 'phone').map((e: { actor_id: string | null; details: { numbers: number } }) => [e.actor_id, e.details.numbers])).toEqual([
      [null, 3],
      [null, 3],
      [null, 2],
    ]);
    // The portal shows a parent who manages this child the list as changed by phone.
    const [{ id: parentId }] = await world.db.query(`INSERT INTO parent_accounts DEFAULT VALUES RETURNING id`);
    const childId = await childOf(cascadeId);
    await world.db.query(`INSERT INTO parent_children (parent_id, child_id) VALUES ($1, $2)`, [parentId, childId]);
    const view = await world.app!.get(ParentChildren).cascade(parentId, childId);
    expect(view.numbers.map((n) => [n.position, n.number])).toEqual([
      [1, added],
      [2, PHONES.busy],
    ]);
  });

  it('given a list not active yet, when the parent activates it by phone (the terms\' summary and the key 1), then it is active with the current terms, recorded as by phone', async () => {
    const { cascadeId, nationalNumber } = await world.enrol([PHONES.person], { firstName: 'Noah', language: 'en', status: 'draft' });
    const played = playedFrom();
    await manageByPhone(world.callerNumber(), nationalNumber, CODE_KEYS, [{ dtmf: '5' }, { pause: 500 }, { dtmf: '1' }, { pause: AFTER_REQUEST_MS }, { dtmf: '0' }], 'uac-parents-line-activate-expect-active');
    expect(played()).toContain('alloparents/en/parents-terms-summary');
    const [cascade] = await world.db.query(`SELECT status, terms_version, terms_accepted_at FROM cascades WHERE id = $1`, [cascadeId]);
    expect(cascade).toMatchObject({ status: 'active', terms_version: CURRENT_TERMS_VERSION });
    expect(cascade.terms_accepted_at).not.toBeNull();
    const [activated] = await world.db.query(`SELECT actor_id, details FROM audit_events WHERE action = 'cascade.activated' AND subject_id = $1`, [cascadeId]);
    expect(activated).toEqual({ actor_id: null, details: { termsVersion: CURRENT_TERMS_VERSION, from: 'draft', by: 'phone' } });

  });

  it('given an active list, when the parent pauses it by phone, then a finder is put straight through to the hotline; resumed by phone, the list is active again', async () => {
    const { cascadeId, nationalNumber } = await world.enrol([PHONES.person], { firstName: 'Lina', language: 'en' });
    await manageByPhone(world.callerNumber(), nationalNumber, CODE_KEYS, [{ dtmf: '6' }, { pause: 500 }, { dtmf: '1' }, { pause: AFTER_REQUEST_MS }, { dtmf: '0' }], 'uac-parents-line-pause-expect-paused');
    expect((await listOf(cascadeId)).status).toBe('paused');

    world.network.takeLog();
    const scenario = finderScenario('uac-finder-paused-list-expect-hotline', { steps: [...typeNumber(nationalNumber), { pause: 8_000 }, { hangUp: true }] });
    expectSippPassed(await sippCall({ scenario, caller: world.callerNumber() }));
    expect(world.network.takeLog().filter((e) => e.what === 'dialled').map((e) => e.number)).toEqual([PHONES.hotline]);

    await manageByPhone(world.callerNumber(), nationalNumber, CODE_KEYS, [{ dtmf: '7' }, { pause: AFTER_REQUEST_MS }, { dtmf: '0' }], 'uac-parents-line-resume-expect-active');
    expect((await listOf(cascadeId)).status).toBe('active');
    const actions = await world.db.query(`SELECT action FROM audit_events WHERE subject_id = $1 AND details->>'by' = 'phone' ORDER BY at`, [cascadeId]);
    expect(actions.map((a: { action: string }) => a.action)).toEqual(['cascade.paused', 'cascade.resumed']);
  });

  it('given a wrong code typed by phone, then it counts toward the portal\'s lock-out: after the fifth wrong try within the hour, the right code opens nothing, by phone or on the portal', async () => {
    const { cascadeId, nationalNumber } = await world.enrol([PHONES.person], { firstName: 'Omar', language: 'en' });
    const hash = pseudonymizer.hash('national-number', nationalNumber);
    await world.db.query(`INSERT INTO link_attempts (subject_kind, subject_hash, failed_at) SELECT 'national-number', $1, now() FROM generate_series(1, 4)`, [hash]);
    const played = playedFrom();
    const caller = world.callerNumber();
    await manageByPhone(caller, nationalNumber, '99999999', [{ dtmf: nationalNumber }, { pause: 600 }, { dtmf: `${CODE_KEYS}#` }], 'uac-parents-line-wrong-code-expect-locked');
    const text = played();
    expect(text).toContain('alloparents/en/parents-code-wrong');
    expect(text).toContain('alloparents/en/parents-locked');
    expect(text).not.toContain('alloparents/en/parents-list-active');
    const attempts = await world.db.query(`SELECT subject_kind FROM link_attempts WHERE subject_hash = ANY($1::bytea[]) ORDER BY id`, [[hash, pseudonymizer.hash('caller', caller)]]);
    expect(attempts.map((a: { subject_kind: string }) => a.subject_kind).sort()).toEqual(['caller', ...Array(5).fill('national-number')]);

    const [{ id: parentId }] = await world.db.query(`INSERT INTO parent_accounts DEFAULT VALUES RETURNING id`);
    await expect(world.app!.get(ParentChildren).link(parentId, nationalNumber, 'ABCD-EFGH-JKLM')).rejects.toMatchObject({ code: 'link-locked' });
    expect((await listOf(cascadeId)).status).toBe('active');
  });

  it('given a child with an active cascade, when a parent calls the parents\' line and types the national number, then only the first number is called (never the caller), presses 1 and hears the right code twice; the request is audited as by phone', async () => {
    const { cascadeId, nationalNumber } = await world.enrol([PHONES.personWhoListens, PHONES.busy], { firstName: 'Emma', language: 'en' });
    const caller = world.callerNumber();
    const played = playedFrom();
    const outputBefore = world.asterisk.output().length;
    const heardBefore = new Set(world.network.heard());
    await callParentsLine(caller, nationalNumber, 'uac-parents-line-known-number-expect-code-called');
    await calls.settled();

    const log: NetworkEntry[] = [];
    await waitFor('the call to the first number to end on the network', async () => (log.push(...world.network.takeLog()), log.some((e) => e.what === 'hangup') || undefined), 15_000);
    expect(log.filter((e) => e.what === 'dialled').map((e) => e.number)).toEqual([PHONES.personWhoListens]);
    expect(log.some((e) => e.what === 'pressed-1')).toBe(true);

    // On the network's side: what the first number heard, against the service's own sound files.
    const [recordingFile] = world.network.heard().filter((file) => !heardBefore.has(file));
    const recording = readWav(recordingFile);
    const sound = (path: string) => trimSilence(readWav(join(world.config.asteriskSoundsDir, 'alloparents/en', `${path}.wav`)));
    const letters = [...'abcdefghjklm'].map((letter) => sound(`letters/${letter}`));
    // The recording starts as the phone presses 1, when "the code is" already plays: the letters follow at once.
    const heard = findInOrder(recording, [...letters, sound('code-again'), ...letters]);
    expect(heard.map((m) => m.score).filter((score) => score < HEARD)).toEqual([]);
    // The check tells words apart: a letter that is not in the code is nowhere in what was heard.
    for (const absent of ['n', 'z']) expect(findClip(recording, sound(`letters/${absent}`), 0, recording.length).score).toBeLessThan(HEARD);
    const text = await waitFor('the code read out on the first number', async () => (played().includes('alloparents/en/code-again') && played().includes('alloparents/en/goodbye') ? played() : undefined), 15_000);
    // World.enrol's code is ABCD-EFGH-JKLM: twelve letters, read twice.
    expect([...text.matchAll(/alloparents\/en\/letters\/([a-z])/g)].map((m) => m[1]).join('')).toBe('abcdefghjklm'.repeat(2));
    expect(text).toContain('alloparents/en/parents-code-requested');
    expect(world.asterisk.output().slice(outputBefore)).not.toMatch(/Playback failed for sound:alloparents/);

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
