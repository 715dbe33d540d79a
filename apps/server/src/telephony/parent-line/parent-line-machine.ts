import { checkNationalNumber, NATIONAL_NUMBER_LENGTH } from '../../cascades/domain/national-number';
import type { Language } from '../../languages';

/**
 * The parents' line (docs/parents-by-phone.md) as a pure state machine: no I/O, no clock. A
 * parent calls the parents' number, may pick a language, types the child's national register
 * number, and the service asks for the lost contact code to be read out on the first number of
 * the child's active cascade (never to the caller). The caller hears the same words whether or
 * not the number has a cascade. The session (parent-line-session.ts) runs the commands.
 */

export const PARENT_LINE_PROMPT_IDS = [
  'parents-welcome',
  'language-option',
  'parents-enter-number',
  'invalid-number',
  'parents-code-requested',
  'parents-code-limited',
  'parents-try-later',
  'caller-id-required',
  'goodbye',
] as const;
export type ParentLinePromptId = (typeof PARENT_LINE_PROMPT_IDS)[number];

export interface ParentLineMedia {
  id: ParentLinePromptId;
  language: Language;
}

export interface ParentLineSettings {
  /** Key n of the language menu picks languages[n - 1]. */
  languages: readonly Language[];
  languageChoiceTimeoutMs: number;
  firstDigitTimeoutMs: number;
  interDigitTimeoutMs: number;
  /** Failed entries (invalid or timed out) before the call ends. */
  maxNumberAttempts: number;
  /** How long the code request may take before the caller is told to try later. */
  requestTimeoutMs: number;
}

/** accepted: the same for a number with or without a cascade; limited: too many requests for the number or from the caller. */
export type CodeRequestOutcome = 'accepted' | 'limited';

export type ParentLineEvent =
  | { type: 'Arrived'; language: Language; callerNumber: string | null; suspended: boolean }
  | { type: 'PlaybackFinished'; playbackId: string }
  | { type: 'Dtmf'; digit: string }
  | { type: 'TimerFired'; name: string }
  | { type: 'CodeRequested'; outcome: CodeRequestOutcome }
  | { type: 'HungUp' }
  | { type: 'CommandFailed'; commandType: string };

export type ParentLineCommand =
  | { type: 'answer' }
  | { type: 'play'; playbackId: string; media: ParentLineMedia[] }
  | { type: 'stopPlayback'; playbackId: string }
  | { type: 'startTimer'; name: string; ms: number }
  | { type: 'cancelTimer'; name: string }
  /** The national number and the caller's number stay in memory: never logged. */
  | { type: 'requestCode'; nationalNumber: string; callerNumber: string }
  /** The service is suspended: the dialplan's hotline fallback (which says so first). */
  | { type: 'toHotline' }
  | { type: 'hangup' };

export type ParentLineEnd = 'code-requested' | 'limited' | 'failed' | 'invalid-number' | 'withheld' | 'hotline' | 'hung-up';

export type ParentLinePhase =
  | { phase: 'idle' }
  | { phase: 'choosingLanguage'; playbackId: string | null; timer: string | null }
  | { phase: 'collectingNumber'; digits: string; failures: number; playbackId: string | null; timer: string | null }
  | { phase: 'requesting'; timer: string }
  /** The last message plays; then the call is hung up with `end`. */
  | { phase: 'closing'; playbackId: string; end: ParentLineEnd }
  | { phase: 'ended'; end: ParentLineEnd };

export type ParentLineState = ParentLinePhase & { callId: string; language: Language; callerNumber: string | null; counter: number };

export interface ParentLineTransition {
  state: ParentLineState;
  commands: ParentLineCommand[];
}

export function initialParentLine(callId: string, language: Language): ParentLineState {
  return { phase: 'idle', callId, language, callerNumber: null, counter: 0 };
}

/** Harmless when they fail: clean-up of something going away anyway. */
const HARMLESS = new Set<string>(['stopPlayback', 'cancelTimer', 'hangup']);

export function parentLineTransition(s: ParentLineState, e: ParentLineEvent, settings: ParentLineSettings): ParentLineTransition {
  if (s.phase === 'ended') return same(s);
  if (e.type === 'HungUp') return hungUp(s);
  if (e.type === 'CommandFailed' && HARMLESS.has(e.commandType)) return same(s);
  switch (s.phase) {
    case 'idle':
      return onIdle(s, e, settings);
    case 'choosingLanguage':
      return onChoosingLanguage(s, e, settings);
    case 'collectingNumber':
      return onCollectingNumber(s, e, settings);
    case 'requesting':
      return onRequesting(s, e);
    case 'closing':
      return onClosing(s, e);
  }
}

type In<P extends ParentLinePhase['phase']> = Extract<ParentLinePhase, { phase: P }> & Omit<ParentLineState, keyof ParentLinePhase>;

function onIdle(s: In<'idle'>, e: ParentLineEvent, settings: ParentLineSettings): ParentLineTransition {
  if (e.type !== 'Arrived') return same(s);
  const step = new Step({ ...s, language: e.language, callerNumber: e.callerNumber });
  step.emit({ type: 'answer' });
  // A suspended service takes no request: the caller hears why and goes to the hotline, like a finder.
  if (e.suspended) return handOver(step);
  // The per-caller limit needs the caller's number, as the portal's needs an account.
  if (!e.callerNumber) return close(step, [{ id: 'caller-id-required', language: e.language }], 'withheld');
  const others = settings.languages.filter((lang) => lang !== e.language);
  const playbackId = step.play([{ id: 'parents-welcome', language: e.language }, ...others.map((language) => ({ id: 'language-option' as const, language }))]);
  return step.to({ phase: 'choosingLanguage', playbackId, timer: null });
}

function onChoosingLanguage(s: In<'choosingLanguage'>, e: ParentLineEvent, settings: ParentLineSettings): ParentLineTransition {
  const step = new Step(s);
  switch (e.type) {
    case 'PlaybackFinished':
      if (e.playbackId !== s.playbackId) return same(s);
      return step.to({ phase: 'choosingLanguage', playbackId: null, timer: step.startTimer('language', settings.languageChoiceTimeoutMs) });
    case 'Dtmf': {
      const language = /^[1-9]$/.test(e.digit) ? settings.languages[Number(e.digit) - 1] : undefined;
      if (!language) return same(s);
      step.stopPlayback(s.playbackId);
      step.cancelTimer(s.timer);
      step.state = { ...step.state, language };
      return askForNumber(step, 0, settings);
    }
    case 'TimerFired':
      return e.name === s.timer ? askForNumber(step, 0, settings) : same(s);
    case 'CommandFailed':
      // The welcome could not be played: nobody can be helped on a silent line.
      return e.commandType === 'play' || e.commandType === 'answer' ? fail(step) : same(s);
    default:
      return same(s);
  }
}

function onCollectingNumber(s: In<'collectingNumber'>, e: ParentLineEvent, settings: ParentLineSettings): ParentLineTransition {
  const step = new Step(s);
  switch (e.type) {
    case 'PlaybackFinished':
      if (e.playbackId !== s.playbackId) return same(s);
      return step.to({ ...s, playbackId: null, timer: step.startTimer('first-digit', settings.firstDigitTimeoutMs) });
    case 'Dtmf': {
      if (!/^[0-9*#]$/.test(e.digit)) return same(s);
      step.stopPlayback(s.playbackId);
      step.cancelTimer(s.timer);
      if (e.digit === '*') return askForNumber(step, s.failures, settings);
      if (e.digit === '#') return numberComplete(step, s.digits, s.failures, settings);
      const digits = s.digits + e.digit;
      if (digits.length === NATIONAL_NUMBER_LENGTH) return numberComplete(step, digits, s.failures, settings);
      return step.to({ ...s, digits, playbackId: null, timer: step.startTimer('inter-digit', settings.interDigitTimeoutMs) });
    }
    case 'TimerFired':
      if (e.name !== s.timer) return same(s);
      return numberFailed(step, s.failures + 1, settings);
    case 'CommandFailed':
      return e.commandType === 'play' ? fail(step) : same(s);
    default:
      return same(s);
  }
}

function onRequesting(s: In<'requesting'>, e: ParentLineEvent): ParentLineTransition {
  const step = new Step(s);
  switch (e.type) {
    case 'CodeRequested':
      step.cancelTimer(s.timer);
      return e.outcome === 'accepted'
        ? close(step, [{ id: 'parents-code-requested', language: s.language }, { id: 'goodbye', language: s.language }], 'code-requested')
        : close(step, [{ id: 'parents-code-limited', language: s.language }, { id: 'goodbye', language: s.language }], 'limited');
    case 'TimerFired':
      return e.name === s.timer ? fail(step) : same(s);
    case 'CommandFailed':
      if (e.commandType !== 'requestCode') return same(s);
      step.cancelTimer(s.timer);
      return fail(step);
    default:
      return same(s);
  }
}

function onClosing(s: In<'closing'>, e: ParentLineEvent): ParentLineTransition {
  const finished = e.type === 'PlaybackFinished' && e.playbackId === s.playbackId;
  const failed = e.type === 'CommandFailed' && e.commandType === 'play';
  if (!finished && !failed) return same(s);
  const step = new Step(s);
  step.emit({ type: 'hangup' });
  return step.to({ phase: 'ended', end: s.end });
}

function hungUp(s: ParentLineState): ParentLineTransition {
  const step = new Step(s);
  if (s.phase === 'choosingLanguage' || s.phase === 'collectingNumber') {
    step.stopPlayback(s.playbackId);
    step.cancelTimer(s.timer);
  }
  // A request already made goes on: the call to the first number does not need the caller.
  if (s.phase === 'requesting') step.cancelTimer(s.timer);
  if (s.phase === 'closing') step.stopPlayback(s.playbackId);
  return step.to({ phase: 'ended', end: s.phase === 'closing' ? s.end : 'hung-up' });
}

function askForNumber(step: Step, failures: number, _settings: ParentLineSettings, before: ParentLinePromptId[] = []): ParentLineTransition {
  const language = step.state.language;
  const playbackId = step.play([...before, 'parents-enter-number' as const].map((id) => ({ id, language })));
  return step.to({ phase: 'collectingNumber', digits: '', failures, playbackId, timer: null });
}

function numberComplete(step: Step, digits: string, failures: number, settings: ParentLineSettings): ParentLineTransition {
  if (!checkNationalNumber(digits).valid) return numberFailed(step, failures + 1, settings);
  step.emit({ type: 'requestCode', nationalNumber: digits, callerNumber: step.state.callerNumber ?? '' });
  return step.to({ phase: 'requesting', timer: step.startTimer('request', settings.requestTimeoutMs) });
}

function numberFailed(step: Step, failures: number, settings: ParentLineSettings): ParentLineTransition {
  const language = step.state.language;
  if (failures >= settings.maxNumberAttempts) {
    return close(step, [{ id: 'invalid-number', language }, { id: 'goodbye', language }], 'invalid-number');
  }
  return askForNumber(step, failures, settings, ['invalid-number']);
}

function fail(step: Step): ParentLineTransition {
  const language = step.state.language;
  return close(step, [{ id: 'parents-try-later', language }, { id: 'goodbye', language }], 'failed');
}

function close(step: Step, media: ParentLineMedia[], end: ParentLineEnd): ParentLineTransition {
  return step.to({ phase: 'closing', playbackId: step.play(media), end });
}

function handOver(step: Step): ParentLineTransition {
  step.emit({ type: 'toHotline' });
  return step.to({ phase: 'ended', end: 'hotline' });
}

function same(s: ParentLineState): ParentLineTransition {
  return { state: s, commands: [] };
}

/** Collects the commands of one transition and numbers the playbacks and timers of the call. */
class Step {
  readonly commands: ParentLineCommand[] = [];
  state: ParentLineState;

  constructor(state: ParentLineState) {
    this.state = state;
  }

  emit(command: ParentLineCommand): void {
    this.commands.push(command);
  }

  play(media: ParentLineMedia[]): string {
    const playbackId = this.nextId('pb');
    this.emit({ type: 'play', playbackId, media });
    return playbackId;
  }

  startTimer(name: string, ms: number): string {
    const id = `${name}:${this.nextId('t')}`;
    this.emit({ type: 'startTimer', name: id, ms });
    return id;
  }

  stopPlayback(playbackId: string | null): void {
    if (playbackId) this.emit({ type: 'stopPlayback', playbackId });
  }

  cancelTimer(name: string | null): void {
    if (name) this.emit({ type: 'cancelTimer', name });
  }

  to(phase: ParentLinePhase): ParentLineTransition {
    const { callId, language, callerNumber, counter } = this.state;
    return { state: { ...phase, callId, language, callerNumber, counter }, commands: this.commands };
  }

  private nextId(prefix: string): string {
    this.state = { ...this.state, counter: this.state.counter + 1 };
    return `${this.state.callId}:${prefix}${this.state.counter}`;
  }
}
