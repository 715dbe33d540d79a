import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultCallFlowConfig } from '../../config/app-config';
import { LANGUAGES } from '../../languages';
import { randomNationalNumber } from '../../../../../test/support/national-numbers';
import { FakeClock, flush } from '../../../../../test/support/fake-clock';
import { ari, FakeStasisAdapter } from '../runtime/stasis-adapter.fake';
import { StasisRouter } from '../runtime/stasis-router';
import { CODE_REQUEST_TIMEOUT_MS, ParentLineCalls, parentLineSettingsFrom } from './parent-line-calls';
import { ChangeOutcome, ChangeProblem, CodeRequestOutcome, initialParentLine, OpenOutcome, PARENT_LINE_PROMPT_IDS, ParentLineEvent, ParentLineState, parentLineTransition, PhoneCascade, PhoneChange } from './parent-line-machine';
import { ParentLineDesk } from './parent-line-session';

const CALLER = '+32470123456';
const PARENTS_DID = '3278150009';

/**
 * The portal's side, scripted: records each request and answers with `outcome` (or never, or an
 * error). The list opens when `code` is typed, and changes apply to it in memory (the portal's
 * own rules are CascadeByPhone's, tested on their own), or are refused with `problem`.
 */
class FakeDesk implements ParentLineDesk {
  readonly requests: { callerNumber: string; nationalNumber: string }[] = [];
  readonly opens: { callerNumber: string; nationalNumber: string; keys: string }[] = [];
  readonly changes: { childId: string; change: PhoneChange; language: string }[] = [];
  outcome: CodeRequestOutcome | 'hang' | 'throw' = 'accepted';
  code = '22233344';
  locked = false;
  problem: ChangeProblem | null = null;
  cascade: PhoneCascade = { childId: 'child-1', status: 'none', numbers: [] };

  async requestCodeByPhone(callerNumber: string, nationalNumber: string): Promise<CodeRequestOutcome> {
    this.requests.push({ callerNumber, nationalNumber });
    if (this.outcome === 'throw') throw new Error('database away');
    if (this.outcome === 'hang') return new Promise(() => undefined);
    return this.outcome;
  }

  async openCascade(callerNumber: string, nationalNumber: string, keys: string): Promise<OpenOutcome> {
    this.opens.push({ callerNumber, nationalNumber, keys });
    if (this.locked) return { outcome: 'locked' };
    return keys === this.code ? { outcome: 'opened', cascade: this.cascade } : { outcome: 'refused' };
  }

  async changeCascade(childId: string, change: PhoneChange, language: string): Promise<ChangeOutcome> {
    this.changes.push({ childId, change, language });
    if (this.problem) return { outcome: 'refused', problem: this.problem, cascade: this.cascade };
    const numbers = [...this.cascade.numbers];
    let status = this.cascade.status;
    if (change.kind === 'add') numbers.push(`+32${change.typed.slice(1)}`);
    if (change.kind === 'delete') numbers.splice(change.position - 1, 1);
    if (change.kind === 'move-up') numbers.splice(change.position - 2, 2, numbers[change.position - 1], numbers[change.position - 2]);
    if (status === 'none') status = 'draft';
    if (change.kind === 'activate' || change.kind === 'resume') status = 'active';
    if (change.kind === 'pause') status = 'paused';
    this.cascade = { ...this.cascade, status, numbers };
    return { outcome: 'changed', cascade: this.cascade };
  }
}

function setUp(language: 'fr' | 'nl' = 'nl') {
  const adapter = new FakeStasisAdapter();
  const router = new StasisRouter(adapter);
  router.onModuleInit();
  const config = defaultCallFlowConfig();
  config.service.parentLineNumbers = { [PARENTS_DID]: language };
  const desk = new FakeDesk();
  const clock = new FakeClock();
  const lines: string[] = [];
  const log = { info: (f: object, m: string) => lines.push(`${m} ${JSON.stringify(f)}`), warn: (f: object, m: string) => lines.push(`${m} ${JSON.stringify(f)}`) };
  const calls = new ParentLineCalls({ config, router, control: adapter.control, desk, clock, log });
  const control = adapter.control;
  const lastPlay = () => control.plays.at(-1)!;
  const arrive = async (fields: { number?: string; pres?: string; mode?: string } = {}) => {
    adapter.emit(ari.stasisStart('ch-1', ['parents', PARENTS_DID, fields.pres ?? 'allowed', fields.mode ?? 'normal'], { caller: { number: fields.number ?? CALLER, name: '' } }));
    await flush();
  };
  const finishPlay = async () => {
    adapter.emit(ari.playbackFinished(lastPlay().id));
    await flush();
  };
  const type = async (keys: string) => {
    for (const key of keys) adapter.emit(ari.dtmf('ch-1', key));
    await flush();
  };
  return { adapter, calls, control, desk, clock, lines, config, lastPlay, arrive, finishPlay, type };
}

describe('the parents\' line (pure machine, fake ARI, fake portal)', () => {
  it('given a call, then it is answered with the welcome in the number\'s language and each other language offered in its own', async () => {
    const { control, arrive, lastPlay } = setUp('nl');
    await arrive();
    expect(control.calls[0]).toBe('answer ch-1');
    expect(lastPlay().media).toEqual(['sound:alloparents/nl/parents-welcome', 'sound:alloparents/fr/language-option', 'sound:alloparents/de/language-option', 'sound:alloparents/en/language-option']);
  });

  it('given the caller picks English and types a valid number at once, then the code is requested for that caller and number, and the same words as for any number are said before the hang-up', async () => {
    const { control, desk, arrive, type, finishPlay, lastPlay, lines } = setUp();
    const nn = randomNationalNumber();
    await arrive();
    await type('4');
    expect(lastPlay().media).toEqual(['sound:alloparents/en/parents-choose']);
    await type('1');
    expect(lastPlay().media).toEqual(['sound:alloparents/en/parents-enter-number']);
    await type(nn);
    expect(desk.requests).toEqual([{ callerNumber: CALLER, nationalNumber: nn }]);
    expect(lastPlay().media).toEqual(['sound:alloparents/en/parents-code-requested', 'sound:alloparents/en/goodbye']);
    await finishPlay();
    expect(control.calls.at(-1)).toBe('hangup ch-1');
    for (const line of lines) {
      expect(line).not.toContain(nn);
      expect(line).not.toContain('470123456');
    }
  });

  it('given no language key, when the choice times out, then the number\'s language is kept; a number then ended with # is taken', async () => {
    const { desk, clock, config, arrive, type, finishPlay, lastPlay } = setUp('fr');
    const nn = randomNationalNumber();
    await arrive();
    await finishPlay();
    await clock.advance(config.callFlow.languageChoiceTimeoutMs);
    expect(lastPlay().media).toEqual(['sound:alloparents/fr/parents-choose']);
    await type('1');
    expect(lastPlay().media).toEqual(['sound:alloparents/fr/parents-enter-number']);
    await type(`${nn}#`);
    expect(desk.requests).toHaveLength(1);
  });

  it('given a limited caller, then the limit is said, not the acceptance', async () => {
    const { desk, arrive, type, lastPlay } = setUp();
    desk.outcome = 'limited';
    await arrive();
    await type(`21${randomNationalNumber()}`);
    expect(lastPlay().media).toEqual(['sound:alloparents/nl/parents-code-limited', 'sound:alloparents/nl/goodbye']);
  });

  it('given an invalid number, then it is said and asked again; after the last attempt the call ends without a request', async () => {
    const { control, desk, config, arrive, type, finishPlay, lastPlay } = setUp();
    await arrive();
    await type('21');
    for (let attempt = 1; attempt < config.callFlow.maxNumberAttempts; attempt += 1) {
      await type('12345678901');
      expect(lastPlay().media).toEqual(['sound:alloparents/nl/invalid-number', 'sound:alloparents/nl/parents-enter-number']);
    }
    await type('12345678901');
    expect(lastPlay().media).toEqual(['sound:alloparents/nl/invalid-number', 'sound:alloparents/nl/goodbye']);
    await finishPlay();
    expect(control.calls.at(-1)).toBe('hangup ch-1');
    expect(desk.requests).toEqual([]);
  });

  it('given silence after the prompt, then the first-digit timeout counts as a failed attempt', async () => {
    const { clock, config, arrive, type, finishPlay, lastPlay } = setUp();
    await arrive();
    await type('21');
    await finishPlay();
    await clock.advance(config.callFlow.firstDigitTimeoutMs);
    expect(lastPlay().media).toEqual(['sound:alloparents/nl/invalid-number', 'sound:alloparents/nl/parents-enter-number']);
  });

  it('given the request never answers or fails, then the caller hears to try later and the call ends', async () => {
    for (const outcome of ['hang', 'throw'] as const) {
      const { control, desk, clock, arrive, type, finishPlay, lastPlay } = setUp();
      desk.outcome = outcome;
      await arrive();
      await type(`21${randomNationalNumber()}`);
      if (outcome === 'hang') await clock.advance(CODE_REQUEST_TIMEOUT_MS);
      expect([outcome, lastPlay().media]).toEqual([outcome, ['sound:alloparents/nl/parents-try-later', 'sound:alloparents/nl/goodbye']]);
      await finishPlay();
      expect(control.calls.at(-1)).toBe('hangup ch-1');
      expect(clock.pending).toBe(0);
    }
  });

  it('given a suspended service, then the caller goes to the dialplan\'s hotline fallback at once', async () => {
    const { control, desk, arrive } = setUp();
    await arrive({ mode: 'suspended' });
    expect(control.calls).toEqual(['answer ch-1', 'sendToHotlineFallback ch-1']);
    expect(desk.requests).toEqual([]);
  });

  it('given a withheld number, then the caller hears a number is needed and the call ends without a request', async () => {
    const { control, arrive, finishPlay, lastPlay } = setUp();
    await arrive({ pres: 'prohib', number: 'anonymous' });
    expect(lastPlay().media).toEqual(['sound:alloparents/nl/caller-id-required']);
    await finishPlay();
    expect(control.calls.at(-1)).toBe('hangup ch-1');
  });

  it('given the caller hangs up while typing, then nothing is requested and no timer is left', async () => {
    const { adapter, calls, desk, clock, arrive, type } = setUp();
    await arrive();
    await type('211234');
    adapter.emit(ari.stasisEnd('ch-1'));
    await flush();
    expect(calls.activeCalls).toBe(0);
    expect(clock.pending).toBe(0);
    expect(desk.requests).toEqual([]);
  });

  it('ignores stale playbacks and timers', () => {
    const settings = parentLineSettingsFrom(defaultCallFlowConfig());
    let state: ParentLineState = initialParentLine('c', 'fr');
    const step = (event: ParentLineEvent) => (state = parentLineTransition(state, event, settings).state);
    step({ type: 'Arrived', language: 'fr', callerNumber: '32470123456', suspended: false });
    const before = state;
    expect(parentLineTransition(state, { type: 'PlaybackFinished', playbackId: 'old' }, settings)).toEqual({ state: before, commands: [] });
    expect(parentLineTransition(state, { type: 'TimerFired', name: 'old' }, settings)).toEqual({ state: before, commands: [] });
    expect(parentLineTransition(state, { type: 'CodeRequested', outcome: 'accepted' }, settings)).toEqual({ state: before, commands: [] });
  });

  it('has every prompt it plays in prompts/catalog.json in the four languages', () => {
    const catalog = JSON.parse(readFileSync(join(__dirname, '../../../../../prompts/catalog.json'), 'utf8')) as { prompts: Record<string, Record<string, string>> };
    for (const id of PARENT_LINE_PROMPT_IDS) expect([id, Object.keys(catalog.prompts[id] ?? {}).sort()]).toEqual([id, [...LANGUAGES].sort()]);
  });
});

describe('the parents\' line\'s list menu (pure machine, fake ARI, fake portal)', () => {
  const en = (...ids: string[]) => ids.map((id) => `sound:alloparents/en/${id}`);
  const digits = (value: string) => [...value].map((d) => `sound:alloparents/en/digits/${d}`);

  /** An English caller who chose the list, typed the child's number and the code: the menu plays. */
  async function opened(cascade?: PhoneCascade) {
    const line = setUp();
    if (cascade) line.desk.cascade = cascade;
    const nn = randomNationalNumber();
    await line.arrive();
    await line.type('42');
    expect(line.lastPlay().media).toEqual(en('parents-manage-enter-number'));
    await line.type(nn);
    expect(line.lastPlay().media).toEqual(en('parents-enter-code'));
    await line.type(`${line.desk.code}#`);
    expect(line.desk.opens).toEqual([{ callerNumber: CALLER, nationalNumber: nn, keys: line.desk.code }]);
    return { ...line, nn };
  }

  const twoNumbers: PhoneCascade = { childId: 'child-1', status: 'active', numbers: ['+32470001001', '+32470001002'] };

  it('given a child without a list, when the code opens it, then the caller hears there is none and only adding and ending are offered', async () => {
    const { lastPlay } = await opened();
    expect(lastPlay().media).toEqual(en('parents-list-none', 'parents-menu-add', 'parents-menu-end'));
  });

  it('given an active list of two, then its status and every option that applies are read; 1 reads the numbers with their places, then the options', async () => {
    const { lastPlay, type } = await opened(twoNumbers);
    expect(lastPlay().media).toEqual(en('parents-list-active', 'parents-menu-hear', 'parents-menu-add', 'parents-menu-delete', 'parents-menu-move', 'parents-menu-pause', 'parents-menu-end'));
    await type('1');
    expect(lastPlay().media).toEqual([
      ...en('parents-number-at'), ...digits('1'), ...en('parents-plus'), ...digits('32470001001'),
      ...en('parents-number-at'), ...digits('2'), ...en('parents-plus'), ...digits('32470001002'),
      ...en('parents-menu-hear', 'parents-menu-add', 'parents-menu-delete', 'parents-menu-move', 'parents-menu-pause', 'parents-menu-end'),
    ]);
  });

  it('given 2, when the caller types a number and #, then it is read back and added only after the key 1, in the caller\'s language; the new list\'s status follows', async () => {
    const { lastPlay, type, desk } = await opened();
    await type('2');
    expect(lastPlay().media).toEqual(en('parents-enter-phone'));
    await type('0470123456#');
    expect(lastPlay().media).toEqual([...en('parents-you-typed'), ...digits('0470123456'), ...en('parents-confirm-add')]);
    expect(desk.changes).toEqual([]);
    await type('1');
    expect(desk.changes).toEqual([{ childId: 'child-1', change: { kind: 'add', typed: '0470123456' }, language: 'en' }]);
    expect(lastPlay().media).toEqual(en('parents-added', 'parents-list-draft', 'parents-menu-hear', 'parents-menu-add', 'parents-menu-delete', 'parents-menu-activate', 'parents-menu-end'));
  });

  it('given a number read back, when the caller presses star (or lets it time out), then nothing is changed', async () => {
    const { lastPlay, type, desk, finishPlay, clock, config } = await opened();
    await type('20470123456#*');
    expect(lastPlay().media).toEqual(en('parents-cancelled', 'parents-menu-add', 'parents-menu-end'));
    await type('20470123456#');
    await finishPlay();
    await clock.advance(config.callFlow.firstDigitTimeoutMs);
    expect(lastPlay().media).toEqual(en('parents-cancelled', 'parents-menu-add', 'parents-menu-end'));
    expect(desk.changes).toEqual([]);
  });

  it('given the portal refuses the number, then the reason is said and the menu follows', async () => {
    const { lastPlay, type, desk } = await opened();
    desk.problem = 'not-allowed';
    await type('2009001234567#1');
    expect(desk.changes.map((c) => c.change)).toEqual([{ kind: 'add', typed: '009001234567' }]);
    expect(lastPlay().media).toEqual(en('parents-number-not-allowed', 'parents-menu-add', 'parents-menu-end'));
  });

  it('given 3 and a place, then the number there is read back and deleted after the key 1, naming the number heard', async () => {
    const { lastPlay, type, desk } = await opened(twoNumbers);
    await type('3');
    expect(lastPlay().media).toEqual(en('parents-which-position'));
    await type('2');
    expect(lastPlay().media).toEqual([...en('parents-number-at'), ...digits('2'), ...en('parents-plus'), ...digits('32470001002'), ...en('parents-confirm-delete')]);
    await type('1');
    expect(desk.changes.map((c) => c.change)).toEqual([{ kind: 'delete', position: 2, number: '+32470001002' }]);
    expect(lastPlay().media[0]).toBe('sound:alloparents/en/parents-deleted');
  });

  it('given a place with no number, or the first place to move up, then it is said and nothing changes', async () => {
    const { lastPlay, type, desk } = await opened(twoNumbers);
    await type('39');
    expect(lastPlay().media[0]).toBe('sound:alloparents/en/parents-no-such-position');
    await type('41');
    expect(lastPlay().media[0]).toBe('sound:alloparents/en/parents-already-first');
    await type('42');
    expect(desk.changes.map((c) => c.change)).toEqual([{ kind: 'move-up', position: 2, number: '+32470001002' }]);
    expect(desk.cascade.numbers).toEqual(['+32470001002', '+32470001001']);
    expect(lastPlay().media[0]).toBe('sound:alloparents/en/parents-moved');
  });

  it('given a draft list, when the caller presses 5, then the terms\' summary plays and the key 1 activates it', async () => {
    const { lastPlay, type, desk } = await opened({ childId: 'child-1', status: 'draft', numbers: ['+32470001001'] });
    await type('5');
    expect(lastPlay().media).toEqual(en('parents-terms-summary', 'parents-confirm-activate'));
    await type('1');
    expect(desk.changes.map((c) => c.change)).toEqual([{ kind: 'activate' }]);
    expect(lastPlay().media.slice(0, 2)).toEqual(en('parents-activated', 'parents-list-active'));
  });

  it('given an active list, then 6 pauses it after the key 1, and 7 resumes it; keys not offered do nothing', async () => {
    const { lastPlay, type, desk } = await opened({ childId: 'child-1', status: 'active', numbers: ['+32470001001'] });
    await type('57');
    expect(desk.changes).toEqual([]);
    await type('6');
    expect(lastPlay().media).toEqual(en('parents-confirm-pause'));
    await type('1');
    expect(lastPlay().media).toEqual(en('parents-paused', 'parents-list-paused', 'parents-menu-hear', 'parents-menu-add', 'parents-menu-delete', 'parents-menu-resume', 'parents-menu-end'));
    await type('7');
    expect(desk.changes.map((c) => c.change)).toEqual([{ kind: 'pause' }, { kind: 'resume' }]);
    expect(lastPlay().media.slice(0, 2)).toEqual(en('parents-resumed', 'parents-list-active'));
  });

  it('given a wrong code, then "they do not match" is said and the number is asked again; after the last attempt the call ends', async () => {
    const { lastPlay, type, desk, config, finishPlay, control, arrive } = setUp();
    await arrive();
    await type('42');
    for (let attempt = 1; attempt < config.callFlow.maxNumberAttempts; attempt += 1) {
      await type(`${randomNationalNumber()}99999999#`);
      expect(lastPlay().media).toEqual(en('parents-code-wrong', 'parents-manage-enter-number'));
    }
    await type(`${randomNationalNumber()}99999999#`);
    expect(lastPlay().media).toEqual(en('parents-code-wrong', 'goodbye'));
    await finishPlay();
    expect(control.calls.at(-1)).toBe('hangup ch-1');
    expect(desk.opens).toHaveLength(config.callFlow.maxNumberAttempts);
  });

  it('given too many wrong tries already, then the lock-out is said and the call ends', async () => {
    const { lastPlay, type, desk, arrive } = setUp();
    desk.locked = true;
    await arrive();
    await type(`42${randomNationalNumber()}${desk.code}#`);
    expect(lastPlay().media).toEqual(en('parents-locked', 'goodbye'));
  });

  it('given the menu unanswered, then it is read again, and after the last time the call ends with goodbye', async () => {
    const { lastPlay, finishPlay, clock, config, control } = await opened();
    for (let time = 1; time < config.callFlow.maxNumberAttempts; time += 1) {
      await finishPlay();
      await clock.advance(config.callFlow.firstDigitTimeoutMs);
      expect(lastPlay().media).toEqual(en('parents-menu-add', 'parents-menu-end'));
    }
    await finishPlay();
    await clock.advance(config.callFlow.firstDigitTimeoutMs);
    expect(lastPlay().media).toEqual(en('goodbye'));
    await finishPlay();
    expect(control.calls.at(-1)).toBe('hangup ch-1');
    expect(clock.pending).toBe(0);
  });

  it('given a change that never answers, then the caller hears to try later and the call ends; 0 ends the call', async () => {
    const a = await opened();
    a.desk.changeCascade = () => new Promise(() => undefined);
    await a.type('20470123456#1');
    await a.clock.advance(CODE_REQUEST_TIMEOUT_MS);
    expect(a.lastPlay().media).toEqual(en('parents-try-later', 'goodbye'));
    const b = await opened();
    await b.type('0');
    expect(b.lastPlay().media).toEqual(en('goodbye'));
    await b.finishPlay();
    expect(b.control.calls.at(-1)).toBe('hangup ch-1');
  });

  it('never logs the national number, the code or a phone number', async () => {
    const { type, lines, nn, desk } = await opened(twoNumbers);
    await type('1' + '20470123456#1' + '31');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      for (const secret of [nn, desk.code, '470001001', '470123456']) expect(line).not.toContain(secret);
    }
  });
});
