import { join } from 'node:path';
import { makeNationalNumber } from '../../cascades/domain/national-number';
import { describeTransition, hotlineLegId, initialState, legIdFor, transition } from './machine';
import { defaultCallFlowConfig } from '../../config/app-config';
import { LANGUAGES } from '../../languages';
import { loadPromptCatalog } from '../prompts/prompt-catalog';
import { flowSettingsFrom } from './flow-settings';
import { CallEvent, CallState, Command, FlowSettings, LookupResult, Phase, PROMPT_IDS } from './types';

// ---------------------------------------------------------------------------------------------
// A small driver: feeds events to the machine, keeps the history, and renders commands as short
// strings ("dialLeg 2", "recordLeg 1 busy", "play finder [enter-number]") so that scenarios
// read like the call they describe.
// ---------------------------------------------------------------------------------------------

const CALL_ID = 'c1';
const FINDER_NUMBER = '+32470123456';
const SERVICE_NUMBER = '+3225550000';
const NATIONAL_NUMBER = makeNationalNumber('170730', '033', true);
/** The configuration's defaults (environment.ts), with this file's numbers. */
const defaultFlowSettings = flowSettingsFrom(defaultCallFlowConfig());
const settings: FlowSettings = { ...defaultFlowSettings, serviceNumber: SERVICE_NUMBER, hotlineNumber: '116000' };

const leg = (position: number) => legIdFor(CALL_ID, position);
const HOTLINE = hotlineLegId(CALL_ID);

type Step = { from: CallState; event: CallEvent; to: CallState; commands: Command[] };
/** An event, or a function that builds it from the call as it is when the event is sent. */
type LazyEvent = CallEvent | ((call: Call) => CallEvent);

function found(positions = [1, 2, 3], childFirstName: string | null = 'Emma'): LookupResult {
  return { kind: 'found', legs: positions.map((p) => ({ position: p, number: `+3247000000${p}` })), childFirstName, language: 'nl' };
}

/** Numbers outside the default allowed destinations (EU/EEA/CH/UK mobiles and landlines). */
const NOT_ALLOWED = { us: '+12015550123', premium: '+3290012345', satellite: '+881612345678' };

/** A found cascade with these numbers, position by position from 1. */
function foundNumbers(...numbers: string[]): LookupResult {
  return { kind: 'found', legs: numbers.map((number, i) => ({ position: i + 1, number })), childFirstName: 'Emma', language: 'nl' };
}

/** What the look-up answers when a call is over one of the caps (the machine reads only the kind). */
const OVER_CAP: LookupResult = Object.assign({ kind: 'throttled' as const }, { limit: 'calls-per-cascade' });

class Call {
  state: CallState = initialState(CALL_ID);
  readonly history: Step[] = [];

  constructor(readonly flow: FlowSettings = settings) {}

  get phase(): Phase {
    return this.state.phase;
  }

  /** Sends one event; returns its commands rendered. */
  send(event: LazyEvent): string[] {
    return this.sendRaw(event).map(render);
  }

  sendRaw(lazy: LazyEvent): Command[] {
    const event = typeof lazy === 'function' ? lazy(this) : lazy;
    const from = this.state;
    const { state, commands } = transition(from, event, this.flow);
    this.history.push({ from, event, to: state, commands });
    this.state = state;
    return commands;
  }

  /** Sends several events, each built just before it is sent; returns all their commands rendered, in order. */
  sendAll(...events: LazyEvent[]): string[] {
    return events.flatMap((e) => this.send(e));
  }

  get allCommands(): Command[] {
    return this.history.flatMap((h) => h.commands);
  }

  lastPlay(target: 'finder' | string = 'finder'): Extract<Command, { type: 'play' }> {
    const plays = this.allCommands.filter((c): c is Extract<Command, { type: 'play' }> => c.type === 'play');
    const match = plays.filter((p) => (target === 'finder' ? p.target.kind === 'finder' : p.target.kind === 'leg' && p.target.legId === target));
    if (!match.length) throw new Error(`no playback to ${target}`);
    return match[match.length - 1];
  }

  /** PlaybackFinished for the latest playback to the finder (or to a leg). */
  finished(target: 'finder' | string = 'finder'): CallEvent {
    return { type: 'PlaybackFinished', playbackId: this.lastPlay(target).playbackId };
  }

  /** The latest timer of a kind ("leg-ring"), whether or not it still runs. */
  timer(kind: string): string {
    const names = this.allCommands.flatMap((c) => (c.type === 'startTimer' && c.name.startsWith(`${kind}:`) ? [c.name] : []));
    if (!names.length) throw new Error(`no ${kind} timer was started`);
    return names[names.length - 1];
  }

  fired(kind: string): CallEvent {
    return { type: 'TimerFired', name: this.timer(kind) };
  }

  /** Timers started and neither cancelled nor fired. */
  runningTimers(): string[] {
    const running = new Set<string>();
    for (const h of this.history) {
      if (h.event.type === 'TimerFired') running.delete(h.event.name);
      for (const c of h.commands) {
        if (c.type === 'startTimer') running.add(c.name);
        if (c.type === 'cancelTimer') running.delete(c.name);
      }
    }
    return [...running];
  }
}

/** Lazy forms, for sendAll: the playback or timer is looked up when the event is sent. */
const finished = (target: 'finder' | string = 'finder') => (call: Call) => call.finished(target);
const fired = (kind: string) => (call: Call) => call.fired(kind);

function render(c: Command): string {
  const pos = (legId: string) => (legId === HOTLINE ? 'hotline' : legId.split(':leg:')[1]);
  const kind = (name: string) => name.split(':')[0];
  switch (c.type) {
    case 'play': {
      const media = c.media.map((m) => (m.kind === 'prompt' ? m.id : m.kind)).join(', ');
      return `play ${c.target.kind === 'finder' ? 'finder' : `leg ${pos(c.target.legId)}`} [${media}]`;
    }
    case 'startTimer':
    case 'cancelTimer':
      return `${c.type} ${kind(c.name)}`;
    case 'dialLeg':
      return `dialLeg ${c.position}`;
    case 'hangupLeg':
      return `hangupLeg ${pos(c.legId)}`;
    case 'bridgeFinderWith':
      return `bridge ${pos(c.legId)}`;
    case 'recordLeg':
      return `recordLeg ${c.position} ${c.result}`;
    case 'recordCallEnd':
      return `recordCallEnd ${c.outcome}`;
    case 'recordNumberEntry':
      return `recordNumberEntry ${c.result}`;
    default:
      return c.type;
  }
}

// Events, named as the finder and the parents would say them.
const ev = {
  arrived: (over: Partial<Extract<CallEvent, { type: 'FinderArrived' }>> = {}): CallEvent => ({
    type: 'FinderArrived',
    callerNumber: FINDER_NUMBER,
    presentationRestricted: false,
    language: 'fr',
    suspended: false,
    ...over,
  }),
  key: (digit: string): CallEvent => ({ type: 'FinderDtmf', digit }),
  keys: (digits: string): CallEvent[] => [...digits].map((d) => ({ type: 'FinderDtmf', digit: d })),
  lookedUp: (result: LookupResult): CallEvent => ({ type: 'CascadeLookedUp', result }),
  ringing: (legId: string): CallEvent => ({ type: 'LegRinging', legId }),
  pickedUp: (legId: string): CallEvent => ({ type: 'LegPickedUp', legId }),
  answered: (legId: string, machineDetected = false): CallEvent => ({ type: 'LegAnswered', legId, machineDetected }),
  legFailed: (legId: string, reason: Extract<CallEvent, { type: 'LegFailed' }>['reason']): CallEvent => ({ type: 'LegFailed', legId, reason }),
  legKey: (legId: string, digit: string): CallEvent => ({ type: 'LegDtmf', legId, digit }),
  legHungUp: (legId: string): CallEvent => ({ type: 'LegHungUp', legId }),
  finderHungUp: (): CallEvent => ({ type: 'FinderHungUp' }),
  failed: (commandType: string, extra: { legId?: string; playbackId?: string } = {}): CallEvent => ({ type: 'CommandFailed', commandType, ...extra }),
  timer: (name: string): CallEvent => ({ type: 'TimerFired', name }),
  playbackFinished: (playbackId: string): CallEvent => ({ type: 'PlaybackFinished', playbackId }),
};

// ---------------------------------------------------------------------------------------------
// Fixtures: calls driven, through real events, to a given point
// ---------------------------------------------------------------------------------------------

/** The call once these events have been sent to it, each built just before it is sent. */
function after(call: Call, ...events: LazyEvent[]): Call {
  call.sendAll(...events);
  return call;
}

const at = {
  idle: (flow = settings) => new Call(flow),
  greeting: (flow = settings, over = {}) => after(new Call(flow), ev.arrived(over)),
  languageMenu: (flow = settings) => after(at.greeting(flow), finished()),
  numberPrompt: (flow = settings) => after(at.languageMenu(flow), ev.key('4')),
  typing: (digits: string, flow = settings) => after(at.numberPrompt(flow), finished(), ...ev.keys(digits)),
  lookingUp: (flow = settings) => at.typing(NATIONAL_NUMBER, flow),
  /** Leg 1 dialled, the finder on hold. */
  cascade: (result: LookupResult = found(), flow = settings) => after(at.lookingUp(flow), ev.lookedUp(result), finished()),
  /** The cascade found while the putting-through prompt still plays: leg 1 dialled, the prompt playing on. */
  earlyLeg: (result: LookupResult = found()) => after(at.lookingUp(), ev.lookedUp(result)),
  earlyLegRinging: (result: LookupResult = found()) => after(at.earlyLeg(result), ev.ringing(leg(1))),
  /** Leg 1 answered during the putting-through prompt and heard its own prompt; its key window is open. */
  earlyKeyWindow: () => after(at.earlyLegRinging(), ev.answered(leg(1)), finished(leg(1))),
  /** The only leg failed before the putting-through prompt ended: the prompt plays on, the hotline follows. */
  earlyCascadeExhausted: () => after(at.earlyLeg(found([1])), ev.legFailed(leg(1), 'busy')),
  legRinging: (result: LookupResult = found()) => after(at.cascade(result), ev.ringing(leg(1))),
  /** Leg 1 answered by a person, hearing the prompt. */
  parentPrompt: (result: LookupResult = found()) => after(at.legRinging(result), ev.answered(leg(1))),
  /** Leg 1 has heard the prompt; the first key window is open. */
  keyWindow: (result: LookupResult = found()) => after(at.parentPrompt(result), finished(leg(1))),
  holdMessage: () => after(at.legRinging(), fired('hold-message')),
  hotline: (flow = settings) => after(at.lookingUp(flow), ev.lookedUp({ kind: 'unavailable' }), finished()),
  /** An unknown number: the hotline rings and the periodic hold message plays. */
  hotlineHoldMessage: () => after(at.hotline(), fired('hold-message')),
  connectedParent: () => after(at.keyWindow(), ev.legKey(leg(1), '1')),
  connectedHotline: () => after(at.hotline(), ev.answered(HOTLINE)),
  hotlineUnreachable: () => after(at.hotline(), ev.legFailed(HOTLINE, 'busy')),
  refusingWithheld: () => at.greeting(settings, { callerNumber: null }),
  announcingSuspension: () => at.greeting(settings, { suspended: true }),
  announcingHotline: () => after(at.typing('1#'), finished(), ...ev.keys('2#'), finished(), ...ev.keys('3#')),
  ended: () => after(at.legRinging(), ev.finderHungUp()),
};

/** The fixtures that need no argument. */
type Fixture = Exclude<keyof typeof at, 'typing'>;

// ---------------------------------------------------------------------------------------------
// Table: (state, event) -> (phase, commands)
// ---------------------------------------------------------------------------------------------

type Row = [spec: string, fixture: () => Call, event: (call: Call) => CallEvent, phase: Phase, commands: string[]];

const table: Row[] = [
  // Arrival
  ['a finder with a number is greeted and offered the other languages', at.idle, () => ev.arrived(), 'choosingLanguage', ['answerFinder', 'play finder [greeting, language-option, language-option, language-option]']],
  ['a withheld number is refused with an explanation', at.idle, () => ev.arrived({ callerNumber: null }), 'refusingWithheld', ['answerFinder', 'play finder [caller-id-required]']],
  ['an empty caller number counts as withheld', at.idle, () => ev.arrived({ callerNumber: '' }), 'refusingWithheld', ['answerFinder', 'play finder [caller-id-required]']],
  ['"Anonymous" counts as withheld', at.idle, () => ev.arrived({ callerNumber: 'Anonymous' }), 'refusingWithheld', ['answerFinder', 'play finder [caller-id-required]']],
  ['a restricted presentation counts as withheld, even with a number', at.idle, () => ev.arrived({ presentationRestricted: true }), 'refusingWithheld', ['answerFinder', 'play finder [caller-id-required]']],
  ['a suspended service tells the finder so', at.idle, () => ev.arrived({ suspended: true }), 'announcingSuspension', ['answerFinder', 'play finder [service-suspended]']],
  ['a suspended service takes precedence over a withheld number', at.idle, () => ev.arrived({ suspended: true, callerNumber: null }), 'announcingSuspension', ['answerFinder', 'play finder [service-suspended]']],
  ['before arrival, a key means nothing', at.idle, () => ev.key('1'), 'idle', []],
  ['before arrival, a hang-up ends the call', at.idle, () => ev.finderHungUp(), 'ended', ['recordCallEnd finder-hung-up']],

  // Announcements
  ['after the refusal, the finder is hung up', at.refusingWithheld, (c) => c.finished(), 'ended', ['hangupFinder', 'recordCallEnd refused-withheld']],
  ['if the refusal cannot be played, the finder gets the hotline instead', at.refusingWithheld, () => ev.failed('play'), 'hotline', ['startHold', 'dialLeg hotline', 'startTimer hotline-ring']],
  ['a refused finder who hangs up first is still recorded as refused', at.refusingWithheld, () => ev.finderHungUp(), 'ended', ['recordCallEnd refused-withheld']],
  ['after the suspension notice, the hotline', at.announcingSuspension, (c) => c.finished(), 'hotline', ['startHold', 'dialLeg hotline', 'startTimer hotline-ring']],
  ['a suspension notice that cannot be played goes straight to the hotline', at.announcingSuspension, () => ev.failed('play'), 'hotline', ['startHold', 'dialLeg hotline', 'startTimer hotline-ring']],
  ['keys during an announcement are ignored', at.announcingSuspension, () => ev.key('0'), 'announcingSuspension', []],
  ['a stale playback during an announcement is ignored', at.announcingSuspension, () => ev.playbackFinished('c1:pb:99'), 'announcingSuspension', []],

  // Language
  ['the greeting over, the language timer starts', at.greeting, (c) => c.finished(), 'choosingLanguage', ['startTimer language']],
  ['a language key during the greeting stops it and asks for the number', at.greeting, () => ev.key('2'), 'collectingNumber', ['stopPlayback', 'play finder [enter-number]']],
  ['a language key after the greeting cancels the timer and asks for the number', at.languageMenu, () => ev.key('3'), 'collectingNumber', ['cancelTimer language', 'play finder [enter-number]']],
  ['0 during the greeting goes straight to the hotline', at.greeting, () => ev.key('0'), 'hotline', ['stopPlayback', 'startHold', 'dialLeg hotline', 'startTimer hotline-ring']],
  ['0 after the greeting goes straight to the hotline', at.languageMenu, () => ev.key('0'), 'hotline', ['cancelTimer language', 'startHold', 'dialLeg hotline', 'startTimer hotline-ring']],
  ['an unknown key during the greeting does not interrupt it', at.greeting, () => ev.key('7'), 'choosingLanguage', []],
  ['# in the language menu is ignored', at.languageMenu, () => ev.key('#'), 'choosingLanguage', []],
  ['no choice in time: the number is asked in the default language', at.languageMenu, (c) => c.fired('language'), 'collectingNumber', ['play finder [enter-number]']],
  ['a timer that is not the language timer is stale', at.languageMenu, () => ev.timer('language:999'), 'choosingLanguage', []],
  ['a greeting that cannot be played sends the finder to the hotline', at.greeting, (c) => ev.failed('play', { playbackId: c.lastPlay().playbackId }), 'hotline', ['stopPlayback', 'startHold', 'dialLeg hotline', 'startTimer hotline-ring']],
  ['an answer that fails sends the finder to the hotline', at.greeting, () => ev.failed('answerFinder'), 'hotline', ['stopPlayback', 'startHold', 'dialLeg hotline', 'startTimer hotline-ring']],
  ['a failed record changes nothing', at.languageMenu, () => ev.failed('recordLeg'), 'choosingLanguage', []],

  // Number entry
  ['the prompt over, the first-digit timer starts', at.numberPrompt, (c) => c.finished(), 'collectingNumber', ['startTimer first-digit']],
  ['a digit during the prompt stops it and starts the inter-digit timer', at.numberPrompt, () => ev.key('1'), 'collectingNumber', ['stopPlayback', 'startTimer inter-digit']],
  ['0 is a digit while typing the number, not the hotline', at.numberPrompt, () => ev.key('0'), 'collectingNumber', ['stopPlayback', 'startTimer inter-digit']],
  ['the first digit cancels the first-digit timer', () => at.typing(''), () => ev.key('1'), 'collectingNumber', ['cancelTimer first-digit', 'startTimer inter-digit']],
  ['each digit restarts the inter-digit timer', () => at.typing('17'), () => ev.key('0'), 'collectingNumber', ['cancelTimer inter-digit', 'startTimer inter-digit']],
  ['the 11th digit ends the entry without #', () => at.typing(NATIONAL_NUMBER.slice(0, 10)), () => ev.key(NATIONAL_NUMBER[10]), 'lookingUp', ['cancelTimer inter-digit', 'recordNumberEntry valid', 'lookUpCascade', 'play finder [putting-through]', 'startTimer lookup']],
  ['# ends a short entry, which is invalid', () => at.typing('1707'), () => ev.key('#'), 'collectingNumber', ['cancelTimer inter-digit', 'recordNumberEntry invalid', 'play finder [invalid-number, enter-number]']],
  ['# with nothing typed is an invalid entry', () => at.typing(''), () => ev.key('#'), 'collectingNumber', ['cancelTimer first-digit', 'recordNumberEntry invalid', 'play finder [invalid-number, enter-number]']],
  ['* clears the entry and replays the prompt, without counting a failure', () => at.typing('1707'), () => ev.key('*'), 'collectingNumber', ['cancelTimer inter-digit', 'play finder [enter-number]']],
  ['11 digits with wrong check digits are invalid', () => at.typing(NATIONAL_NUMBER.slice(0, 9)), () => ev.key(NATIONAL_NUMBER[9] === '9' ? '0' : '9'), 'collectingNumber', ['cancelTimer inter-digit', 'startTimer inter-digit']],
  ['no digit in time counts as a failure', () => at.typing(''), (c) => c.fired('first-digit'), 'collectingNumber', ['recordNumberEntry timeout', 'play finder [invalid-number, enter-number]']],
  ['a pause in the middle counts as a failure', () => at.typing('1707'), (c) => c.fired('inter-digit'), 'collectingNumber', ['recordNumberEntry timeout', 'play finder [invalid-number, enter-number]']],
  ['a cancelled first-digit timer firing late is stale', () => at.typing('1'), (c) => c.fired('first-digit'), 'collectingNumber', []],
  ['an older inter-digit timer firing late is stale', () => at.typing('12'), () => ev.timer('inter-digit:1'), 'collectingNumber', []],
  ['the end of a prompt that a digit stopped is stale', () => at.typing(''), () => ev.playbackFinished('c1:pb:2'), 'collectingNumber', []],
  ['a letter-like key is ignored', () => at.typing('1'), () => ev.key('A'), 'collectingNumber', []],
  ['a prompt that cannot be played sends the finder to the hotline', at.numberPrompt, () => ev.failed('play'), 'hotline', ['stopPlayback', 'startHold', 'dialLeg hotline', 'startTimer hotline-ring']],
  ['after the last allowed failure the finder is told and put through to the hotline', at.announcingHotline, (c) => c.finished(), 'hotline', ['startHold', 'dialLeg hotline', 'startTimer hotline-ring']],

  // Look-up
  ['a cascade found during the prompt: leg 1 is dialled at once, the prompt plays on', at.lookingUp, () => ev.lookedUp(found()), 'cascading', ['cancelTimer lookup', 'dialLeg 1', 'startTimer leg-progress', 'startTimer leg-ring']],
  ['no cascade found during the prompt: the prompt plays on and the hotline waits for its end', at.lookingUp, () => ev.lookedUp({ kind: 'unavailable' }), 'lookingUp', ['cancelTimer lookup']],
  ['a throttled caller waits for the end of the prompt like any other', at.lookingUp, () => ev.lookedUp({ kind: 'throttled' }), 'lookingUp', ['cancelTimer lookup']],
  ['a cascade without numbers waits for the end of the prompt, as if not found', at.lookingUp, () => ev.lookedUp(found([])), 'lookingUp', ['cancelTimer lookup']],
  ['a call over a cap waits for the end of the prompt, as if not found (then the hotline)', at.lookingUp, () => ev.lookedUp(OVER_CAP), 'lookingUp', ['cancelTimer lookup']],
  ['a call over a cap, found after the prompt ended: the waiting hold, as for a number with no cascade, and the hotline; no parent dialled', (() => {
    const call = at.lookingUp();
    call.send(call.finished());
    return call;
  }), () => ev.lookedUp(OVER_CAP), 'hotline', ['cancelTimer lookup', 'startHold', 'startTimer hold-message', 'dialLeg hotline', 'startTimer hotline-ring']],
  ['a first number outside the allowed destinations is recorded as not-allowed, never dialled, and leg 2 is dialled', at.lookingUp, () => ev.lookedUp(foundNumbers(NOT_ALLOWED.us, '+32470000002')), 'cascading', ['cancelTimer lookup', 'recordLeg 1 not-allowed', 'dialLeg 2', 'startTimer leg-progress', 'startTimer leg-ring']],
  ['a cascade whose every number is not allowed waits for the end of the prompt, as if not found', at.lookingUp, () => ev.lookedUp(foundNumbers(NOT_ALLOWED.premium, NOT_ALLOWED.satellite)), 'lookingUp', ['cancelTimer lookup', 'recordLeg 1 not-allowed', 'recordLeg 2 not-allowed']],
  ['a cascade whose every number is not allowed, found after the prompt ended: the hotline (exempt) is dialled', (() => {
    const call = at.lookingUp();
    call.send(call.finished());
    return call;
  }), () => ev.lookedUp(foundNumbers(NOT_ALLOWED.us)), 'hotline', ['cancelTimer lookup', 'startHold', 'startTimer hold-message', 'recordLeg 1 not-allowed', 'dialLeg hotline', 'startTimer hotline-ring']],
  ['the prompt ending before the result waits for the result', at.lookingUp, (c) => c.finished(), 'lookingUp', []],
  ['a cascade found after the prompt ended: hold music and leg 1 at once', (() => {
    const call = at.lookingUp();
    call.send(call.finished());
    return call;
  }), () => ev.lookedUp(found()), 'cascading', ['cancelTimer lookup', 'startHold', 'startTimer hold-message', 'dialLeg 1', 'startTimer leg-progress', 'startTimer leg-ring']],
  ['a late second result is ignored', () => {
    const call = at.lookingUp();
    call.send(ev.lookedUp({ kind: 'unavailable' }));
    return call;
  }, () => ev.lookedUp(found()), 'lookingUp', []],
  ['a look-up that does not answer in time counts as unavailable', (() => {
    const call = at.lookingUp();
    call.send(call.finished());
    return call;
  }), (c) => c.fired('lookup'), 'hotline', ['startHold', 'startTimer hold-message', 'dialLeg hotline', 'startTimer hotline-ring']],
  ['a failed look-up counts as unavailable', (() => {
    const call = at.lookingUp();
    call.send(call.finished());
    return call;
  }), () => ev.failed('lookUpCascade'), 'hotline', ['cancelTimer lookup', 'startHold', 'startTimer hold-message', 'dialLeg hotline', 'startTimer hotline-ring']],
  ['keys other than 0 while the number is looked up are ignored', at.lookingUp, () => ev.key('5'), 'lookingUp', []],
  ['0 during the prompt, before any result, stops it and dials the hotline', at.lookingUp, () => ev.key('0'), 'hotline', ['stopPlayback', 'cancelTimer lookup', 'startHold', 'dialLeg hotline', 'startTimer hotline-ring']],
  ['0 during the prompt with no cascade found: the same as with a leg ringing, for the finder', (() => {
    const call = at.lookingUp();
    call.send(ev.lookedUp({ kind: 'unavailable' }));
    return call;
  }), () => ev.key('0'), 'hotline', ['stopPlayback', 'startHold', 'dialLeg hotline', 'startTimer hotline-ring']],
  ['a putting-through prompt that cannot be played is not waited for', (() => {
    const call = at.lookingUp();
    call.send(ev.lookedUp({ kind: 'unavailable' }));
    return call;
  }), () => ev.failed('play'), 'hotline', ['startHold', 'startTimer hold-message', 'dialLeg hotline', 'startTimer hotline-ring']],
  ['a putting-through prompt that cannot be played, then a found cascade: hold music and leg 1', (() => {
    const call = at.lookingUp();
    call.send(ev.failed('play'));
    return call;
  }), () => ev.lookedUp(found()), 'cascading', ['cancelTimer lookup', 'startHold', 'startTimer hold-message', 'dialLeg 1', 'startTimer leg-progress', 'startTimer leg-ring']],
  ['a late failure of a look-up that already answered is ignored', at.earlyLeg, () => ev.failed('lookUpCascade'), 'cascading', []],
  ['a late failure of a look-up that found nothing is ignored', (() => {
    const call = at.lookingUp();
    call.send(ev.lookedUp({ kind: 'unavailable' }));
    return call;
  }), () => ev.failed('lookUpCascade'), 'lookingUp', []],
  ['the look-up times out during the prompt: the prompt plays on, nothing is dialled yet', at.lookingUp, (c) => c.fired('lookup'), 'lookingUp', []],
  ['a result after the look-up timed out is ignored: no leg is dialled', (() => {
    const call = at.lookingUp();
    call.send(call.fired('lookup'));
    return call;
  }), () => ev.lookedUp(found()), 'lookingUp', []],
  ['the look-up timed out during the prompt: at the prompt\'s end, the hotline', (() => {
    const call = at.lookingUp();
    call.send(call.fired('lookup'));
    return call;
  }), (c) => c.finished(), 'hotline', ['startHold', 'startTimer hold-message', 'dialLeg hotline', 'startTimer hotline-ring']],

  // The first leg dialled while the putting-through prompt plays, and the races that come with it
  ['the prompt ends with leg 1 ringing: hold music and the message timer start', at.earlyLegRinging, (c) => c.finished(), 'cascading', ['startHold', 'startTimer hold-message']],
  ['the look-up timer, cancelled when leg 1 was dialled, fires anyway: stale', at.earlyLeg, (c) => c.fired('lookup'), 'cascading', []],
  ['leg 1 rings during the prompt: the prompt plays on', at.earlyLeg, () => ev.ringing(leg(1)), 'cascading', ['cancelTimer leg-progress']],
  ['leg 1 answers during the prompt: the parent hears theirs, the finder\'s plays on', at.earlyLegRinging, () => ev.answered(leg(1)), 'cascading', ['cancelTimer leg-ring', 'play leg 1 [parent-intro, childName, parent-options]']],
  ['the parent presses 1 during the finder\'s prompt: the prompt is stopped before the bridge, no hold to stop', at.earlyKeyWindow, () => ev.legKey(leg(1), '1'), 'connected', ['cancelTimer confirm', 'stopPlayback', 'bridge 1', 'recordLeg 1 accepted']],
  ['the parent presses 1 during both prompts: both are stopped before the bridge', () => {
    const call = at.earlyLegRinging();
    call.send(ev.answered(leg(1)));
    return call;
  }, () => ev.legKey(leg(1), '1'), 'connected', ['stopPlayback', 'stopPlayback', 'bridge 1', 'recordLeg 1 accepted']],
  ['leg 1 is busy during the prompt: leg 2 is dialled, the prompt plays on', at.earlyLegRinging, () => ev.legFailed(leg(1), 'busy'), 'cascading', ['cancelTimer leg-ring', 'recordLeg 1 busy', 'dialLeg 2', 'startTimer leg-progress', 'startTimer leg-ring']],
  ['leg 1 is unreachable during the prompt: leg 2 is dialled, the prompt plays on', at.earlyLeg, () => ev.legFailed(leg(1), 'unreachable'), 'cascading', ['cancelTimer leg-progress', 'cancelTimer leg-ring', 'recordLeg 1 unreachable', 'dialLeg 2', 'startTimer leg-progress', 'startTimer leg-ring']],
  ['the last leg fails during the prompt: the prompt plays on and the hotline waits for its end', () => at.earlyLeg(found([1])), () => ev.legFailed(leg(1), 'busy'), 'lookingUp', ['cancelTimer leg-progress', 'cancelTimer leg-ring', 'recordLeg 1 busy']],
  ['the cascade ran out during the prompt: at the prompt\'s end, the hotline, as for an unknown number', at.earlyCascadeExhausted, (c) => c.finished(), 'hotline', ['startHold', 'startTimer hold-message', 'dialLeg hotline', 'startTimer hotline-ring']],
  ['the cascade ran out during the prompt: 0 still goes to the hotline at once', at.earlyCascadeExhausted, () => ev.key('0'), 'hotline', ['stopPlayback', 'startHold', 'dialLeg hotline', 'startTimer hotline-ring']],
  ['the cascade ran out during the prompt: a late failure of its leg changes nothing', at.earlyCascadeExhausted, () => ev.failed('dialLeg', { legId: leg(1) }), 'lookingUp', []],
  ['the cascade ran out during the prompt: a late ring of its leg is hung up', at.earlyCascadeExhausted, () => ev.ringing(leg(1)), 'lookingUp', ['hangupLeg 1']],
  ['the finder hangs up during the prompt with leg 1 ringing: the leg is cancelled at once', at.earlyLegRinging, () => ev.finderHungUp(), 'ended', ['cancelTimer leg-ring', 'hangupLeg 1', 'recordLeg 1 cancelled', 'recordCallEnd finder-hung-up']],
  ['the finder hangs up during the prompt with leg 1 just dialled: both its timers stop, the leg is cancelled', at.earlyLeg, () => ev.finderHungUp(), 'ended', ['cancelTimer leg-progress', 'cancelTimer leg-ring', 'hangupLeg 1', 'recordLeg 1 cancelled', 'recordCallEnd finder-hung-up']],
  ['0 during the prompt with leg 1 ringing: the leg is cancelled, the prompt stopped, the hotline dialled', at.earlyLegRinging, () => ev.key('0'), 'hotline', ['cancelTimer leg-ring', 'hangupLeg 1', 'recordLeg 1 cancelled', 'stopPlayback', 'startHold', 'dialLeg hotline', 'startTimer hotline-ring']],
  ['other keys during the prompt with leg 1 ringing are ignored', at.earlyLegRinging, () => ev.key('5'), 'cascading', []],
  ['the prompt fails to play with leg 1 ringing: hold music at once, the leg rings on', at.earlyLegRinging, (c) => ev.failed('play', { playbackId: c.lastPlay().playbackId }), 'cascading', ['startHold', 'startTimer hold-message']],
  ['the prompt fails, reported without ids, with leg 1 ringing: taken for the finder\'s prompt', at.earlyLegRinging, () => ev.failed('play'), 'cascading', ['startHold', 'startTimer hold-message']],
  ['a timer that could not start during the look-up sends the finder to the hotline', at.lookingUp, () => ev.failed('startTimer'), 'hotline', ['stopPlayback', 'cancelTimer lookup', 'startHold', 'dialLeg hotline', 'startTimer hotline-ring']],

  // The cascade
  ['a ringing leg no longer needs the progress timer', at.cascade, () => ev.ringing(leg(1)), 'cascading', ['cancelTimer leg-progress']],
  ['a busy leg followed by a number not allowed: that one is skipped and leg 3 dialled', () => at.cascade(foundNumbers('+32470000001', NOT_ALLOWED.premium, '+32470000003')), () => ev.legFailed(leg(1), 'busy'), 'cascading', ['cancelTimer leg-progress', 'cancelTimer leg-ring', 'recordLeg 1 busy', 'recordLeg 2 not-allowed', 'dialLeg 3', 'startTimer leg-progress', 'startTimer leg-ring']],
  ['the last dialled leg fails and the numbers left are not allowed: the hotline', () => at.cascade(foundNumbers('+32470000001', NOT_ALLOWED.us, NOT_ALLOWED.satellite)), () => ev.legFailed(leg(1), 'busy'), 'hotline', ['cancelTimer leg-progress', 'cancelTimer leg-ring', 'recordLeg 1 busy', 'recordLeg 2 not-allowed', 'recordLeg 3 not-allowed', 'dialLeg hotline', 'startTimer hotline-ring']],
  ['an operator who allows only Belgian mobiles: a Dutch mobile stored earlier is skipped', () => at.lookingUp({ ...settings, allowedDestinations: { countries: ['BE'], types: ['MOBILE'] } }), () => ev.lookedUp(foundNumbers('+31612345678', '+32470000002')), 'cascading', ['cancelTimer lookup', 'recordLeg 1 not-allowed', 'dialLeg 2', 'startTimer leg-progress', 'startTimer leg-ring']],
  ['a leg that rings twice is only noted once', at.legRinging, () => ev.ringing(leg(1)), 'cascading', []],
  ['a busy leg is recorded and the next one dialled', at.legRinging, () => ev.legFailed(leg(1), 'busy'), 'cascading', ['cancelTimer leg-ring', 'recordLeg 1 busy', 'dialLeg 2', 'startTimer leg-progress', 'startTimer leg-ring']],
  ['a rejected leg is recorded as declined', at.legRinging, () => ev.legFailed(leg(1), 'rejected'), 'cascading', ['cancelTimer leg-ring', 'recordLeg 1 declined', 'dialLeg 2', 'startTimer leg-progress', 'startTimer leg-ring']],
  ['an unreachable leg that fails before ringing cancels both timers', at.cascade, () => ev.legFailed(leg(1), 'unreachable'), 'cascading', ['cancelTimer leg-progress', 'cancelTimer leg-ring', 'recordLeg 1 unreachable', 'dialLeg 2', 'startTimer leg-progress', 'startTimer leg-ring']],
  ['a leg that rings too long is hung up as no-answer', at.legRinging, (c) => c.fired('leg-ring'), 'cascading', ['hangupLeg 1', 'recordLeg 1 no-answer', 'dialLeg 2', 'startTimer leg-progress', 'startTimer leg-ring']],
  ['a leg that never shows progress is hung up as unreachable', at.cascade, (c) => c.fired('leg-progress'), 'cascading', ['cancelTimer leg-ring', 'hangupLeg 1', 'recordLeg 1 unreachable', 'dialLeg 2', 'startTimer leg-progress', 'startTimer leg-ring']],
  ['an answering machine is hung up and skipped', at.legRinging, () => ev.answered(leg(1), true), 'cascading', ['cancelTimer leg-ring', 'hangupLeg 1', 'recordLeg 1 machine', 'dialLeg 2', 'startTimer leg-progress', 'startTimer leg-ring']],
  ['a person answering hears the intro, the child\'s name and the options', at.legRinging, () => ev.answered(leg(1)), 'cascading', ['cancelTimer leg-ring', 'play leg 1 [parent-intro, childName, parent-options]']],
  ['a person answering before any ringing cancels both timers', at.cascade, () => ev.answered(leg(1)), 'cascading', ['cancelTimer leg-progress', 'cancelTimer leg-ring', 'play leg 1 [parent-intro, childName, parent-options]']],
  ['without a known first name, the parent prompt skips it', () => at.legRinging(found([1, 2], null)), () => ev.answered(leg(1)), 'cascading', ['cancelTimer leg-ring', 'play leg 1 [parent-intro, parent-options]']],
  ['the parent prompt over, the key window opens', at.parentPrompt, (c) => c.finished(leg(1)), 'cascading', ['startTimer confirm']],
  ['1 during the parent prompt connects at once', at.parentPrompt, () => ev.legKey(leg(1), '1'), 'connected', ['stopPlayback', 'cancelTimer hold-message', 'stopHold', 'bridge 1', 'recordLeg 1 accepted']],
  ['1 in the key window connects the parent', at.keyWindow, () => ev.legKey(leg(1), '1'), 'connected', ['cancelTimer confirm', 'cancelTimer hold-message', 'stopHold', 'bridge 1', 'recordLeg 1 accepted']],
  ['2 tells the parent the finder\'s number, then the options again', at.keyWindow, () => ev.legKey(leg(1), '2'), 'cascading', ['cancelTimer confirm', 'play leg 1 [finder-number-is, digits, parent-options]']],
  ['2 during the prompt interrupts it', at.parentPrompt, () => ev.legKey(leg(1), '2'), 'cascading', ['stopPlayback', 'play leg 1 [finder-number-is, digits, parent-options]']],
  ['another key from the parent is ignored', at.keyWindow, () => ev.legKey(leg(1), '5'), 'cascading', []],
  ['no key in the first window: the options are repeated', at.keyWindow, (c) => c.fired('confirm'), 'cascading', ['play leg 1 [parent-options]']],
  ['a parent hanging up during the prompt declined', at.parentPrompt, () => ev.legHungUp(leg(1)), 'cascading', ['recordLeg 1 declined', 'dialLeg 2', 'startTimer leg-progress', 'startTimer leg-ring']],
  ['a parent hanging up in the key window declined', at.keyWindow, () => ev.legHungUp(leg(1)), 'cascading', ['cancelTimer confirm', 'recordLeg 1 declined', 'dialLeg 2', 'startTimer leg-progress', 'startTimer leg-ring']],
  ['a leg that cannot be dialled is recorded as failed and the next one dialled', at.cascade, () => ev.failed('dialLeg', { legId: leg(1) }), 'cascading', ['cancelTimer leg-progress', 'cancelTimer leg-ring', 'recordLeg 1 failed', 'dialLeg 2', 'startTimer leg-progress', 'startTimer leg-ring']],
  ['a parent prompt that cannot be played is hung up as failed', at.parentPrompt, (c) => ev.failed('play', { playbackId: c.lastPlay(leg(1)).playbackId }), 'cascading', ['hangupLeg 1', 'recordLeg 1 failed', 'dialLeg 2', 'startTimer leg-progress', 'startTimer leg-ring']],
  ['a parent prompt failure reported without ids is still recognised', at.parentPrompt, () => ev.failed('play'), 'cascading', ['hangupLeg 1', 'recordLeg 1 failed', 'dialLeg 2', 'startTimer leg-progress', 'startTimer leg-ring']],
  ['the hold message is due: music off, message on', at.legRinging, (c) => c.fired('hold-message'), 'cascading', ['stopHold', 'play finder [contacting-parents]']],
  ['the hold message over: music on, timer restarted', at.holdMessage, (c) => c.finished(), 'cascading', ['startHold', 'startTimer hold-message']],
  ['a hold message that cannot be played: music back on', at.holdMessage, () => ev.failed('play'), 'cascading', ['startHold', 'startTimer hold-message']],
  ['1 during the hold message stops the message instead of the music', () => {
    const call = at.holdMessage();
    call.sendAll(ev.answered(leg(1)), finished(leg(1)));
    return call;
  }, () => ev.legKey(leg(1), '1'), 'connected', ['cancelTimer confirm', 'stopPlayback', 'bridge 1', 'recordLeg 1 accepted']],
  ['0 on hold cancels the ringing leg and dials the hotline, the hold going on as it was', at.legRinging, () => ev.key('0'), 'hotline', ['cancelTimer leg-ring', 'hangupLeg 1', 'recordLeg 1 cancelled', 'dialLeg hotline', 'startTimer hotline-ring']],
  ['0 during the hold message dials the hotline and lets the message play on', at.holdMessage, () => ev.key('0'), 'hotline', ['cancelTimer leg-ring', 'hangupLeg 1', 'recordLeg 1 cancelled', 'dialLeg hotline', 'startTimer hotline-ring']],
  ['other keys on hold are ignored', at.legRinging, () => ev.key('5'), 'cascading', []],
  ['a timer that could not start abandons the cascade for the hotline', at.legRinging, () => ev.failed('startTimer'), 'hotline', ['cancelTimer leg-ring', 'hangupLeg 1', 'recordLeg 1 cancelled', 'dialLeg hotline', 'startTimer hotline-ring']],
  ['a hold music failure changes nothing', at.legRinging, () => ev.failed('startHold'), 'cascading', []],
  ['a play failure for a playback that is not current is stale', at.holdMessage, () => ev.failed('play', { playbackId: 'c1:pb:1' }), 'cascading', []],
  ['a play failure while nothing plays is stale', at.legRinging, () => ev.failed('play'), 'cascading', []],
  ['a play failure without ids, with both the hold message and the parent prompt playing, is taken to be the message', () => {
    const call = at.holdMessage();
    call.send(ev.answered(leg(1)));
    return call;
  }, () => ev.failed('play'), 'cascading', ['startHold', 'startTimer hold-message']],
  ['a failure of an earlier leg is stale', () => {
    const call = at.cascade();
    call.send(ev.legFailed(leg(1), 'busy'));
    return call;
  }, () => ev.failed('dialLeg', { legId: leg(1) }), 'cascading', []],
  ['a key from the parent before answering is ignored', at.legRinging, () => ev.legKey(leg(1), '1'), 'cascading', []],
  ['a PlaybackFinished for the finder while on hold music is stale', at.legRinging, () => ev.playbackFinished('c1:pb:1'), 'cascading', []],

  // Hotline
  ['the hotline answering is connected at once, even if it sounded like a machine', at.hotline, () => ev.answered(HOTLINE, true), 'connected', ['cancelTimer hotline-ring', 'cancelTimer hold-message', 'stopHold', 'bridge hotline', 'recordLeg hotline connected']],
  ['a busy hotline: the finder is told to dial 116 000', at.hotline, () => ev.legFailed(HOTLINE, 'busy'), 'hotlineUnreachable', ['cancelTimer hotline-ring', 'recordLeg hotline busy', 'cancelTimer hold-message', 'stopHold', 'play finder [call-116000]']],
  ['a hotline that does not answer in time is hung up', at.hotline, (c) => c.fired('hotline-ring'), 'hotlineUnreachable', ['hangupLeg hotline', 'recordLeg hotline no-answer', 'cancelTimer hold-message', 'stopHold', 'play finder [call-116000]']],
  ['a hotline that cannot be dialled', at.hotline, () => ev.failed('dialLeg', { legId: HOTLINE }), 'hotlineUnreachable', ['cancelTimer hotline-ring', 'recordLeg hotline failed', 'cancelTimer hold-message', 'stopHold', 'play finder [call-116000]']],
  ['the hold message is due while the hotline rings for an unknown number: music off, message on', at.hotline, (c) => c.fired('hold-message'), 'hotline', ['stopHold', 'play finder [contacting-parents]']],
  ['the hold message over while the hotline rings: music on, timer restarted', at.hotlineHoldMessage, (c) => c.finished(), 'hotline', ['startHold', 'startTimer hold-message']],
  ['a hold message that cannot be played while the hotline rings: music back on', at.hotlineHoldMessage, () => ev.failed('play'), 'hotline', ['startHold', 'startTimer hold-message']],
  ['the hotline answers during the hold message: the message is stopped before the bridge', at.hotlineHoldMessage, () => ev.answered(HOTLINE), 'connected', ['cancelTimer hotline-ring', 'stopPlayback', 'bridge hotline', 'recordLeg hotline connected']],
  ['the hotline fails during the hold message: the message is stopped for the 116 000 one', at.hotlineHoldMessage, () => ev.legFailed(HOTLINE, 'busy'), 'hotlineUnreachable', ['cancelTimer hotline-ring', 'recordLeg hotline busy', 'stopPlayback', 'play finder [call-116000]']],
  ['a hotline the finder asked for (0) holds with plain tone: no periodic message', () => {
    const call = at.languageMenu();
    call.send(ev.key('0'));
    return call;
  }, () => ev.answered(HOTLINE), 'connected', ['cancelTimer hotline-ring', 'stopHold', 'bridge hotline', 'recordLeg hotline connected']],
  ['a late failure of an earlier prompt does not abandon the hotline', at.hotline, () => ev.failed('play'), 'hotline', []],
  ['keys while the hotline rings are ignored', at.hotline, () => ev.key('0'), 'hotline', []],
  ['after the 116 000 message, the finder is hung up', at.hotlineUnreachable, (c) => c.finished(), 'ended', ['hangupFinder', 'recordCallEnd hotline-unreachable']],
  ['a 116 000 message that cannot be played still ends the call', at.hotlineUnreachable, () => ev.failed('play'), 'ended', ['hangupFinder', 'recordCallEnd hotline-unreachable']],
  ['a late failure of the hotline\'s dial does not cut the 116 000 message short', at.hotlineUnreachable, () => ev.failed('dialLeg', { legId: HOTLINE }), 'hotlineUnreachable', []],
  ['a refusal whose answer failed sends the finder to the hotline', at.refusingWithheld, () => ev.failed('answerFinder'), 'hotline', ['startHold', 'dialLeg hotline', 'startTimer hotline-ring']],
  ['an unrelated failure during the suspension notice changes nothing', at.announcingSuspension, () => ev.failed('startTimer'), 'announcingSuspension', []],

  // Connected
  ['the parent hanging up ends the finder\'s call', at.connectedParent, () => ev.legHungUp(leg(1)), 'ended', ['hangupFinder', 'recordCallEnd connected-parent']],
  ['the hotline hanging up ends the finder\'s call', at.connectedHotline, () => ev.legHungUp(HOTLINE), 'ended', ['hangupFinder', 'recordCallEnd connected-hotline']],
  ['the finder hanging up ends the parent\'s call', at.connectedParent, () => ev.finderHungUp(), 'ended', ['hangupLeg 1', 'recordCallEnd connected-parent']],
  ['a bridge that fails drops the parent and falls back on the hotline, the finder waiting as before', at.connectedParent, () => ev.failed('bridgeFinderWith', { legId: leg(1) }), 'hotline', ['hangupLeg 1', 'recordLeg 1 failed', 'startHold', 'startTimer hold-message', 'dialLeg hotline', 'startTimer hotline-ring']],
  ['a bridge with the hotline that fails: the 116 000 message', at.connectedHotline, () => ev.failed('bridgeFinderWith', { legId: HOTLINE }), 'hotlineUnreachable', ['hangupLeg hotline', 'recordLeg hotline failed', 'play finder [call-116000]']],
  ['keys while connected are the conversation\'s, not ours', at.connectedParent, () => ev.key('0'), 'connected', []],

  // Finder hangs up
  ['hanging up during the greeting ends the call', at.greeting, () => ev.finderHungUp(), 'ended', ['recordCallEnd finder-hung-up']],
  ['hanging up in the language menu cancels its timer', at.languageMenu, () => ev.finderHungUp(), 'ended', ['cancelTimer language', 'recordCallEnd finder-hung-up']],
  ['hanging up while typing cancels the digit timer', () => at.typing('12'), () => ev.finderHungUp(), 'ended', ['cancelTimer inter-digit', 'recordCallEnd finder-hung-up']],
  ['hanging up during the look-up cancels its timer', at.lookingUp, () => ev.finderHungUp(), 'ended', ['cancelTimer lookup', 'recordCallEnd finder-hung-up']],
  ['hanging up while a leg rings cancels it at once', at.legRinging, () => ev.finderHungUp(), 'ended', ['cancelTimer hold-message', 'cancelTimer leg-ring', 'hangupLeg 1', 'recordLeg 1 cancelled', 'recordCallEnd finder-hung-up']],
  ['hanging up while a parent hears the prompt cancels that leg', at.keyWindow, () => ev.finderHungUp(), 'ended', ['cancelTimer hold-message', 'cancelTimer confirm', 'hangupLeg 1', 'recordLeg 1 cancelled', 'recordCallEnd finder-hung-up']],
  ['hanging up while the hotline rings cancels it and the hold message timer', at.hotline, () => ev.finderHungUp(), 'ended', ['cancelTimer hotline-ring', 'cancelTimer hold-message', 'hangupLeg hotline', 'recordLeg hotline cancelled', 'recordCallEnd finder-hung-up']],
  ['hanging up during the 116 000 message keeps that outcome', at.hotlineUnreachable, () => ev.finderHungUp(), 'ended', ['recordCallEnd hotline-unreachable']],

  // After the end
  ['after the end, a leg answering is hung up, never bridged', at.ended, () => ev.answered(leg(1)), 'ended', ['hangupLeg 1']],
  ['after the end, a leg ringing is hung up', at.ended, () => ev.ringing(leg(1)), 'ended', ['hangupLeg 1']],
  ['after the end, a parent\'s key does nothing', at.ended, () => ev.legKey(leg(1), '1'), 'ended', []],
  ['after the end, a timer does nothing', at.ended, (c) => c.fired('leg-ring'), 'ended', []],
  ['after the end, a second hang-up does nothing', at.ended, () => ev.finderHungUp(), 'ended', []],
  ['after the end, a failure does nothing', at.ended, () => ev.failed('dialLeg', { legId: leg(2) }), 'ended', []],
  ['after the end, a look-up result does nothing', at.ended, () => ev.lookedUp(found()), 'ended', []],
  ['a leg of another call is none of ours', at.ended, () => ev.answered('c2:leg:1'), 'ended', []],
];

describe('the finder\'s call, one event at a time', () => {
  it.each(table)('%s', (_, fixture, event, phase, commands) => {
    const call = fixture();
    const before = call.state;
    const e = event(call);
    expect(call.send(e)).toEqual(commands);
    expect(call.phase).toBe(phase);
    // A transition never changes the state it was given.
    expect(call.history[call.history.length - 1].from).toBe(before);
  });

  it('an event that changes nothing returns the very same state', () => {
    const call = at.legRinging();
    const before = call.state;
    call.send(ev.legKey(leg(1), '1'));
    expect(call.state).toBe(before);
  });
});

// ---------------------------------------------------------------------------------------------
// Stale events: same state, no commands, in every phase
// ---------------------------------------------------------------------------------------------

describe('stale events change nothing', () => {
  const fixtures: Fixture[] = [
    'greeting', 'languageMenu', 'numberPrompt', 'lookingUp', 'earlyLeg', 'earlyLegRinging', 'earlyKeyWindow', 'earlyCascadeExhausted', 'cascade', 'legRinging', 'parentPrompt', 'keyWindow',
    'holdMessage', 'hotline', 'connectedParent', 'connectedHotline', 'hotlineUnreachable', 'refusingWithheld', 'announcingSuspension', 'announcingHotline', 'ended',
  ];
  const staleEvents: [string, CallEvent][] = [
    ['a playback that was never ours', ev.playbackFinished('c1:pb:999')],
    ['a timer that was never started', ev.timer('leg-ring:999')],
    ['DTMF from a leg that is not current', ev.legKey(leg(7), '1')],
    ['a hang-up of a leg that is not current', ev.legHungUp(leg(7))],
    ['a failure of a leg that is not current', ev.legFailed(leg(7), 'busy')],
    ['a second arrival', ev.arrived()],
  ];
  for (const fixture of fixtures) {
    it.each(staleEvents)(`in ${fixture}: %s`, (_, event) => {
      const call = at[fixture]();
      const before = call.state;
      expect(call.send(event)).toEqual([]);
      expect(call.state).toBe(before);
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Scenarios: whole calls, ordered commands
// ---------------------------------------------------------------------------------------------

describe('scenarios', () => {
  it('given an active cascade, when the first parent answers and presses 1, then the finder is connected to them', () => {
    const call = new Call();
    expect(call.send(ev.arrived({ language: 'nl' }))).toEqual(['answerFinder', 'play finder [greeting, language-option, language-option, language-option]']);
    expect(call.send(call.finished())).toEqual(['startTimer language']);
    expect(call.send(call.fired('language'))).toEqual(['play finder [enter-number]']);
    const typed = call.sendAll(...ev.keys(NATIONAL_NUMBER));
    expect(typed.slice(0, 2)).toEqual(['stopPlayback', 'startTimer inter-digit']);
    expect(typed.slice(-5)).toEqual(['cancelTimer inter-digit', 'recordNumberEntry valid', 'lookUpCascade', 'play finder [putting-through]', 'startTimer lookup']);
    // Leg 1 is dialled as soon as the cascade is known; the finder's hold starts when the prompt ends.
    expect(call.send(ev.lookedUp(found()))).toEqual(['cancelTimer lookup', 'dialLeg 1', 'startTimer leg-progress', 'startTimer leg-ring']);
    expect(call.send(call.finished())).toEqual(['startHold', 'startTimer hold-message']);
    call.send(ev.ringing(leg(1)));
    call.send(ev.answered(leg(1)));
    call.send(call.finished(leg(1)));
    expect(call.send(ev.legKey(leg(1), '1'))).toEqual(['cancelTimer confirm', 'cancelTimer hold-message', 'stopHold', 'bridge 1', 'recordLeg 1 accepted']);
    expect(call.send(ev.legHungUp(leg(1)))).toEqual(['hangupFinder', 'recordCallEnd connected-parent']);
    expect(call.allCommands.at(-1)).toEqual({ type: 'recordCallEnd', outcome: 'connected-parent', connectedPosition: 1, hungUpBy: 'callee' });
    expect(call.runningTimers()).toEqual([]);
  });

  it('given an active cascade, when leg 1 is busy, then leg 2 rings', () => {
    const call = at.cascade();
    expect(call.send(ev.legFailed(leg(1), 'busy'))).toEqual(['cancelTimer leg-progress', 'cancelTimer leg-ring', 'recordLeg 1 busy', 'dialLeg 2', 'startTimer leg-progress', 'startTimer leg-ring']);
    expect(call.send(ev.ringing(leg(2)))).toEqual(['cancelTimer leg-progress']);
    expect(call.state).toMatchObject({ phase: 'cascading', leg: { legId: leg(2), progress: { step: 'ringing' } } });
  });

  it('given three parents who do not answer, then each rings in turn and the hotline comes last', () => {
    const call = at.cascade();
    const commands = [
      ...call.sendAll(ev.ringing(leg(1)), fired('leg-ring')),
      ...call.sendAll(ev.ringing(leg(2)), fired('leg-ring')),
      ...call.sendAll(ev.ringing(leg(3)), fired('leg-ring')),
    ];
    expect(commands.filter((c) => /^(dialLeg|recordLeg|hangupLeg)/.test(c))).toEqual([
      'hangupLeg 1', 'recordLeg 1 no-answer', 'dialLeg 2',
      'hangupLeg 2', 'recordLeg 2 no-answer', 'dialLeg 3',
      'hangupLeg 3', 'recordLeg 3 no-answer', 'dialLeg hotline',
    ]);
    expect(call.phase).toBe('hotline');
    // Still on hold music, its message timer running on: the wait sounds the same while the hotline rings.
    expect(commands.slice(-4)).toEqual(['hangupLeg 3', 'recordLeg 3 no-answer', 'dialLeg hotline', 'startTimer hotline-ring']);
    expect(call.runningTimers()).toEqual([expect.stringMatching(/^hold-message:/), expect.stringMatching(/^hotline-ring:/)]);
  });

  it('given legs stored out of order, then they ring in position order', () => {
    const call = at.cascade(found([3, 1, 2]));
    call.sendAll(ev.legFailed(leg(1), 'busy'), ev.legFailed(leg(2), 'busy'));
    expect(call.allCommands.filter((c) => c.type === 'dialLeg').map((c) => c.type === 'dialLeg' && c.position)).toEqual([1, 2, 3]);
  });

  it('given an answering machine on leg 1 and a silent parent on leg 2, then leg 3 is tried', () => {
    const call = at.cascade();
    call.send(ev.answered(leg(1), true));
    call.sendAll(ev.answered(leg(2)), finished(leg(2)));
    expect(call.send(call.fired('confirm'))).toEqual(['play leg 2 [parent-options]']);
    expect(call.send(call.finished(leg(2)))).toEqual(['startTimer confirm']);
    expect(call.send(call.fired('confirm'))).toEqual(['hangupLeg 2', 'recordLeg 2 no-key', 'dialLeg 3', 'startTimer leg-progress', 'startTimer leg-ring']);
  });

  it('given a parent who presses 2, then they hear the finder\'s number in the cascade\'s language and get a fresh pair of windows', () => {
    const call = at.keyWindow();
    call.send(call.fired('confirm'));
    call.send(call.finished(leg(1)));
    call.send(ev.legKey(leg(1), '2'));
    const play = call.lastPlay(leg(1));
    expect(play.media).toEqual([
      { kind: 'prompt', id: 'finder-number-is', language: 'nl' },
      { kind: 'digits', digits: '32470123456', language: 'nl' },
      { kind: 'prompt', id: 'parent-options', language: 'nl' },
    ]);
    call.send(call.finished(leg(1)));
    // Window 1 again: the options are repeated before giving up.
    expect(call.send(call.fired('confirm'))).toEqual(['play leg 1 [parent-options]']);
    call.send(call.finished(leg(1)));
    expect(call.send(ev.legKey(leg(1), '1'))).toContain('bridge 1');
  });

  it('given the last parent declines, then the hotline is dialled showing the service number (LEG_CALLER_ID=service)', () => {
    const call = at.cascade(found([1]));
    call.sendAll(ev.answered(leg(1)), ev.legHungUp(leg(1)));
    expect(call.phase).toBe('hotline');
    expect(call.allCommands.find((c) => c.type === 'dialLeg' && c.position === 'hotline')).toEqual({
      type: 'dialLeg', legId: HOTLINE, position: 'hotline', number: '116000', callerId: SERVICE_NUMBER,
    });
  });

  it('given the hotline answers, then the finder is connected and the hotline hanging up ends the call', () => {
    const call = at.hotline();
    call.send(ev.ringing(HOTLINE));
    expect(call.send(ev.answered(HOTLINE))).toEqual(['cancelTimer hotline-ring', 'cancelTimer hold-message', 'stopHold', 'bridge hotline', 'recordLeg hotline connected']);
    expect(call.send(ev.finderHungUp())).toEqual(['hangupLeg hotline', 'recordCallEnd connected-hotline']);
    expect(call.allCommands.at(-1)).toEqual({ type: 'recordCallEnd', outcome: 'connected-hotline', connectedPosition: 'hotline', hungUpBy: 'finder' });
  });

  describe('what the finder hears does not depend on what the look-up found', () => {
    const results: [string, LookupResult][] = [
      ['a cascade', found()],
      ['no cascade', { kind: 'unavailable' }],
      ['a throttled caller', { kind: 'throttled' }],
      ['a cascade without numbers', found([])],
      ['a call over a cap', OVER_CAP],
      ['a cascade whose every number is not allowed', foundNumbers(NOT_ALLOWED.us, NOT_ALLOWED.premium)],
    ];
    it.each(results)('given %s, the finder hears "putting through", then hold', (_, result) => {
      const call = at.lookingUp();
      const heard = call.sendAll(ev.lookedUp(result), finished()).filter((c) => c.startsWith('play finder') || /Hold$/.test(c));
      expect(call.allCommands.filter((c) => c.type === 'play').at(-1)).toMatchObject({ media: [{ id: 'putting-through' }] });
      expect(heard).toEqual(['startHold']);
    });

    /** Per event, what reaches the finder's ear: prompts played to them, stops of those, hold on and off. */
    function heardPerEvent(result: LookupResult, events: LazyEvent[]): string[][] {
      const call = at.lookingUp();
      const finderPlays = new Set(call.allCommands.flatMap((c) => (c.type === 'play' && c.target.kind === 'finder' ? [c.playbackId] : [])));
      return [ev.lookedUp(result), ...events].map((e) =>
        call.sendRaw(e).flatMap((c) => {
          if (c.type === 'play' && c.target.kind === 'finder') finderPlays.add(c.playbackId);
          const heard = (c.type === 'play' && c.target.kind === 'finder') || (c.type === 'stopPlayback' && finderPlays.has(c.playbackId)) || c.type === 'startHold' || c.type === 'stopHold';
          return heard ? [render(c)] : [];
        }),
      );
    }
    const putThrough = (call: Call) => call.allCommands.flatMap((c) => (c.type === 'play' && c.target.kind === 'finder' ? [c.playbackId] : [])).at(-1)!;
    const during: [string, LazyEvent[]][] = [
      ['the prompt plays out', [finished()]],
      ['every leg fails during the prompt', [ev.legFailed(leg(1), 'busy'), ev.legFailed(leg(2), 'unreachable'), ev.legFailed(leg(3), 'rejected'), finished()]],
      ['the finder presses 0 during the prompt', [ev.key('0')]],
      ['the prompt cannot be played', [(c) => ev.failed('play', { playbackId: putThrough(c) })]],
      ['the look-up timer fires during the prompt', [fired('lookup'), finished()]],
    ];
    describe.each(during)('when %s', (_, events) => {
      it.each(results)('given %s, the finder hears exactly what an unknown number gives', (_, result) => {
        expect(heardPerEvent(result, events)).toEqual(heardPerEvent({ kind: 'unavailable' }, events));
      });
    });

    it.each(results)('given %s, the result arriving after the prompt changes nothing audible either', (_, result) => {
      const call = at.lookingUp();
      call.send(call.finished());
      const heard = call.send(ev.lookedUp(result)).filter((c) => c.startsWith('play') || /Hold$/.test(c));
      expect(heard).toEqual(['startHold']);
    });
  });

  it('given three wrong numbers, then the finder is told and put through to the hotline', () => {
    const call = at.typing('12345678901');
    expect(call.history.at(-1)?.commands.map(render)).toEqual(['cancelTimer inter-digit', 'recordNumberEntry invalid', 'play finder [invalid-number, enter-number]']);
    // The first-digit timer only starts once the new prompt has been heard.
    expect(call.send(call.fired('first-digit'))).toEqual([]);
    expect(call.sendAll(finished(), fired('first-digit'))).toEqual(['startTimer first-digit', 'recordNumberEntry timeout', 'play finder [invalid-number, enter-number]']);
    expect(call.sendAll(finished(), ...ev.keys('99#'))).toEqual(['startTimer first-digit', 'cancelTimer first-digit', 'startTimer inter-digit', 'cancelTimer inter-digit', 'startTimer inter-digit', 'cancelTimer inter-digit', 'recordNumberEntry invalid', 'play finder [invalid-number, putting-through]']);
    expect(call.phase).toBe('announcingHotline');
    expect(call.allCommands.filter((c) => c.type === 'recordNumberEntry')).toEqual([
      { type: 'recordNumberEntry', attempt: 1, result: 'invalid' },
      { type: 'recordNumberEntry', attempt: 2, result: 'timeout' },
      { type: 'recordNumberEntry', attempt: 3, result: 'invalid' },
    ]);
    expect(call.send(call.finished())).toEqual(['startHold', 'dialLeg hotline', 'startTimer hotline-ring']);
  });

  it('given a finder who fails once and then types a valid number, then the look-up happens with the digits and the caller\'s number', () => {
    const call = at.typing('1#');
    call.send(call.finished());
    call.sendAll(...ev.keys(NATIONAL_NUMBER));
    expect(call.allCommands.find((c) => c.type === 'lookUpCascade')).toEqual({ type: 'lookUpCascade', nationalNumber: NATIONAL_NUMBER, callerNumber: FINDER_NUMBER });
  });

  it('given a finder who types * mid-way, then what was typed before does not count', () => {
    const call = at.typing('999*');
    call.sendAll(...ev.keys(NATIONAL_NUMBER));
    expect(call.phase).toBe('lookingUp');
    expect(call.allCommands.filter((c) => c.type === 'recordNumberEntry')).toEqual([{ type: 'recordNumberEntry', attempt: 1, result: 'valid' }]);
  });

  it('given a max of one attempt, then the first failure goes to the hotline', () => {
    const call = at.typing('1#', { ...settings, maxNumberAttempts: 1 });
    expect(call.phase).toBe('announcingHotline');
  });

  describe('languages', () => {
    it.each([
      ['1', 'fr'],
      ['2', 'nl'],
      ['3', 'de'],
      ['4', 'en'],
    ])('key %s picks %s for every later prompt', (key, language) => {
      const call = at.greeting(settings, { language: 'de' });
      call.send(ev.key(key));
      expect(call.lastPlay().media).toEqual([{ kind: 'prompt', id: 'enter-number', language }]);
      call.send(call.finished());
      call.send(call.fired('first-digit'));
      expect(call.lastPlay().media.every((m) => m.kind === 'prompt' && m.language === language)).toBe(true);
    });

    it('the greeting is in the dialled number\'s language and each other language offers itself in its own', () => {
      const call = at.greeting(settings, { language: 'nl' });
      expect(call.lastPlay().media).toEqual([
        { kind: 'prompt', id: 'greeting', language: 'nl' },
        { kind: 'prompt', id: 'language-option', language: 'fr' },
        { kind: 'prompt', id: 'language-option', language: 'de' },
        { kind: 'prompt', id: 'language-option', language: 'en' },
      ]);
    });

    it('without a choice, the dialled number\'s language stays', () => {
      const call = at.greeting(settings, { language: 'de' });
      call.sendAll(finished(), fired('language'));
      expect(call.lastPlay().media).toEqual([{ kind: 'prompt', id: 'enter-number', language: 'de' }]);
    });

    it('the parents hear the cascade\'s language, the finder keeps theirs', () => {
      const call = at.parentPrompt(found([1, 2], 'Emma'));
      expect(call.lastPlay(leg(1)).media).toEqual([
        { kind: 'prompt', id: 'parent-intro', language: 'nl' },
        { kind: 'childName' },
        { kind: 'prompt', id: 'parent-options', language: 'nl' },
      ]);
      call.send(call.fired('hold-message'));
      expect(call.lastPlay().media).toEqual([{ kind: 'prompt', id: 'contacting-parents', language: 'en' }]);
    });
  });

  describe('withheld caller ID', () => {
    it('with the refuse policy, the finder hears why and is hung up', () => {
      const call = at.refusingWithheld();
      expect(call.send(call.finished())).toEqual(['hangupFinder', 'recordCallEnd refused-withheld']);
      expect(call.allCommands.some((c) => c.type === 'dialLeg')).toBe(false);
    });

    it('with the hotline policy, the finder is put through to the hotline, which sees the service number', () => {
      const call = new Call({ ...settings, withheldCallerPolicy: 'hotline' });
      expect(call.send(ev.arrived({ callerNumber: 'anonymous' }))).toEqual(['answerFinder', 'startHold', 'dialLeg hotline', 'startTimer hotline-ring']);
      expect(call.allCommands.find((c) => c.type === 'dialLeg')).toMatchObject({ callerId: SERVICE_NUMBER });
    });
  });

  describe('caller ID shown by every leg (one rule for parents and hotline)', () => {
    it('is the service number by default', () => {
      const call = at.cascade();
      expect(call.allCommands.find((c) => c.type === 'dialLeg')).toMatchObject({ legId: leg(1), position: 1, number: '+32470000001', callerId: SERVICE_NUMBER });
    });

    it('is the finder\'s number when so configured', () => {
      const call = at.cascade(found(), { ...settings, callerIdForLegs: 'finder' });
      expect(call.allCommands.find((c) => c.type === 'dialLeg')).toMatchObject({ callerId: FINDER_NUMBER });
    });

    const hotlineCallerId = (call: Call) => call.allCommands.find((c) => c.type === 'dialLeg' && c.position === 'hotline');
    it.each([
      ['service', SERVICE_NUMBER],
      ['finder', FINDER_NUMBER],
    ] as const)('the hotline\'s leg presents the same number as the parents\' (LEG_CALLER_ID=%s), after a cascade or for an unknown number', (policy, expected) => {
      const flow = { ...settings, callerIdForLegs: policy };
      const afterCascade = at.cascade(found([1]), flow);
      afterCascade.send(ev.legFailed(leg(1), 'busy'));
      expect(hotlineCallerId(afterCascade)).toMatchObject({ callerId: expected });
      expect(hotlineCallerId(at.hotline(flow))).toMatchObject({ callerId: expected });
    });

    it('is the service number for a withheld finder, even when the finder\'s is configured', () => {
      const call = new Call({ ...settings, withheldCallerPolicy: 'hotline', callerIdForLegs: 'finder' });
      call.send(ev.arrived({ callerNumber: null }));
      expect(hotlineCallerId(call)).toMatchObject({ callerId: SERVICE_NUMBER });
    });
  });

  it('given a suspended service, then the finder hears so and is put through to the hotline', () => {
    const call = at.announcingSuspension();
    expect(call.send(call.finished())).toEqual(['startHold', 'dialLeg hotline', 'startTimer hotline-ring']);
    expect(call.allCommands.some((c) => c.type === 'lookUpCascade')).toBe(false);
  });

  it('given the hotline does not answer, then the finder hears the 116 000 message and the call ends', () => {
    const call = at.hotline();
    call.send(call.fired('hotline-ring'));
    expect(call.send(call.finished())).toEqual(['hangupFinder', 'recordCallEnd hotline-unreachable']);
    expect(call.runningTimers()).toEqual([]);
  });

  it('given a long wait, then the hold message comes back every interval until someone answers', () => {
    const call = at.legRinging();
    for (let i = 0; i < 3; i++) {
      expect(call.send(call.fired('hold-message'))).toEqual(['stopHold', 'play finder [contacting-parents]']);
      expect(call.send(call.finished())).toEqual(['startHold', 'startTimer hold-message']);
    }
    expect(call.allCommands.filter((c) => c.type === 'startTimer' && c.name.startsWith('hold-message')).every((c) => c.type === 'startTimer' && c.ms === settings.holdMessageIntervalMs)).toBe(true);
  });

  it('given the hold message playing when the last leg fails, then the hotline is dialled and the message plays on', () => {
    const call = at.cascade(found([1]));
    call.send(call.fired('hold-message'));
    expect(call.send(ev.legFailed(leg(1), 'busy'))).toEqual([
      'cancelTimer leg-progress', 'cancelTimer leg-ring', 'recordLeg 1 busy', 'dialLeg hotline', 'startTimer hotline-ring',
    ]);
    // Its end brings the music back, with the timer, as it did during the cascade.
    expect(call.send(call.finished())).toEqual(['startHold', 'startTimer hold-message']);
  });

  it('uses the configured durations', () => {
    const flow = { ...settings, legRingTimeoutMs: 12_000, legProgressTimeoutMs: 3_000, hotlineRingTimeoutMs: 45_000 };
    const call = at.cascade(found([1]), flow);
    const timers = () => call.allCommands.flatMap((c) => (c.type === 'startTimer' ? [[c.name.split(':')[0], c.ms]] : []));
    call.send(ev.legFailed(leg(1), 'busy'));
    expect(timers()).toEqual(expect.arrayContaining([['leg-progress', 3_000], ['leg-ring', 12_000], ['hotline-ring', 45_000], ['hold-message', settings.holdMessageIntervalMs]]));
  });
});

// ---------------------------------------------------------------------------------------------
// The whole wait, on a virtual clock: what the finder hears, second by second, must not tell an
// enrolled number from an unknown one until someone is on the line.
// ---------------------------------------------------------------------------------------------

describe('the finder\'s whole wait sounds the same, whatever the look-up found', () => {
  /** How each parent's phone behaves. */
  type Parent = 'busy' | 'rings-out' | 'machine' | 'no-key' | 'declines' | 'unreachable';
  interface Case {
    lookupAfterMs: number;
    parents: Parent[];
    holdMessageIntervalMs: number;
    /** When the hotline answers, counted from its dial; null: it rings on past the horizon. */
    hotlineAnswersAfterMs: number | null;
  }
  /** Prompt lengths, as the finder would hear them. */
  const LENGTH_MS: Partial<Record<string, number>> = { 'putting-through': 4_000, 'contacting-parents': 3_500, 'call-116000': 4_000 };
  const HORIZON_MS = 240_000;

  /** The finder's side of the call: [ms since the putting-through prompt started, what they hear]. */
  function finderTimeline(result: LookupResult, c: Case): [number, string][] {
    const flow: FlowSettings = { ...settings, holdMessageIntervalMs: c.holdMessageIntervalMs, hotlineRingTimeoutMs: HORIZON_MS * 2 };
    const call = at.lookingUp(flow);
    let now = 0;
    let seq = 0;
    const due: { at: number; seq: number; key: string; event: CallEvent }[] = [];
    const schedule = (afterMs: number, key: string, event: CallEvent) => due.push({ at: now + afterMs, seq: seq++, key, event });
    const unschedule = (key: string) => due.splice(0, due.length, ...due.filter((d) => d.key !== key));
    const finderPlays = new Set<string>();
    const heard: [number, string][] = [];
    const legIndex = (legId: string) => Number(legId.split(':leg:')[1]) - 1;

    const carryOut = (commands: Command[]) => {
      for (const command of commands) {
        switch (command.type) {
          case 'startTimer':
            schedule(command.ms, command.name, ev.timer(command.name));
            break;
          case 'cancelTimer':
            unschedule(command.name);
            break;
          case 'play': {
            const first = command.media[0];
            const length = first.kind === 'prompt' ? (LENGTH_MS[first.id] ?? 6_000) : 6_000;
            schedule(length, command.playbackId, ev.playbackFinished(command.playbackId));
            if (command.target.kind === 'finder') finderPlays.add(command.playbackId);
            break;
          }
          case 'stopPlayback':
            unschedule(command.playbackId);
            schedule(0, command.playbackId, ev.playbackFinished(command.playbackId));
            break;
          case 'lookUpCascade':
            schedule(c.lookupAfterMs, 'lookup', ev.lookedUp(result));
            break;
          case 'dialLeg': {
            if (command.position === 'hotline') {
              schedule(300, command.legId, ev.ringing(command.legId));
              if (c.hotlineAnswersAfterMs !== null) schedule(c.hotlineAnswersAfterMs, command.legId, ev.answered(command.legId));
              break;
            }
            const id = command.legId;
            const parent = c.parents[legIndex(id)];
            if (parent === 'busy') schedule(700, id, ev.legFailed(id, 'busy'));
            else if (parent === 'unreachable') schedule(200, id, ev.legFailed(id, 'unreachable'));
            else {
              schedule(400, id, ev.ringing(id));
              if (parent !== 'rings-out') schedule(2_500, id, ev.answered(id, parent === 'machine'));
              if (parent === 'declines') schedule(5_000, id, ev.legHungUp(id));
            }
            break;
          }
          case 'hangupLeg':
            unschedule(command.legId);
            break;
          default:
            break;
        }
        // What reaches the finder's ear. The bridge is the end of the wait, whoever answered.
        if (command.type === 'play' && command.target.kind === 'finder') heard.push([now, render(command)]);
        if (command.type === 'stopPlayback' && finderPlays.has(command.playbackId)) heard.push([now, 'stop the finder\'s prompt']);
        if (command.type === 'startHold' || command.type === 'stopHold' || command.type === 'hangupFinder') heard.push([now, command.type]);
        if (command.type === 'bridgeFinderWith') heard.push([now, 'connected']);
      }
    };

    // The putting-through prompt and the look-up have just started (at.lookingUp).
    carryOut(call.history.at(-1)!.commands);
    while (due.length && call.phase !== 'connected' && call.phase !== 'ended') {
      due.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = due.shift()!;
      if (next.at > HORIZON_MS) break;
      now = next.at;
      carryOut(call.sendRaw(next.event));
    }
    return heard;
  }

  const rng = (seed: number) => () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  const PARENTS: Parent[] = ['busy', 'rings-out', 'machine', 'no-key', 'declines', 'unreachable'];
  function generated(seed: number): Case {
    const random = rng(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
    return {
      lookupAfterMs: pick([50, 800, 3_900, 4_100, 7_000]),
      parents: Array.from({ length: 1 + Math.floor(random() * 4) }, () => pick(PARENTS)),
      holdMessageIntervalMs: pick([5_000, 20_000]),
      hotlineAnswersAfterMs: pick([null, 1_000, 30_000]),
    };
  }

  /** When the finder was connected (the wait's end), if ever. */
  const connectedAt = (timeline: [number, string][]) => timeline.find(([, what]) => what === 'connected')?.[0] ?? Infinity;

  it('given parents who never take the call and a hotline that never answers, then for four minutes the finder hears exactly what an unknown number gives, the periodic message included', () => {
    const c: Case = { lookupAfterMs: 800, parents: ['busy', 'rings-out', 'no-key', 'machine'], holdMessageIntervalMs: 20_000, hotlineAnswersAfterMs: null };
    const unknown = finderTimeline({ kind: 'unavailable' }, c);
    expect(finderTimeline(found([1, 2, 3, 4]), c)).toEqual(unknown);
    // Not a vacuous equality: the putting-through prompt, then music and the message every 20 s (+3.5 s of message).
    expect(unknown.slice(0, 5)).toEqual([[0, 'play finder [putting-through]'], [4_000, 'startHold'], [24_000, 'stopHold'], [24_000, 'play finder [contacting-parents]'], [27_500, 'startHold']]);
    expect(unknown.filter(([, what]) => what === 'play finder [contacting-parents]').length).toBeGreaterThanOrEqual(9);
  });

  it.each(Array.from({ length: 200 }, (_, i) => [i + 1]))('generated call #%i: until someone is on the line, the finder hears what an unknown number gives', (seed) => {
    const c = generated(seed);
    const legs = c.parents.map((_, i) => i + 1);
    const unknown = finderTimeline({ kind: 'unavailable' }, c);
    const enrolled = finderTimeline(found(legs), c);
    // The first connection, either way, ends the comparison; up to then, to the millisecond, the same.
    const end = Math.min(connectedAt(unknown), connectedAt(enrolled));
    const before = (timeline: [number, string][]) => timeline.filter(([ms]) => ms < end);
    expect(before(enrolled)).toEqual(before(unknown));
    expect(before(unknown).length).toBeGreaterThan(1);
    if (c.hotlineAnswersAfterMs === null) expect(enrolled).toEqual(unknown);
  });
});

// ---------------------------------------------------------------------------------------------
// Races
// ---------------------------------------------------------------------------------------------

describe('races', () => {
  it('the finder hangs up, then the leg answers: the leg is hung up, never bridged', () => {
    const call = at.legRinging();
    call.send(ev.finderHungUp());
    expect(call.send(ev.answered(leg(1)))).toEqual(['hangupLeg 1']);
    expect(call.send(ev.legKey(leg(1), '1'))).toEqual([]);
    expect(call.allCommands.some((c) => c.type === 'bridgeFinderWith')).toBe(false);
  });

  it('the leg answers, then the finder hangs up: the leg is hung up and nothing more is dialled', () => {
    const call = at.parentPrompt();
    expect(call.send(ev.finderHungUp())).toEqual(['cancelTimer hold-message', 'hangupLeg 1', 'recordLeg 1 cancelled', 'recordCallEnd finder-hung-up']);
    expect(call.send(ev.legHungUp(leg(1)))).toEqual([]);
    expect(call.send(call.finished(leg(1)))).toEqual([]);
    expect(call.allCommands.filter((c) => c.type === 'dialLeg')).toHaveLength(1);
  });

  it('the ring timer fires first, then the leg answers: the answer is stale and the leg is hung up again', () => {
    const call = at.legRinging();
    call.send(call.fired('leg-ring'));
    expect(call.send(ev.answered(leg(1)))).toEqual(['hangupLeg 1']);
    expect(call.state).toMatchObject({ phase: 'cascading', leg: { legId: leg(2) } });
  });

  it('a parent picks up in the last second of the ring: the ring timer stops, and the leg is handed over after the screening of the hello', () => {
    const call = at.legRinging();
    const ringTimer = call.timer('leg-ring');
    expect(call.send(ev.pickedUp(leg(1)))).toEqual(['cancelTimer leg-ring', 'startTimer leg-screening']);
    expect(call.send(ev.timer(ringTimer))).toEqual([]);
    expect(call.send(ev.pickedUp(leg(1)))).toEqual([]);
    call.send(ev.answered(leg(1)));
    expect(call.state).toMatchObject({ phase: 'cascading', leg: { legId: leg(1), progress: { step: 'confirming' } } });
    expect(call.runningTimers().some((t) => t.startsWith('leg-screening'))).toBe(false);
  });

  it('a leg picked up before it ever rang (no 180, no 183): the progress timer stops too', () => {
    const call = at.cascade();
    expect(call.send(ev.pickedUp(leg(1)))).toEqual(['cancelTimer leg-progress', 'cancelTimer leg-ring', 'startTimer leg-screening']);
  });

  it('a leg picked up but never handed over by the screening: it is let go as failed and the next leg rings', () => {
    const call = at.legRinging();
    call.send(ev.pickedUp(leg(1)));
    expect(call.send(call.fired('leg-screening'))).toEqual(['hangupLeg 1', 'recordLeg 1 failed', 'dialLeg 2', 'startTimer leg-progress', 'startTimer leg-ring']);
  });

  it('the leg answers first, then its ring timer fires: the timer is stale', () => {
    const call = at.legRinging();
    const ringTimer = call.timer('leg-ring');
    call.send(ev.answered(leg(1)));
    expect(call.send(ev.timer(ringTimer))).toEqual([]);
    expect(call.state).toMatchObject({ phase: 'cascading', leg: { legId: leg(1), progress: { step: 'confirming' } } });
  });

  it('a parent presses 1 just after being hung up for no key: the key is stale', () => {
    const call = at.keyWindow();
    call.sendAll(fired('confirm'), finished(leg(1)), fired('confirm'));
    expect(call.send(ev.legKey(leg(1), '1'))).toEqual([]);
    expect(call.state).toMatchObject({ leg: { legId: leg(2) } });
  });

  it('the finder presses 0 as a parent answers: the parent is cancelled and the answer that follows is hung up', () => {
    const call = at.legRinging();
    call.send(ev.key('0'));
    expect(call.send(ev.answered(leg(1)))).toEqual(['hangupLeg 1']);
    expect(call.phase).toBe('hotline');
  });

  it('DTMF during a playback interrupts it with the key acted on', () => {
    const call = at.greeting();
    const greeting = call.lastPlay().playbackId;
    const commands = call.sendRaw(ev.key('1'));
    expect(commands[0]).toEqual({ type: 'stopPlayback', playbackId: greeting });
    // The stop makes Asterisk report the greeting finished: by then it is stale.
    expect(call.send(ev.playbackFinished(greeting))).toEqual([]);
    expect(call.phase).toBe('collectingNumber');
  });

  it('the parent presses 1 while the finder still hears "putting you through": that very prompt is stopped before the bridge, and its end changes nothing', () => {
    const call = at.earlyKeyWindow();
    const putThrough = call.lastPlay().playbackId;
    expect(call.lastPlay().media).toEqual([{ kind: 'prompt', id: 'putting-through', language: 'en' }]);
    const commands = call.sendRaw(ev.legKey(leg(1), '1'));
    const stopAt = commands.findIndex((c) => c.type === 'stopPlayback' && c.playbackId === putThrough);
    expect(stopAt).toBeGreaterThan(-1);
    expect(stopAt).toBeLessThan(commands.findIndex((c) => c.type === 'bridgeFinderWith'));
    expect(call.send(ev.playbackFinished(putThrough))).toEqual([]);
    expect(call.phase).toBe('connected');
    // The hold never started, so nothing is left to stop and no timer runs.
    expect(call.allCommands.some((c) => c.type === 'startHold')).toBe(false);
    expect(call.runningTimers()).toEqual([]);
  });

  it('the finder hangs up during the prompt while leg 2 rings after leg 1 failed: only leg 2 is left to cancel, and nothing more is dialled', () => {
    const call = at.earlyLegRinging();
    call.sendAll(ev.legFailed(leg(1), 'busy'), ev.ringing(leg(2)));
    expect(call.send(ev.finderHungUp())).toEqual(['cancelTimer leg-ring', 'hangupLeg 2', 'recordLeg 2 cancelled', 'recordCallEnd finder-hung-up']);
    expect(call.send(ev.answered(leg(2)))).toEqual(['hangupLeg 2']);
    expect(call.allCommands.filter((c) => c.type === 'dialLeg')).toHaveLength(2);
    expect(call.runningTimers()).toEqual([]);
  });

  it('a cancelled timer that fires anyway is stale', () => {
    const call = at.languageMenu();
    const languageTimer = call.timer('language');
    call.send(ev.key('4'));
    expect(call.send(ev.timer(languageTimer))).toEqual([]);
  });

  it('the stopped parent prompt reports finished after 2: the new prompt\'s window is not opened early', () => {
    const call = at.parentPrompt();
    const first = call.lastPlay(leg(1)).playbackId;
    call.send(ev.legKey(leg(1), '2'));
    expect(call.send(ev.playbackFinished(first))).toEqual([]);
    expect(call.state).toMatchObject({ leg: { progress: { step: 'confirming', confirmTimer: null } } });
  });

  it('a late failure of the greeting after a language was chosen does not abandon the call', () => {
    const call = at.greeting();
    const greeting = call.lastPlay().playbackId;
    call.send(ev.key('1'));
    expect(call.send(ev.failed('play', { playbackId: greeting }))).toEqual([]);
    expect(call.phase).toBe('collectingNumber');
  });
});

// ---------------------------------------------------------------------------------------------
// Ids, logs and prompts
// ---------------------------------------------------------------------------------------------

describe('ids and logs', () => {
  it('leg, hotline and playback ids are deterministic', () => {
    const call = at.cascade();
    expect(call.allCommands.filter((c) => c.type === 'play').map((c) => c.type === 'play' && c.playbackId)).toEqual(['c1:pb:1', 'c1:pb:2', 'c1:pb:3']);
    expect(legIdFor('abc', 2)).toBe('abc:leg:2');
    expect(hotlineLegId('abc')).toBe('abc:hotline');
  });

  it('the same events give the same commands', () => {
    expect(at.keyWindow().allCommands).toEqual(at.keyWindow().allCommands);
  });

  it('timer names are never reused within a call', () => {
    const call = at.typing('1234567');
    const names = call.allCommands.flatMap((c) => (c.type === 'startTimer' ? [c.name] : []));
    expect(new Set(names).size).toBe(names.length);
  });

  it('describes a transition for the logs, without digits', () => {
    const call = at.typing(NATIONAL_NUMBER.slice(0, 10));
    call.send(ev.key(NATIONAL_NUMBER[10]));
    const last = call.history.at(-1)!;
    expect(describeTransition(last.from, last.event, last.to)).toBe('collectingNumber -[FinderDtmf]-> lookingUp');
  });

  it('keeps no national number in the state once it was looked up', () => {
    const call = at.cascade();
    expect(JSON.stringify(call.state)).not.toContain(NATIONAL_NUMBER);
  });
});

describe('prompts', () => {
  // The texts are only in prompts/catalog.json (loadPromptCatalog refuses one with a text missing).
  const catalog = () => loadPromptCatalog(join(__dirname, '../../../../../prompts/catalog.json'));

  it('every prompt id has English text', () => {
    for (const id of PROMPT_IDS) expect([id, catalog().prompts[id]?.en?.trim()]).toEqual([id, expect.stringMatching(/\S/)]);
  });

  it('every prompt id is in prompts/catalog.json, in every language', () => {
    for (const id of PROMPT_IDS) expect([id, Object.keys(catalog().prompts[id] ?? {}).sort()]).toEqual([id, [...LANGUAGES].sort()]);
  });

  it('every prompt the machine plays is a known id', () => {
    const played = [at.keyWindow(), at.hotlineUnreachable(), at.refusingWithheld(), at.announcingSuspension(), at.announcingHotline(), at.holdMessage()]
      .flatMap((c) => c.allCommands)
      .flatMap((c) => (c.type === 'play' ? c.media : []))
      .flatMap((m) => (m.kind === 'prompt' ? [m.id] : []));
    for (const id of played) expect(PROMPT_IDS).toContain(id);
  });

  it('the language menu keys follow the fixed order', () => {
    expect(defaultFlowSettings.languages).toEqual(LANGUAGES);
    expect(LANGUAGES).toEqual(['fr', 'nl', 'de', 'en']);
  });
});

// ---------------------------------------------------------------------------------------------
// Invariants over many generated calls (a seeded generator: the same calls on every run)
// ---------------------------------------------------------------------------------------------

describe('invariants over generated calls', () => {
  /** Park-Miller: small, seeded, reproducible. */
  const rng = (seed: number) => () => (seed = (seed * 48271) % 2147483647) / 2147483647;

  /** An event a real call could plausibly receive now, biased towards the current state. */
  function plausibleEvent(call: Call, random: () => number): CallEvent {
    const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)];
    const s = call.state;
    const plays = call.allCommands.flatMap((c) => (c.type === 'play' ? [c.playbackId] : []));
    const timers = call.runningTimers();
    const legIds = call.allCommands.flatMap((c) => (c.type === 'dialLeg' ? [c.legId] : []));
    const current = s.phase === 'cascading' ? s.leg.legId : s.phase === 'hotline' || s.phase === 'connected' ? s.legId : pick(legIds.length ? legIds : [leg(1)]);
    const candidates: (() => CallEvent)[] = [
      () => ({ type: 'PlaybackFinished', playbackId: plays.length ? pick(plays.slice(-2)) : 'c1:pb:1' }),
      () => (timers.length ? ev.timer(pick(timers)) : ev.key(pick(['1', '4', '#']))),
      () => ev.key(pick(['0', '1', '2', '4', '9', '#', '*'])),
      () => ev.key(NATIONAL_NUMBER[Math.min(10, s.phase === 'collectingNumber' ? s.digits.length : 0)]),
      () => ev.lookedUp(pick<LookupResult>([found(), found([2, 5]), { kind: 'unavailable' }, { kind: 'throttled' }])),
      () => ev.ringing(current),
      () => ev.answered(current, random() < 0.2),
      () => ev.legFailed(current, pick(['busy', 'rejected', 'unreachable', 'failed', 'no-answer'] as const)),
      () => ev.legKey(current, pick(['1', '2', '3'])),
      () => ev.legHungUp(current),
      () => ev.failed(pick(['play', 'dialLeg', 'startHold', 'recordLeg', 'lookUpCascade', 'bridgeFinderWith']), random() < 0.5 ? { legId: current } : {}),
      () => ev.finderHungUp(),
    ];
    // The finder hangs up rarely, so that calls get deep.
    const weights = [6, 5, 3, 6, 2, 3, 3, 3, 3, 1, 1, 0.3];
    let r = random() * weights.reduce((a, b) => a + b, 0);
    for (let i = 0; i < candidates.length; i++) if ((r -= weights[i]) < 0) return candidates[i]();
    return candidates[0]();
  }

  const SEEDS = Array.from({ length: 300 }, (_, i) => i + 1);

  it.each(SEEDS.map((seed) => [seed]))('call #%i keeps every invariant', (seed) => {
    const random = rng(seed);
    const call = new Call();
    call.send(ev.arrived({ callerNumber: random() < 0.05 ? null : FINDER_NUMBER, suspended: random() < 0.05 }));
    for (let i = 0; i < 120; i++) {
      const wasEnded = call.phase === 'ended';
      const commands = call.sendRaw(plausibleEvent(call, random));
      if (wasEnded) {
        // Nothing after the end, except hanging up a leg that shows signs of life.
        expect(commands.every((c) => c.type === 'hangupLeg')).toBe(true);
      }
    }
    call.send(ev.finderHungUp());

    const all = call.allCommands;
    // One end, recorded once, and nothing dialled after it.
    const ends = all.map((c, i) => [c, i] as const).filter(([c]) => c.type === 'recordCallEnd');
    expect(ends).toHaveLength(1);
    expect(all.slice(ends[0][1]).some((c) => c.type === 'dialLeg' || c.type === 'bridgeFinderWith' || c.type === 'play')).toBe(false);
    // No timer outlives the call.
    expect(call.runningTimers()).toEqual([]);
    // One leg at a time: a leg is recorded before the next is dialled, and every dialled leg is recorded.
    let open: string | null = null;
    for (const c of all) {
      if (c.type === 'dialLeg') {
        expect(open).toBeNull();
        open = c.legId;
      }
      if (c.type === 'recordLeg' && c.legId === open) open = null;
    }
    expect(open).toBeNull();
    // Every leg is dialled at most once.
    const dialled = all.flatMap((c) => (c.type === 'dialLeg' ? [c.legId] : []));
    expect(new Set(dialled).size).toBe(dialled.length);
    // Never bridged with a leg that was not dialled.
    for (const c of all) if (c.type === 'bridgeFinderWith') expect(dialled).toContain(c.legId);
  });

  it.each(SEEDS.slice(0, 100).map((seed) => [seed]))('call #%i never leaves the finder in silence while waiting', (seed) => {
    // Before a connection or the end, the finder always has a playback, hold music, or a running timer that will change that.
    const random = rng(seed * 7919);
    const call = new Call();
    call.send(ev.arrived());
    for (let i = 0; i < 120 && call.phase !== 'ended'; i++) {
      call.sendRaw(plausibleEvent(call, random));
      const s = call.state;
      switch (s.phase) {
        case 'choosingLanguage':
        case 'collectingNumber':
          expect(s.playbackId !== null || s.timer !== null).toBe(true);
          break;
        case 'lookingUp':
          expect(s.playbackId !== null || s.result === null).toBe(true);
          expect(s.result !== null || s.timer !== null || s.playbackId !== null).toBe(true);
          break;
        case 'cascading':
          expect(s.hold.kind !== 'music' || call.runningTimers().includes(s.hold.timer)).toBe(true);
          break;
        case 'hotline':
          expect(call.runningTimers()).toContain(s.ringTimer);
          break;
        default:
          break;
      }
    }
  });
});
