import type { ChangeProblem, ParentLineEvent, ParentLineMedia, ParentLinePromptId, ParentLineSettings, ParentLineTransition, PhoneCascade, PhoneChange } from './parent-line-machine';
import { close, fail, In, onPrompt, same, Step } from './parent-line-step';

/**
 * The parents' line's list menu, once the national number and the contact code opened the
 * child's list (parent-line-machine.ts): hear the numbers, add one at the end, delete one, move
 * one up, activate (the terms' summary and the key 1), pause and resume. Every change is read
 * back and confirmed with the key 1 before it is made (moving up and resuming excepted: both are
 * undone as easily); the service applies the portal's rules and says what it refused.
 */

/** The longest number typed: 00, a country code and 15 digits at most (E.164), with room to spare. */
const MAX_PHONE_KEYS = 20;

interface MenuOption {
  key: string;
  prompt: ParentLinePromptId;
  offered(cascade: PhoneCascade, settings: ParentLineSettings): boolean;
}

/** In the order they are read out; only the ones that apply to the list as it is are offered. */
const OPTIONS: MenuOption[] = [
  { key: '1', prompt: 'parents-menu-hear', offered: (c) => c.numbers.length > 0 },
  { key: '2', prompt: 'parents-menu-add', offered: (c, settings) => c.numbers.length < settings.maxNumbers },
  { key: '3', prompt: 'parents-menu-delete', offered: (c) => c.numbers.length > 0 },
  { key: '4', prompt: 'parents-menu-move', offered: (c) => c.numbers.length > 1 },
  { key: '5', prompt: 'parents-menu-activate', offered: (c) => (c.status === 'draft' || c.status === 'blocked') && c.numbers.length > 0 },
  { key: '6', prompt: 'parents-menu-pause', offered: (c) => c.status === 'active' },
  { key: '7', prompt: 'parents-menu-resume', offered: (c) => c.status === 'paused' && c.numbers.length > 0 },
  { key: '0', prompt: 'parents-menu-end', offered: () => true },
];

const STATUS_PROMPT: Record<PhoneCascade['status'], ParentLinePromptId> = {
  none: 'parents-list-none',
  draft: 'parents-list-draft',
  active: 'parents-list-active',
  paused: 'parents-list-paused',
  blocked: 'parents-list-blocked',
};

const DONE_PROMPT: Record<PhoneChange['kind'], ParentLinePromptId> = {
  add: 'parents-added',
  delete: 'parents-deleted',
  'move-up': 'parents-moved',
  activate: 'parents-activated',
  pause: 'parents-paused',
  resume: 'parents-resumed',
};

const PROBLEM_PROMPT: Record<ChangeProblem, ParentLinePromptId> = {
  invalid: 'parents-number-invalid',
  'not-allowed': 'parents-number-not-allowed',
  duplicate: 'parents-number-duplicate',
  full: 'parents-list-full',
  'last-number': 'parents-last-number',
  changed: 'parents-list-changed',
};

/** The list's status (when it is news), then the options; `before` plays first (what was just done). */
export function openMenu(step: Step, cascade: PhoneCascade, before: ParentLineMedia[], settings: ParentLineSettings, withStatus = true): ParentLineTransition {
  const options = OPTIONS.filter((o) => o.offered(cascade, settings)).map((o) => o.prompt);
  const media = [...before, ...(withStatus ? step.prompts(STATUS_PROMPT[cascade.status]) : []), ...step.prompts(...options)];
  return step.to({ phase: 'managing', cascade, unanswered: 0, playbackId: step.play(media), timer: null });
}

export function onManaging(s: In<'managing'>, e: ParentLineEvent, settings: ParentLineSettings): ParentLineTransition {
  const step = new Step(s);
  const prompt = onPrompt(step, s, e, 'menu', settings.firstDigitTimeoutMs);
  if (prompt) return prompt;
  switch (e.type) {
    case 'Dtmf': {
      if (e.digit === '*') {
        step.interrupt(s);
        return openMenu(step, s.cascade, [], settings);
      }
      const option = OPTIONS.find((o) => o.key === e.digit && o.offered(s.cascade, settings));
      if (!option) return same(s);
      step.interrupt(s);
      return chosen(step, s.cascade, option.key, settings);
    }
    case 'TimerFired': {
      if (e.name !== s.timer) return same(s);
      if (s.unanswered + 1 >= settings.maxNumberAttempts) return close(step, step.prompts('goodbye'), 'managed');
      const next = openMenu(step, s.cascade, [], settings, false);
      return next.state.phase === 'managing' ? { ...next, state: { ...next.state, unanswered: s.unanswered + 1 } } : next;
    }
    default:
      return same(s);
  }
}

function chosen(step: Step, cascade: PhoneCascade, key: string, settings: ParentLineSettings): ParentLineTransition {
  switch (key) {
    case '1':
      return openMenu(step, cascade, listMedia(step, cascade), settings, false);
    case '2':
      return step.to({ phase: 'enteringPhone', cascade, digits: '', playbackId: step.play(step.prompts('parents-enter-phone')), timer: null });
    case '3':
    case '4':
      return step.to({ phase: 'choosingPosition', cascade, action: key === '3' ? 'delete' : 'move-up', playbackId: step.play(step.prompts('parents-which-position')), timer: null });
    case '5':
      return confirm(step, cascade, { kind: 'activate' }, step.prompts('parents-terms-summary', 'parents-confirm-activate'));
    case '6':
      return confirm(step, cascade, { kind: 'pause' }, step.prompts('parents-confirm-pause'));
    case '7':
      return apply(step, cascade, { kind: 'resume' }, settings);
    default:
      return close(step, step.prompts('goodbye'), 'managed');
  }
}

export function onEnteringPhone(s: In<'enteringPhone'>, e: ParentLineEvent, settings: ParentLineSettings): ParentLineTransition {
  const step = new Step(s);
  const prompt = onPrompt(step, s, e, 'first-digit', settings.firstDigitTimeoutMs);
  if (prompt) return prompt;
  switch (e.type) {
    case 'Dtmf': {
      if (!/^[0-9*#]$/.test(e.digit)) return same(s);
      step.interrupt(s);
      if (e.digit === '*') return openMenu(step, s.cascade, step.prompts('parents-cancelled'), settings, false);
      if (e.digit === '#') return phoneTyped(step, s, s.digits, settings);
      const digits = s.digits + e.digit;
      if (digits.length >= MAX_PHONE_KEYS) return phoneTyped(step, s, digits, settings);
      return step.to({ ...s, digits, playbackId: null, timer: step.startTimer('inter-digit', settings.interDigitTimeoutMs) });
    }
    case 'TimerFired':
      return e.name === s.timer ? phoneTyped(step, s, s.digits, settings) : same(s);
    default:
      return same(s);
  }
}

/** Nothing typed: back to the menu. Otherwise what was typed is read back before it is added. */
function phoneTyped(step: Step, s: In<'enteringPhone'>, digits: string, settings: ParentLineSettings): ParentLineTransition {
  if (digits === '') return openMenu(step, s.cascade, step.prompts('parents-cancelled'), settings, false);
  const language = step.state.language;
  return confirm(step, s.cascade, { kind: 'add', typed: digits }, [...step.prompts('parents-you-typed'), { digits, language }, ...step.prompts('parents-confirm-add')]);
}

export function onChoosingPosition(s: In<'choosingPosition'>, e: ParentLineEvent, settings: ParentLineSettings): ParentLineTransition {
  const step = new Step(s);
  const prompt = onPrompt(step, s, e, 'position', settings.firstDigitTimeoutMs);
  if (prompt) return prompt;
  switch (e.type) {
    case 'Dtmf': {
      if (!/^[0-9*#]$/.test(e.digit)) return same(s);
      step.interrupt(s);
      const position = Number(e.digit);
      const number = /^[1-9]$/.test(e.digit) ? s.cascade.numbers[position - 1] : undefined;
      if (e.digit === '*') return openMenu(step, s.cascade, step.prompts('parents-cancelled'), settings, false);
      if (!number) return openMenu(step, s.cascade, step.prompts('parents-no-such-position'), settings, false);
      if (s.action === 'delete') {
        return confirm(step, s.cascade, { kind: 'delete', position, number }, [...numberMedia(step, position, number), ...step.prompts('parents-confirm-delete')]);
      }
      if (position === 1) return openMenu(step, s.cascade, step.prompts('parents-already-first'), settings, false);
      return apply(step, s.cascade, { kind: 'move-up', position, number }, settings);
    }
    case 'TimerFired':
      return e.name === s.timer ? openMenu(step, s.cascade, step.prompts('parents-cancelled'), settings, false) : same(s);
    default:
      return same(s);
  }
}

export function onConfirming(s: In<'confirming'>, e: ParentLineEvent, settings: ParentLineSettings): ParentLineTransition {
  const step = new Step(s);
  const prompt = onPrompt(step, s, e, 'confirm', settings.firstDigitTimeoutMs);
  if (prompt) return prompt;
  switch (e.type) {
    case 'Dtmf':
      if (!/^[0-9*#]$/.test(e.digit)) return same(s);
      step.interrupt(s);
      // Only the key 1 confirms: any other key, or none, changes nothing.
      return e.digit === '1' ? apply(step, s.cascade, s.change, settings) : openMenu(step, s.cascade, step.prompts('parents-cancelled'), settings, false);
    case 'TimerFired':
      return e.name === s.timer ? openMenu(step, s.cascade, step.prompts('parents-cancelled'), settings, false) : same(s);
    default:
      return same(s);
  }
}

export function onApplying(s: In<'applying'>, e: ParentLineEvent, settings: ParentLineSettings): ParentLineTransition {
  const step = new Step(s);
  switch (e.type) {
    case 'CascadeChanged': {
      step.cancelTimer(s.timer);
      const { result } = e;
      if (result.outcome === 'changed') {
        const statusChanged = result.cascade.status !== s.cascade.status;
        return openMenu(step, result.cascade, step.prompts(DONE_PROMPT[s.change.kind]), settings, statusChanged);
      }
      return openMenu(step, result.cascade, step.prompts(PROBLEM_PROMPT[result.problem]), settings, result.problem === 'changed');
    }
    case 'TimerFired':
      return e.name === s.timer ? fail(step) : same(s);
    case 'CommandFailed':
      if (e.commandType !== 'changeCascade') return same(s);
      step.cancelTimer(s.timer);
      return fail(step);
    default:
      return same(s);
  }
}

function confirm(step: Step, cascade: PhoneCascade, change: PhoneChange, media: ParentLineMedia[]): ParentLineTransition {
  return step.to({ phase: 'confirming', cascade, change, playbackId: step.play(media), timer: null });
}

function apply(step: Step, cascade: PhoneCascade, change: PhoneChange, settings: ParentLineSettings): ParentLineTransition {
  step.emit({ type: 'changeCascade', childId: cascade.childId, change, language: step.state.language });
  return step.to({ phase: 'applying', cascade, change, timer: step.startTimer('change', settings.requestTimeoutMs) });
}

/** "Number 2: plus 3 2 4 7 0 …" */
function numberMedia(step: Step, position: number, number: string): ParentLineMedia[] {
  const language = step.state.language;
  return [...step.prompts('parents-number-at'), { digits: String(position), language }, ...step.prompts('parents-plus'), { digits: number.replace(/^\+/, ''), language }];
}

function listMedia(step: Step, cascade: PhoneCascade): ParentLineMedia[] {
  return cascade.numbers.flatMap((number, i) => numberMedia(step, i + 1, number));
}
