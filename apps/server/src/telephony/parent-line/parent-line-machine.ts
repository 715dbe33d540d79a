import { checkNationalNumber, NATIONAL_NUMBER_LENGTH } from '../../cascades/domain/national-number';
import type { Language } from '../../languages';
import { onApplying, onChoosingPosition, onConfirming, onEnteringPhone, onManaging, openMenu } from './parent-line-menu';
import { close, fail, In, onPrompt, same, Step } from './parent-line-step';

/**
 * The parents' line (docs/parents-by-phone.md) as a pure state machine: no I/O, no clock. A
 * parent calls the parents' number, may pick a language, then chooses:
 * - 1, the lost contact code: the child's national register number, and the service asks for the
 *   code to be read out on the first number of the child's active cascade (never to the caller);
 *   the caller hears the same words whether or not the number has a cascade;
 * - 2, the list: the national number and the contact code (typed on the keypad, wrong ones count
 *   toward the portal's lock-out), then a menu to hear the numbers, add, delete and move one,
 *   activate (the terms' summary and the key 1), pause and resume (parent-line-menu.ts).
 * The session (parent-line-session.ts) runs the commands.
 */

export const PARENT_LINE_PROMPT_IDS = [
  'parents-welcome',
  'language-option',
  'parents-choose',
  'parents-enter-number',
  'parents-manage-enter-number',
  'invalid-number',
  'parents-code-requested',
  'parents-code-limited',
  'parents-try-later',
  'parents-enter-code',
  'parents-code-wrong',
  'parents-locked',
  'parents-list-none',
  'parents-list-draft',
  'parents-list-active',
  'parents-list-paused',
  'parents-list-blocked',
  'parents-list-empty',
  'parents-number-at',
  'parents-plus',
  'parents-menu-hear',
  'parents-menu-add',
  'parents-menu-delete',
  'parents-menu-move',
  'parents-menu-activate',
  'parents-menu-pause',
  'parents-menu-resume',
  'parents-menu-end',
  'parents-enter-phone',
  'parents-you-typed',
  'parents-confirm-add',
  'parents-which-position',
  'parents-no-such-position',
  'parents-already-first',
  'parents-confirm-delete',
  'parents-terms-summary',
  'parents-confirm-activate',
  'parents-confirm-pause',
  'parents-cancelled',
  'parents-added',
  'parents-deleted',
  'parents-moved',
  'parents-activated',
  'parents-paused',
  'parents-resumed',
  'parents-number-invalid',
  'parents-number-not-allowed',
  'parents-number-duplicate',
  'parents-list-full',
  'parents-last-number',
  'parents-list-changed',
  'caller-id-required',
  'goodbye',
] as const;
export type ParentLinePromptId = (typeof PARENT_LINE_PROMPT_IDS)[number];

/** A prompt of the catalog, or digits read one by one (a phone number, a position). */
export type ParentLineMedia = { id: ParentLinePromptId; language: Language } | { digits: string; language: Language };

export interface ParentLineSettings {
  /** Key n of the language menu picks languages[n - 1]. */
  languages: readonly Language[];
  languageChoiceTimeoutMs: number;
  firstDigitTimeoutMs: number;
  interDigitTimeoutMs: number;
  /** Failed entries (invalid or timed out) before the call ends; also the menus' unanswered plays. */
  maxNumberAttempts: number;
  /** How long a request to the service (the code request, opening or changing the list) may take before the caller is told to try later. */
  requestTimeoutMs: number;
  /** The most numbers a list holds (the portal's rule). */
  maxNumbers: number;
}

/** accepted: the same for a number with or without a cascade; limited: too many requests for the number or from the caller. */
export type CodeRequestOutcome = 'accepted' | 'limited';

/** The child's list as the caller hears it: its status ('none': no list yet) and its numbers in order (E.164, with '+'). */
export interface PhoneCascade {
  childId: string;
  status: 'none' | 'draft' | 'active' | 'paused' | 'blocked';
  numbers: string[];
}

/** What the caller asks to change; a position is 1-based, with the number heard there (the list may have changed meanwhile). */
export type PhoneChange =
  | { kind: 'add'; typed: string }
  | { kind: 'delete'; position: number; number: string }
  | { kind: 'move-up'; position: number; number: string }
  | { kind: 'activate' }
  | { kind: 'pause' }
  | { kind: 'resume' };

/** opened: the national number and the code match the child's current card; refused: they do not (or no such child); locked: too many wrong tries. */
export type OpenOutcome = { outcome: 'opened'; cascade: PhoneCascade } | { outcome: 'refused' } | { outcome: 'locked' };

export type ChangeProblem = 'invalid' | 'not-allowed' | 'duplicate' | 'full' | 'last-number' | 'changed';

export type ChangeOutcome = { outcome: 'changed'; cascade: PhoneCascade } | { outcome: 'refused'; problem: ChangeProblem; cascade: PhoneCascade };

export type ParentLineEvent =
  | { type: 'Arrived'; language: Language; callerNumber: string | null; suspended: boolean }
  | { type: 'PlaybackFinished'; playbackId: string }
  | { type: 'Dtmf'; digit: string }
  | { type: 'TimerFired'; name: string }
  | { type: 'CodeRequested'; outcome: CodeRequestOutcome }
  | { type: 'CascadeOpened'; result: OpenOutcome }
  | { type: 'CascadeChanged'; result: ChangeOutcome }
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
  /** The national number, the keys and the caller's number stay in memory: never logged. */
  | { type: 'openCascade'; nationalNumber: string; keys: string; callerNumber: string }
  /** `language`: the new list's, when the change creates one. */
  | { type: 'changeCascade'; childId: string; change: PhoneChange; language: Language }
  /** The service is suspended: the dialplan's hotline fallback (which says so first). */
  | { type: 'toHotline' }
  | { type: 'hangup' };

export type ParentLineEnd = 'code-requested' | 'limited' | 'failed' | 'invalid-number' | 'no-choice' | 'refused' | 'locked' | 'managed' | 'withheld' | 'hotline' | 'hung-up';

/** What the caller came for: the lost code read on the first number, or the list. */
export type ParentLinePurpose = 'code' | 'manage';

/** The menu's phases all know the list as last read (`cascade`). */
export type ParentLinePhase =
  | { phase: 'idle' }
  | { phase: 'choosingLanguage'; playbackId: string | null; timer: string | null }
  | { phase: 'choosingService'; failures: number; playbackId: string | null; timer: string | null }
  | { phase: 'collectingNumber'; purpose: ParentLinePurpose; digits: string; failures: number; playbackId: string | null; timer: string | null }
  | { phase: 'requesting'; timer: string }
  | { phase: 'collectingCode'; nationalNumber: string; keys: string; failures: number; playbackId: string | null; timer: string | null }
  | { phase: 'opening'; failures: number; timer: string }
  | { phase: 'managing'; cascade: PhoneCascade; unanswered: number; playbackId: string | null; timer: string | null }
  | { phase: 'enteringPhone'; cascade: PhoneCascade; digits: string; playbackId: string | null; timer: string | null }
  | { phase: 'choosingPosition'; cascade: PhoneCascade; action: 'delete' | 'move-up'; playbackId: string | null; timer: string | null }
  | { phase: 'confirming'; cascade: PhoneCascade; change: PhoneChange; playbackId: string | null; timer: string | null }
  | { phase: 'applying'; cascade: PhoneCascade; change: PhoneChange; timer: string }
  /** The last message plays; then the call is hung up with `end`. */
  | { phase: 'closing'; playbackId: string; end: ParentLineEnd }
  | { phase: 'ended'; end: ParentLineEnd };

export type ParentLineState = ParentLinePhase & { callId: string; language: Language; callerNumber: string | null; counter: number };

export interface ParentLineTransition {
  state: ParentLineState;
  commands: ParentLineCommand[];
}

/** The most keys a contact code takes (codes are 6 to 32 letters or digits). */
export const CONTACT_CODE_KEYS = { min: 6, max: 32 } as const;

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
    case 'choosingService':
      return onChoosingService(s, e, settings);
    case 'collectingNumber':
      return onCollectingNumber(s, e, settings);
    case 'requesting':
      return onRequesting(s, e);
    case 'collectingCode':
      return onCollectingCode(s, e, settings);
    case 'opening':
      return onOpening(s, e, settings);
    case 'managing':
      return onManaging(s, e, settings);
    case 'enteringPhone':
      return onEnteringPhone(s, e, settings);
    case 'choosingPosition':
      return onChoosingPosition(s, e, settings);
    case 'confirming':
      return onConfirming(s, e, settings);
    case 'applying':
      return onApplying(s, e, settings);
    case 'closing':
      return onClosing(s, e);
  }
}

function onIdle(s: In<'idle'>, e: ParentLineEvent, settings: ParentLineSettings): ParentLineTransition {
  if (e.type !== 'Arrived') return same(s);
  const step = new Step({ ...s, language: e.language, callerNumber: e.callerNumber });
  step.emit({ type: 'answer' });
  // A suspended service takes no request: the caller hears why and goes to the hotline, like a finder.
  if (e.suspended) return handOver(step);
  // The per-caller limits need the caller's number, as the portal's need an account.
  if (!e.callerNumber) return close(step, step.prompts('caller-id-required'), 'withheld');
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
      step.interrupt(s);
      step.state = { ...step.state, language };
      return askForService(step, 0);
    }
    case 'TimerFired':
      return e.name === s.timer ? askForService(step, 0) : same(s);
    case 'CommandFailed':
      // The welcome could not be played: nobody can be helped on a silent line.
      return e.commandType === 'play' || e.commandType === 'answer' ? fail(step) : same(s);
    default:
      return same(s);
  }
}

function onChoosingService(s: In<'choosingService'>, e: ParentLineEvent, settings: ParentLineSettings): ParentLineTransition {
  const step = new Step(s);
  const prompt = onPrompt(step, s, e, 'service', settings.firstDigitTimeoutMs);
  if (prompt) return prompt;
  switch (e.type) {
    case 'Dtmf':
      if (e.digit !== '1' && e.digit !== '2') return same(s);
      step.interrupt(s);
      return askForNumber(step, e.digit === '1' ? 'code' : 'manage', 0);
    case 'TimerFired': {
      if (e.name !== s.timer) return same(s);
      const failures = s.failures + 1;
      return failures >= settings.maxNumberAttempts ? close(step, step.prompts('goodbye'), 'no-choice') : askForService(step, failures);
    }
    default:
      return same(s);
  }
}

function onCollectingNumber(s: In<'collectingNumber'>, e: ParentLineEvent, settings: ParentLineSettings): ParentLineTransition {
  const step = new Step(s);
  const prompt = onPrompt(step, s, e, 'first-digit', settings.firstDigitTimeoutMs);
  if (prompt) return prompt;
  switch (e.type) {
    case 'Dtmf': {
      if (!/^[0-9*#]$/.test(e.digit)) return same(s);
      step.interrupt(s);
      if (e.digit === '*') return askForNumber(step, s.purpose, s.failures);
      if (e.digit === '#') return numberComplete(step, s, s.digits, settings);
      const digits = s.digits + e.digit;
      if (digits.length === NATIONAL_NUMBER_LENGTH) return numberComplete(step, s, digits, settings);
      return step.to({ ...s, digits, playbackId: null, timer: step.startTimer('inter-digit', settings.interDigitTimeoutMs) });
    }
    case 'TimerFired':
      if (e.name !== s.timer) return same(s);
      return entryFailed(step, s.purpose, s.failures + 1, settings, 'invalid-number');
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
        ? close(step, step.prompts('parents-code-requested', 'goodbye'), 'code-requested')
        : close(step, step.prompts('parents-code-limited', 'goodbye'), 'limited');
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

function onCollectingCode(s: In<'collectingCode'>, e: ParentLineEvent, settings: ParentLineSettings): ParentLineTransition {
  const step = new Step(s);
  const prompt = onPrompt(step, s, e, 'first-key', settings.firstDigitTimeoutMs);
  if (prompt) return prompt;
  switch (e.type) {
    case 'Dtmf': {
      if (!/^[0-9*#]$/.test(e.digit)) return same(s);
      step.interrupt(s);
      if (e.digit === '*') return askForCode(step, s.nationalNumber, s.failures);
      if (e.digit === '#') return codeComplete(step, s, s.keys, settings);
      const keys = s.keys + e.digit;
      // Longer than any code: it cannot match, and is not waited for.
      if (keys.length > CONTACT_CODE_KEYS.max) return codeComplete(step, s, keys, settings);
      return step.to({ ...s, keys, playbackId: null, timer: step.startTimer('inter-key', settings.interDigitTimeoutMs) });
    }
    case 'TimerFired':
      if (e.name !== s.timer) return same(s);
      // A code ends with '#': the keys typed so far are taken as the code only if they could be one.
      if (s.keys.length >= CONTACT_CODE_KEYS.min) return codeComplete(step, s, s.keys, settings);
      if (s.failures + 1 >= settings.maxNumberAttempts) return close(step, step.prompts('goodbye'), 'no-choice');
      return askForCode(step, s.nationalNumber, s.failures + 1);
    default:
      return same(s);
  }
}

function onOpening(s: In<'opening'>, e: ParentLineEvent, settings: ParentLineSettings): ParentLineTransition {
  const step = new Step(s);
  switch (e.type) {
    case 'CascadeOpened':
      step.cancelTimer(s.timer);
      switch (e.result.outcome) {
        case 'opened':
          return openMenu(step, e.result.cascade, [], settings);
        case 'locked':
          return close(step, step.prompts('parents-locked', 'goodbye'), 'locked');
        case 'refused':
          // The number or the code is wrong: which one is not said. Both are asked again.
          return entryFailed(step, 'manage', s.failures + 1, settings, 'parents-code-wrong');
      }
      return same(s);
    case 'TimerFired':
      return e.name === s.timer ? fail(step) : same(s);
    case 'CommandFailed':
      if (e.commandType !== 'openCascade') return same(s);
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
  switch (s.phase) {
    case 'closing':
      step.stopPlayback(s.playbackId);
      return step.to({ phase: 'ended', end: s.end });
    // A request already made goes on: the call to the first number does not need the caller, and a
    // change is either made or not, whoever is still listening.
    case 'requesting':
    case 'opening':
    case 'applying':
      step.cancelTimer(s.timer);
      return step.to({ phase: 'ended', end: 'hung-up' });
    case 'idle':
      return step.to({ phase: 'ended', end: 'hung-up' });
    case 'ended':
      return same(s);
    default:
      step.interrupt(s);
      return step.to({ phase: 'ended', end: s.phase === 'managing' || s.phase === 'enteringPhone' || s.phase === 'choosingPosition' || s.phase === 'confirming' ? 'managed' : 'hung-up' });
  }
}

function askForService(step: Step, failures: number): ParentLineTransition {
  return step.to({ phase: 'choosingService', failures, playbackId: step.play(step.prompts('parents-choose')), timer: null });
}

function askForNumber(step: Step, purpose: ParentLinePurpose, failures: number, before: ParentLinePromptId[] = []): ParentLineTransition {
  const playbackId = step.play(step.prompts(...before, purpose === 'code' ? 'parents-enter-number' : 'parents-manage-enter-number'));
  return step.to({ phase: 'collectingNumber', purpose, digits: '', failures, playbackId, timer: null });
}

function askForCode(step: Step, nationalNumber: string, failures: number): ParentLineTransition {
  const playbackId = step.play(step.prompts('parents-enter-code'));
  return step.to({ phase: 'collectingCode', nationalNumber, keys: '', failures, playbackId, timer: null });
}

function numberComplete(step: Step, s: In<'collectingNumber'>, digits: string, settings: ParentLineSettings): ParentLineTransition {
  if (!checkNationalNumber(digits).valid) return entryFailed(step, s.purpose, s.failures + 1, settings, 'invalid-number');
  if (s.purpose === 'manage') return askForCode(step, digits, s.failures);
  step.emit({ type: 'requestCode', nationalNumber: digits, callerNumber: step.state.callerNumber ?? '' });
  return step.to({ phase: 'requesting', timer: step.startTimer('request', settings.requestTimeoutMs) });
}

function codeComplete(step: Step, s: In<'collectingCode'>, keys: string, settings: ParentLineSettings): ParentLineTransition {
  step.emit({ type: 'openCascade', nationalNumber: s.nationalNumber, keys, callerNumber: step.state.callerNumber ?? '' });
  return step.to({ phase: 'opening', failures: s.failures, timer: step.startTimer('open', settings.requestTimeoutMs) });
}

/** A wrong or missing entry: said, then the national number is asked again; after too many, goodbye. */
function entryFailed(step: Step, purpose: ParentLinePurpose, failures: number, settings: ParentLineSettings, why: 'invalid-number' | 'parents-code-wrong'): ParentLineTransition {
  if (failures >= settings.maxNumberAttempts) {
    return close(step, step.prompts(why, 'goodbye'), why === 'invalid-number' ? 'invalid-number' : 'refused');
  }
  return askForNumber(step, purpose, failures, [why]);
}

function handOver(step: Step): ParentLineTransition {
  step.emit({ type: 'toHotline' });
  return step.to({ phase: 'ended', end: 'hotline' });
}
