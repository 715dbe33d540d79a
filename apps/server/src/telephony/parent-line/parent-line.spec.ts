import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultCallFlowConfig } from '../../config/app-config';
import { LANGUAGES } from '../../languages';
import { randomNationalNumber } from '../../../../../test/support/national-numbers';
import { FakeClock, flush } from '../../../../../test/support/fake-clock';
import { ari, FakeStasisAdapter } from '../runtime/stasis-adapter.fake';
import { StasisRouter } from '../runtime/stasis-router';
import { CODE_REQUEST_TIMEOUT_MS, ParentLineCalls, parentLineSettingsFrom } from './parent-line-calls';
import { CodeRequestOutcome, initialParentLine, PARENT_LINE_PROMPT_IDS, ParentLineEvent, ParentLineState, parentLineTransition } from './parent-line-machine';

const CALLER = '+32470123456';
const PARENTS_DID = '3278150009';

/** The portal's side, scripted: records each request and answers with `outcome` (or never, or an error). */
class FakeDesk {
  readonly requests: { callerNumber: string; nationalNumber: string }[] = [];
  outcome: CodeRequestOutcome | 'hang' | 'throw' = 'accepted';
  async requestCodeByPhone(callerNumber: string, nationalNumber: string): Promise<CodeRequestOutcome> {
    this.requests.push({ callerNumber, nationalNumber });
    if (this.outcome === 'throw') throw new Error('database away');
    if (this.outcome === 'hang') return new Promise(() => undefined);
    return this.outcome;
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
    expect(lastPlay().media).toEqual(['sound:alloparents/fr/parents-enter-number']);
    await type(`${nn}#`);
    expect(desk.requests).toHaveLength(1);
  });

  it('given a limited caller, then the limit is said, not the acceptance', async () => {
    const { desk, arrive, type, lastPlay } = setUp();
    desk.outcome = 'limited';
    await arrive();
    await type(`2${randomNationalNumber()}`);
    expect(lastPlay().media).toEqual(['sound:alloparents/nl/parents-code-limited', 'sound:alloparents/nl/goodbye']);
  });

  it('given an invalid number, then it is said and asked again; after the last attempt the call ends without a request', async () => {
    const { control, desk, config, arrive, type, finishPlay, lastPlay } = setUp();
    await arrive();
    await type('2');
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
    await type('2');
    await finishPlay();
    await clock.advance(config.callFlow.firstDigitTimeoutMs);
    expect(lastPlay().media).toEqual(['sound:alloparents/nl/invalid-number', 'sound:alloparents/nl/parents-enter-number']);
  });

  it('given the request never answers or fails, then the caller hears to try later and the call ends', async () => {
    for (const outcome of ['hang', 'throw'] as const) {
      const { control, desk, clock, arrive, type, finishPlay, lastPlay } = setUp();
      desk.outcome = outcome;
      await arrive();
      await type(`2${randomNationalNumber()}`);
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
    await type('21234');
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
