import { checkDestination } from '../../cascades/domain/allowed-destinations';
import { checkNationalNumber, NATIONAL_NUMBER_LENGTH } from '../../cascades/domain/national-number';
import { LANGUAGES, type Language } from '../../languages';
import {
  CallContext,
  CallEvent,
  CallOutcome,
  CallState,
  Cascade,
  Command,
  CurrentLeg,
  FinderHold,
  FlowSettings,
  LegFailureReason,
  LegPosition,
  LegProgress,
  LegResult,
  LookupResult,
  Media,
  PhaseState,
  PlaybackTarget,
  PromptId,
  StateIn,
  Transition,
  WaitHold,
} from './types';

/**
 * The finder's call as a pure state machine (STYLE.md, "The call flow"): no I/O, no clock, no
 * randomness. `transition` takes the state and one event and returns the next state and the
 * commands a runner carries out in order. Every phase handles only the events legal in it; a
 * stale or illegal event (an old playback, a cancelled timer, a leg that is no longer current)
 * returns the same state and no command.
 *
 * The one rule above every other (PRODUCT.md, step 9): the finder is never left in silence.
 * Whatever fails before a connection, the finder ends up with the hotline or, at worst, the
 * message to dial 116 000.
 */

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

export const legIdFor = (callId: string, position: number): string => `${callId}:leg:${position}`;
export const hotlineLegId = (callId: string): string => `${callId}:hotline`;

/** The state before FinderArrived; the language is a placeholder until the event brings the real one. */
export function initialState(callId: string): CallState {
  return { phase: 'idle', call: { callId, language: LANGUAGES[0], finderNumber: null, playbackCount: 0, timerCount: 0 } };
}

/** For logs: `collectingNumber -[FinderDtmf]-> lookingUp`. Never the digits or numbers. */
export function describeTransition(from: CallState, event: CallEvent, to: CallState): string {
  return `${from.phase} -[${event.type}]-> ${to.phase}`;
}

export function transition(state: CallState, event: CallEvent, settings: FlowSettings): Transition {
  const stray = hangUpStrayLeg(state, event);
  if (stray) return stray;
  if (state.phase === 'ended') return unchanged(state);
  if (event.type === 'FinderHungUp') return finderHungUp(state);
  if (event.type === 'CommandFailed' && HARMLESS_FAILURES.has(event.commandType)) return unchanged(state);

  switch (state.phase) {
    case 'idle':
      return onIdle(state, event, settings);
    case 'refusingWithheld':
    case 'announcingSuspension':
    case 'announcingHotline':
    case 'hotlineUnreachable':
      return onAnnouncement(state, event, settings);
    case 'choosingLanguage':
      return onChoosingLanguage(state, event, settings);
    case 'collectingNumber':
      return onCollectingNumber(state, event, settings);
    case 'lookingUp':
      return onLookingUp(state, event, settings);
    case 'cascading':
      return onCascading(state, event, settings);
    case 'hotline':
      return onHotline(state, event, settings);
    case 'connected':
      return onConnected(state, event, settings);
  }
}

/**
 * Failures that change nothing for the finder: bookkeeping (records), clean-up of something
 * that is going away anyway (stop, cancel, hang up), and hold music (a periodic message still
 * plays). Any other failure before a connection sends the finder to the hotline.
 */
const HARMLESS_FAILURES: ReadonlySet<string> = new Set<Command['type']>([
  'recordNumberEntry',
  'recordLeg',
  'recordCallEnd',
  'stopPlayback',
  'cancelTimer',
  'hangupLeg',
  'hangupFinder',
  'startHold',
  'stopHold',
]);

// ---------------------------------------------------------------------------------------------
// Phase handlers, in the order a call goes through them
// ---------------------------------------------------------------------------------------------

function onIdle(s: StateIn<'idle'>, e: CallEvent, settings: FlowSettings): Transition {
  if (e.type !== 'FinderArrived') return unchanged(s);
  const withheld = e.presentationRestricted || !isUsableNumber(e.callerNumber);
  const step = new Step({ ...s.call, language: e.language, finderNumber: withheld ? null : (e.callerNumber ?? '').trim() });
  step.emit({ type: 'answerFinder' });

  // Suspension comes first: then nobody's number is needed, the hotline takes every call.
  if (e.suspended) return step.to({ phase: 'announcingSuspension', playbackId: step.playToFinder(['service-suspended']) });
  if (withheld) {
    if (settings.withheldCallerPolicy === 'hotline') return goToHotline(step, TONE, settings);
    return step.to({ phase: 'refusingWithheld', playbackId: step.playToFinder(['caller-id-required']) });
  }
  // The greeting in the dialled number's language, then each other language offers itself in its own words.
  const others = settings.languages.filter((lang) => lang !== e.language);
  const playbackId = step.play(FINDER, [prompt('greeting'), ...others.map((lang) => prompt('language-option', lang))]);
  return step.to({ phase: 'choosingLanguage', playbackId, timer: null });
}

/** Phases that play one message to the finder and then move on. */
type Announcement = StateIn<'refusingWithheld' | 'announcingSuspension' | 'announcingHotline' | 'hotlineUnreachable'>;

function onAnnouncement(s: Announcement, e: CallEvent, settings: FlowSettings): Transition {
  const finished = e.type === 'PlaybackFinished' && e.playbackId === s.playbackId;
  // Only the message itself (or the answer before it) failing counts; a late failure of, say,
  // the hotline's dial must not cut the 116 000 message short.
  const failed = e.type === 'CommandFailed' && (e.commandType === 'play' ? !isStalePlayFailure(e, s.playbackId) : e.commandType === 'answerFinder');
  if (!finished && !failed) return unchanged(s);

  const step = new Step(s.call);
  switch (s.phase) {
    case 'refusingWithheld':
      // If the finder could not even hear why, refusing would leave them without help.
      if (failed) return goToHotline(step, TONE, settings);
      step.emit({ type: 'hangupFinder' });
      return end(step, 'refused-withheld');
    case 'announcingSuspension':
    case 'announcingHotline':
      return goToHotline(step, TONE, settings);
    case 'hotlineUnreachable':
      step.emit({ type: 'hangupFinder' });
      return end(step, 'hotline-unreachable');
  }
}

function onChoosingLanguage(s: StateIn<'choosingLanguage'>, e: CallEvent, settings: FlowSettings): Transition {
  const step = new Step(s.call);
  switch (e.type) {
    case 'PlaybackFinished':
      if (e.playbackId !== s.playbackId) return unchanged(s);
      // The finder's time to choose starts once all the options have been heard.
      return step.to({ ...s, playbackId: null, timer: step.startTimer('language', settings.languageChoiceTimeoutMs) });
    case 'FinderDtmf': {
      if (e.digit === '0') return leaveForHotline(s, settings);
      const language = languageForKey(e.digit, settings);
      if (!language) return unchanged(s);
      step.stopPlayback(s.playbackId);
      step.cancelTimer(s.timer);
      step.call = { ...step.call, language };
      return askForNumber(step, 0, ['enter-number']);
    }
    case 'TimerFired':
      // No choice: the dialled number's language it is.
      return e.name === s.timer ? askForNumber(step, 0, ['enter-number']) : unchanged(s);
    case 'CommandFailed':
      return isStalePlayFailure(e, s.playbackId) ? unchanged(s) : leaveForHotline(s, settings);
    default:
      return unchanged(s);
  }
}

function onCollectingNumber(s: StateIn<'collectingNumber'>, e: CallEvent, settings: FlowSettings): Transition {
  const step = new Step(s.call);
  switch (e.type) {
    case 'PlaybackFinished':
      // A digit typed during the prompt stopped it and cleared playbackId, so this is the untouched prompt ending.
      if (e.playbackId !== s.playbackId) return unchanged(s);
      return step.to({ ...s, playbackId: null, timer: step.startTimer('first-digit', settings.firstDigitTimeoutMs) });
    case 'FinderDtmf':
      return onNumberKey(s, e.digit, settings);
    case 'TimerFired':
      if (e.name !== s.timer) return unchanged(s);
      // Silence, or a number left half-typed: one failed try.
      step.emit({ type: 'recordNumberEntry', attempt: s.failures + 1, result: 'timeout' });
      return entryFailed(step, s.failures + 1, settings);
    case 'CommandFailed':
      return isStalePlayFailure(e, s.playbackId) ? unchanged(s) : leaveForHotline(s, settings);
    default:
      return unchanged(s);
  }
}

function onNumberKey(s: StateIn<'collectingNumber'>, key: string, settings: FlowSettings): Transition {
  const step = new Step(s.call);
  if (!/^[0-9*#]$/.test(key)) return unchanged(s);
  // Any key interrupts the prompt: the finder knows what to do.
  step.stopPlayback(s.playbackId);
  step.cancelTimer(s.timer);
  if (key === '*') return askForNumber(step, s.failures, ['enter-number']);
  if (key === '#') return entryComplete(step, s.digits, s.failures, settings);

  const digits = s.digits + key;
  if (digits.length === NATIONAL_NUMBER_LENGTH) return entryComplete(step, digits, s.failures, settings);
  return step.to({ ...s, digits, playbackId: null, timer: step.startTimer('inter-digit', settings.interDigitTimeoutMs) });
}

function onLookingUp(s: StateIn<'lookingUp'>, e: CallEvent, settings: FlowSettings): Transition {
  const step = new Step(s.call);
  switch (e.type) {
    case 'FinderDtmf':
      // 0 asks for the hotline, as on hold. It must work here too: with a found cascade the
      // finder is already in `cascading` during this same prompt, and the line must not tell
      // the two apart.
      return e.digit === '0' ? leaveForHotline(s, settings) : unchanged(s);
    case 'PlaybackFinished':
      return e.playbackId === s.playbackId ? proceedAfterLookup(step, { ...s, playbackId: null }, settings) : unchanged(s);
    case 'CascadeLookedUp':
      if (s.result) return unchanged(s);
      step.cancelTimer(s.timer);
      return proceedAfterLookup(step, { ...s, result: e.result, timer: null }, settings);
    case 'TimerFired':
      // A look-up that does not answer in time is treated like one that found nothing.
      return e.name === s.timer ? proceedAfterLookup(step, { ...s, result: UNAVAILABLE, timer: null }, settings) : unchanged(s);
    case 'CommandFailed':
      if (e.commandType === 'lookUpCascade') {
        if (s.result) return unchanged(s);
        step.cancelTimer(s.timer);
        return proceedAfterLookup(step, { ...s, result: UNAVAILABLE, timer: null }, settings);
      }
      // A leg's command (a cascade that ran out during the prompt came back here): that leg was closed already.
      if (e.legId !== undefined) return unchanged(s);
      if (e.commandType === 'play') {
        // The prompt could not be played: nothing more to wait for on that side.
        return isStalePlayFailure(e, s.playbackId) ? unchanged(s) : proceedAfterLookup(step, { ...s, playbackId: null }, settings);
      }
      return leaveForHotline(s, settings);
    default:
      return unchanged(s);
  }
}

function onCascading(s: StateIn<'cascading'>, e: CallEvent, settings: FlowSettings): Transition {
  switch (e.type) {
    case 'FinderDtmf':
      // 0 on hold: the finder would rather talk to someone now than wait for the parents.
      return e.digit === '0' ? leaveForHotline(s, settings) : unchanged(s);
    case 'PlaybackFinished':
      // The putting-through prompt or the periodic message is over: music, and the message timer.
      if (s.hold.kind !== 'music' && e.playbackId === s.hold.playbackId) return resumeHoldMusic(s, settings);
      if (s.leg.progress.step === 'confirming' && e.playbackId === s.leg.progress.playbackId) return openKeyWindow(s, s.leg.progress, settings);
      return unchanged(s);
    case 'TimerFired':
      return onCascadeTimer(s, e.name, settings);
    case 'CommandFailed':
      return onCascadeFailure(s, e, settings);
    case 'LegRinging':
    case 'LegPickedUp':
    case 'LegAnswered':
    case 'LegFailed':
    case 'LegHungUp':
    case 'LegDtmf':
      return e.legId === s.leg.legId ? onParentLegEvent(s, e, settings) : unchanged(s);
    default:
      return unchanged(s);
  }
}

type LegEvent = Extract<CallEvent, { type: 'LegRinging' | 'LegPickedUp' | 'LegAnswered' | 'LegFailed' | 'LegHungUp' | 'LegDtmf' }>;

function onParentLegEvent(s: StateIn<'cascading'>, e: LegEvent, settings: FlowSettings): Transition {
  const { leg } = s;
  const p = leg.progress;
  const step = new Step(s.call);
  switch (e.type) {
    case 'LegRinging':
      if (p.step !== 'dialling') return unchanged(s);
      // It rings: the network found the phone; from now on only the ring timer counts.
      step.cancelTimer(p.progressTimer);
      return step.to({ ...s, leg: { ...leg, progress: { step: 'ringing', ringTimer: p.ringTimer } } });
    case 'LegPickedUp': {
      if (p.step !== 'dialling' && p.step !== 'ringing') return unchanged(s);
      // Answered: the ring time is over; the screening of the hello has its own bound.
      step.cancelTimers(legTimers(p));
      const screeningTimer = step.startTimer('leg-screening', settings.legScreeningTimeoutMs);
      return step.to({ ...s, leg: { ...leg, progress: { step: 'screening', screeningTimer } } });
    }
    case 'LegAnswered':
      if (p.step === 'confirming') return unchanged(s);
      if (e.machineDetected) {
        // Voicemail or an answering machine: the cascade moves on (PRODUCT.md, step 6).
        closeLeg(step, leg, 'machine', 'hang-up');
        return nextLeg(step, s, settings);
      }
      step.cancelTimers(legTimers(p));
      return step.to({ ...s, leg: { ...leg, progress: { step: 'confirming', playbackId: playParentPrompt(step, s), confirmTimer: null, window: 1 } } });
    case 'LegFailed':
      closeLeg(step, leg, legResultOfFailure(e.reason), 'gone');
      return nextLeg(step, s, settings);
    case 'LegHungUp':
      // After answering, hanging up is a refusal; before, the runner should have said LegFailed.
      closeLeg(step, leg, p.step === 'confirming' ? 'declined' : 'failed', 'gone');
      return nextLeg(step, s, settings);
    case 'LegDtmf':
      if (p.step !== 'confirming') return unchanged(s);
      if (e.digit === '1') return connectParent(step, s, p);
      if (e.digit === '2') return tellFinderNumber(step, s, p);
      return unchanged(s);
  }
}

function onCascadeTimer(s: StateIn<'cascading'>, name: string, settings: FlowSettings): Transition {
  const { leg, hold } = s;
  const p = leg.progress;
  const step = new Step(s.call);
  if (hold.kind === 'music' && name === hold.timer) return step.to({ ...s, hold: playHoldMessage(step) });
  if (p.step === 'dialling' && name === p.progressTimer) {
    closeLeg(step, leg, 'unreachable', 'hang-up', name);
    return nextLeg(step, s, settings);
  }
  if (p.step === 'screening' && name === p.screeningTimer) {
    closeLeg(step, leg, 'failed', 'hang-up', name);
    return nextLeg(step, s, settings);
  }
  if ((p.step === 'dialling' || p.step === 'ringing') && name === p.ringTimer) {
    closeLeg(step, leg, 'no-answer', 'hang-up', name);
    return nextLeg(step, s, settings);
  }
  if (p.step === 'confirming' && name === p.confirmTimer) {
    if (p.window === 1) {
      // The parent may not have caught it: the options once more, then a second window.
      const playbackId = step.play(legTarget(leg), [prompt('parent-options')], s.cascade.language);
      return step.to({ ...s, leg: { ...leg, progress: { step: 'confirming', playbackId, confirmTimer: null, window: 2 } } });
    }
    closeLeg(step, leg, 'no-key', 'hang-up', name);
    return nextLeg(step, s, settings);
  }
  return unchanged(s);
}

function onCascadeFailure(s: StateIn<'cascading'>, e: Extract<CallEvent, { type: 'CommandFailed' }>, settings: FlowSettings): Transition {
  const { leg, hold } = s;
  const p = leg.progress;
  const step = new Step(s.call);
  if (e.legId !== undefined) {
    // An earlier leg's failure: that leg was already dealt with.
    if (e.legId !== leg.legId) return unchanged(s);
    closeLeg(step, leg, 'failed', e.commandType === 'dialLeg' ? 'gone' : 'hang-up');
    return nextLeg(step, s, settings);
  }
  // The look-up already answered (it found this cascade): a late report of its failure is stale.
  if (e.commandType === 'lookUpCascade') return unchanged(s);
  if (e.commandType === 'play') {
    const finderPlayback = hold.kind === 'music' ? null : hold.playbackId;
    const parentPrompt = p.step === 'confirming' ? p.playbackId : null;
    // Without a playback id, the finder's prompt or message is the likelier one; a parent left
    // in silence still has keys, the finder's 0, and hanging up.
    const failedId = e.playbackId ?? finderPlayback ?? parentPrompt;
    if (failedId !== null && failedId === finderPlayback) return resumeHoldMusic(s, settings);
    if (failedId !== null && failedId === parentPrompt) {
      closeLeg(step, leg, 'failed', 'hang-up');
      return nextLeg(step, s, settings);
    }
    return unchanged(s);
  }
  // A timer that could not start, or anything unexpected: the cascade can no longer be trusted.
  return leaveForHotline(s, settings);
}

function onHotline(s: StateIn<'hotline'>, e: CallEvent, settings: FlowSettings): Transition {
  const step = new Step(s.call);
  const record = (result: LegResult) => step.emit({ type: 'recordLeg', legId: s.legId, position: 'hotline', result });
  const { hold } = s;
  switch (e.type) {
    case 'LegAnswered':
      if (e.legId !== s.legId) return unchanged(s);
      // The hotline is staffed: no confirmation, and a "machine" verdict there is a false alarm.
      step.cancelTimer(s.ringTimer);
      stopFinderHold(step, hold);
      step.emit({ type: 'bridgeFinderWith', legId: s.legId });
      record('connected');
      return step.to({ phase: 'connected', legId: s.legId, position: 'hotline' });
    case 'LegFailed':
    case 'LegHungUp':
      if (e.legId !== s.legId) return unchanged(s);
      step.cancelTimer(s.ringTimer);
      record(e.type === 'LegFailed' ? legResultOfFailure(e.reason) : 'failed');
      return tellFinderToDial116000(step, hold);
    case 'TimerFired':
      // The wait's hold goes on as it did during the cascade (or would have, for an unknown number).
      if (hold?.kind === 'music' && e.name === hold.timer) return step.to({ ...s, hold: playHoldMessage(step) });
      if (e.name !== s.ringTimer) return unchanged(s);
      step.emit({ type: 'hangupLeg', legId: s.legId });
      record('no-answer');
      return tellFinderToDial116000(step, hold);
    case 'PlaybackFinished':
      return hold?.kind === 'message' && e.playbackId === hold.playbackId ? step.to({ ...s, hold: startHoldMusic(step, settings) }) : unchanged(s);
    case 'CommandFailed':
      // The periodic message could not be played: music again, as in the cascade.
      if (e.commandType === 'play' && hold?.kind === 'message' && (e.playbackId ?? hold.playbackId) === hold.playbackId) return step.to({ ...s, hold: startHoldMusic(step, settings) });
      // Only the hotline's own dial matters here; a late failure of an earlier prompt does not.
      if (e.commandType !== 'dialLeg' || (e.legId !== undefined && e.legId !== s.legId)) return unchanged(s);
      step.cancelTimer(s.ringTimer);
      record('failed');
      return tellFinderToDial116000(step, hold);
    default:
      return unchanged(s);
  }
}

function onConnected(s: StateIn<'connected'>, e: CallEvent, settings: FlowSettings): Transition {
  const step = new Step(s.call);
  const outcome: CallOutcome = s.position === 'hotline' ? 'connected-hotline' : 'connected-parent';
  switch (e.type) {
    case 'LegHungUp':
      if (e.legId !== s.legId) return unchanged(s);
      step.emit({ type: 'hangupFinder' });
      return end(step, outcome, { connectedPosition: s.position, hungUpBy: 'callee' });
    case 'CommandFailed':
      if (e.commandType !== 'bridgeFinderWith' || (e.legId !== undefined && e.legId !== s.legId)) return unchanged(s);
      // Both sides would wait in silence: drop the leg and fall back as if nobody had answered.
      step.emit({ type: 'hangupLeg', legId: s.legId }, { type: 'recordLeg', legId: s.legId, position: s.position, result: 'failed' });
      if (s.position === 'hotline') return tellFinderToDial116000(step, 'not-holding');
      // The finder was waiting for a parent: the hotline, with the wait's hold.
      return goToHotline(step, WAIT, settings);
    default:
      return unchanged(s);
  }
}

/** FinderHungUp, in any phase before `ended`: stop everything, ring nobody any more. */
function finderHungUp(s: Exclude<CallState, { phase: 'ended' }>): Transition {
  const step = new Step(s.call);
  // The finder's channel is gone, and its playbacks with it: only timers and legs need undoing.
  switch (s.phase) {
    case 'idle':
    case 'announcingSuspension':
    case 'announcingHotline':
      return end(step, 'finder-hung-up');
    // The outcome was already decided; the finder only left before the message ended.
    case 'refusingWithheld':
      return end(step, 'refused-withheld');
    case 'hotlineUnreachable':
      return end(step, 'hotline-unreachable');
    case 'choosingLanguage':
    case 'collectingNumber':
    case 'lookingUp':
      step.cancelTimer(s.timer);
      return end(step, 'finder-hung-up');
    case 'cascading':
      if (s.hold.kind === 'music') step.cancelTimer(s.hold.timer);
      closeLeg(step, s.leg, 'cancelled', 'hang-up');
      return end(step, 'finder-hung-up');
    case 'hotline':
      step.cancelTimer(s.ringTimer);
      if (s.hold?.kind === 'music') step.cancelTimer(s.hold.timer);
      step.emit({ type: 'hangupLeg', legId: s.legId }, { type: 'recordLeg', legId: s.legId, position: 'hotline', result: 'cancelled' });
      return end(step, 'finder-hung-up');
    case 'connected':
      step.emit({ type: 'hangupLeg', legId: s.legId });
      return end(step, s.position === 'hotline' ? 'connected-hotline' : 'connected-parent', { connectedPosition: s.position, hungUpBy: 'finder' });
  }
}

/**
 * A leg we already let go rings or answers: our hangup may have raced its originate. Hanging up
 * again is harmless (idempotent) and keeps a parent's phone from ringing for nothing.
 */
function hangUpStrayLeg(s: CallState, e: CallEvent): Transition | null {
  if (e.type !== 'LegRinging' && e.type !== 'LegPickedUp' && e.type !== 'LegAnswered') return null;
  const ours = e.legId.startsWith(`${s.call.callId}:leg:`) || e.legId === hotlineLegId(s.call.callId);
  if (!ours || e.legId === liveLegId(s)) return null;
  return { state: s, commands: [{ type: 'hangupLeg', legId: e.legId }] };
}

function liveLegId(s: CallState): string | null {
  switch (s.phase) {
    case 'cascading':
      return s.leg.legId;
    case 'hotline':
    case 'connected':
      return s.legId;
    default:
      return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Steps shared by several phases
// ---------------------------------------------------------------------------------------------

/** (Re)asks for the number, from an empty entry. */
function askForNumber(step: Step, failures: number, prompts: PromptId[]): Transition {
  return step.to({ phase: 'collectingNumber', digits: '', failures, playbackId: step.playToFinder(prompts), timer: null });
}

function entryComplete(step: Step, digits: string, failures: number, settings: FlowSettings): Transition {
  const attempt = failures + 1;
  if (!checkNationalNumber(digits).valid) {
    step.emit({ type: 'recordNumberEntry', attempt, result: 'invalid' });
    return entryFailed(step, attempt, settings);
  }
  step.emit({ type: 'recordNumberEntry', attempt, result: 'valid' });
  // Look up and speak at once: the finder hears the same words whatever the look-up finds.
  step.emit({ type: 'lookUpCascade', nationalNumber: digits, callerNumber: step.call.finderNumber ?? '' });
  const playbackId = step.playToFinder(['putting-through']);
  const timer = step.startTimer('lookup', settings.lookupTimeoutMs);
  return step.to({ phase: 'lookingUp', playbackId, result: null, timer });
}

function entryFailed(step: Step, failures: number, settings: FlowSettings): Transition {
  if (failures >= settings.maxNumberAttempts) {
    // Enough tries: say so, then the hotline, which helps without the number.
    return step.to({ phase: 'announcingHotline', playbackId: step.playToFinder(['invalid-number', 'putting-through']) });
  }
  return askForNumber(step, failures, ['invalid-number', 'enter-number']);
}

/**
 * A found cascade is dialled at once: a leg rings 15 s at most, so the seconds of the prompt
 * matter. The prompt plays on to its end (the finder's hold starts then), so the finder hears
 * the same words, for as long, whatever the look-up found. Anything else (unavailable,
 * throttled, no number) waits for the prompt's end, then the hotline, with nothing more said.
 */
function proceedAfterLookup(step: Step, s: StateIn<'lookingUp'>, settings: FlowSettings): Transition {
  const cascade = s.result && cascadeOf(s.result);
  if (cascade) {
    const hold: FinderHold = s.playbackId !== null ? { kind: 'announcement', playbackId: s.playbackId } : startHoldMusic(step, settings);
    return dialParent(step, cascade, 0, hold, settings);
  }
  if (s.playbackId !== null || s.result === null) return step.to(s);
  // The finder waits for the hotline exactly as for a cascade: music, then the periodic message.
  return goToHotline(step, WAIT, settings);
}

function cascadeOf(result: LookupResult): Cascade | null {
  if (result.kind !== 'found' || result.legs.length === 0) return null;
  return {
    legs: [...result.legs].sort((a, b) => a.position - b.position).map(({ position, number }) => ({ position, number })),
    childFirstName: result.childFirstName,
    language: result.language,
  };
}

/**
 * Dials the first number from `from` on that the service may call. A number outside the
 * allowed destinations (one saved before the rule changed) is never dialled: it is recorded as
 * `not-allowed` and the cascade moves on, as after a failed leg. The hotline is exempt.
 */
function dialParent(step: Step, cascade: Cascade, from: number, hold: FinderHold, settings: FlowSettings): Transition {
  let index = from;
  while (index < cascade.legs.length && !checkDestination(cascade.legs[index].number, settings.allowedDestinations).allowed) {
    const skipped = cascade.legs[index].position;
    step.emit({ type: 'recordLeg', legId: legIdFor(step.call.callId, skipped), position: skipped, result: 'not-allowed' });
    index += 1;
  }
  if (index === cascade.legs.length) return cascadeExhausted(step, hold, settings);
  const { position, number } = cascade.legs[index];
  const legId = legIdFor(step.call.callId, position);
  step.emit({ type: 'dialLeg', legId, position, number, callerId: presentedNumber(step.call, settings) });
  const progressTimer = step.startTimer('leg-progress', settings.legProgressTimeoutMs);
  const ringTimer = step.startTimer('leg-ring', settings.legRingTimeoutMs);
  const leg: CurrentLeg = { legId, position, index, progress: { step: 'dialling', progressTimer, ringTimer } };
  return step.to({ phase: 'cascading', cascade, leg, hold });
}

/** After the current leg was closed: the next parent, or the hotline after the last one. */
function nextLeg(step: Step, s: StateIn<'cascading'>, settings: FlowSettings): Transition {
  return dialParent(step, s.cascade, s.leg.index + 1, s.hold, settings);
}

/** No parent left to dial: the hotline. */
function cascadeExhausted(step: Step, hold: FinderHold, settings: FlowSettings): Transition {
  if (hold.kind === 'announcement') {
    // Every leg failed (or was not allowed) before the putting-through prompt ended: the prompt
    // plays out and the hotline follows, exactly as for a number with no cascade.
    return step.to({ phase: 'lookingUp', playbackId: hold.playbackId, result: UNAVAILABLE, timer: null });
  }
  // The finder's hold carries on as it is: the hotline's ringing sounds like the cascade's.
  return goToHotline(step, { hold }, settings);
}

/**
 * Ends the current parent leg: its timers stop (except one that just fired), its channel is
 * hung up unless it is already gone, and the result is recorded.
 */
function closeLeg(step: Step, leg: CurrentLeg, result: LegResult, channel: 'hang-up' | 'gone', firedTimer?: string): void {
  step.cancelTimers(legTimers(leg.progress).filter((name) => name !== firedTimer));
  if (channel === 'hang-up') step.emit({ type: 'hangupLeg', legId: leg.legId });
  step.emit({ type: 'recordLeg', legId: leg.legId, position: leg.position, result });
}

function legTimers(p: LegProgress): string[] {
  switch (p.step) {
    case 'dialling':
      return [p.progressTimer, p.ringTimer];
    case 'ringing':
      return [p.ringTimer];
    case 'screening':
      return [p.screeningTimer];
    case 'confirming':
      return p.confirmTimer ? [p.confirmTimer] : [];
  }
}

function playParentPrompt(step: Step, s: StateIn<'cascading'>): string {
  const { cascade } = s;
  const media: Media[] = [prompt('parent-intro'), ...(cascade.childFirstName ? [CHILD_NAME] : []), prompt('parent-options')];
  return step.play(legTarget(s.leg), media, cascade.language);
}

/** The parent's prompt has been heard: the key window opens. */
function openKeyWindow(s: StateIn<'cascading'>, p: Extract<LegProgress, { step: 'confirming' }>, settings: FlowSettings): Transition {
  const step = new Step(s.call);
  const confirmTimer = step.startTimer('confirm', settings.confirmWindowMs);
  return step.to({ ...s, leg: { ...s.leg, progress: { ...p, playbackId: null, confirmTimer } } });
}

function connectParent(step: Step, s: StateIn<'cascading'>, p: Extract<LegProgress, { step: 'confirming' }>): Transition {
  const { leg, hold } = s;
  step.stopPlayback(p.playbackId);
  step.cancelTimer(p.confirmTimer);
  stopFinderHold(step, hold);
  step.emit({ type: 'bridgeFinderWith', legId: leg.legId }, { type: 'recordLeg', legId: leg.legId, position: leg.position, result: 'accepted' });
  return step.to({ phase: 'connected', legId: leg.legId, position: leg.position });
}

/** Key 2: the parent hears the finder's number (to call back), then the options again, with a fresh window. */
function tellFinderNumber(step: Step, s: StateIn<'cascading'>, p: Extract<LegProgress, { step: 'confirming' }>): Transition {
  step.stopPlayback(p.playbackId);
  step.cancelTimer(p.confirmTimer);
  // Only digits can be spoken ("+32..." is read from the 3).
  const digits = (step.call.finderNumber ?? '').replace(/\D/g, '');
  const media: Media[] = [...(digits ? [prompt('finder-number-is'), { kind: 'digits' as const, digits }] : []), prompt('parent-options')];
  const playbackId = step.play(legTarget(s.leg), media, s.cascade.language);
  return step.to({ ...s, leg: { ...s.leg, progress: { step: 'confirming', playbackId, confirmTimer: null, window: 1 } } });
}

function resumeHoldMusic(s: StateIn<'cascading'>, settings: FlowSettings): Transition {
  const step = new Step(s.call);
  return step.to({ ...s, hold: startHoldMusic(step, settings) });
}

function startHoldMusic(step: Step, settings: FlowSettings): WaitHold {
  step.emit({ type: 'startHold' });
  return { kind: 'music', timer: step.startTimer('hold-message', settings.holdMessageIntervalMs) };
}

/** The hold message is due: music off, "we are contacting the child's parents". */
function playHoldMessage(step: Step): WaitHold {
  step.emit({ type: 'stopHold' });
  return { kind: 'message', playbackId: step.playToFinder(['contacting-parents']) };
}

/**
 * Ends whatever the finder hears while held, before a bridge or the 116 000 message: the
 * putting-through prompt or the periodic message is stopped (the finder hears the person, not
 * the end of a prompt), the music is switched off with its message timer.
 */
function stopFinderHold(step: Step, hold: FinderHold | null): void {
  if (hold === null) return step.emit({ type: 'stopHold' });
  if (hold.kind === 'music') {
    step.cancelTimer(hold.timer);
    return step.emit({ type: 'stopHold' });
  }
  step.stopPlayback(hold.playbackId);
}

/** The finder asked for it (key 0) or something failed: undo what the phase has running, then the hotline. */
function leaveForHotline(s: StateIn<'choosingLanguage' | 'collectingNumber' | 'lookingUp' | 'cascading'>, settings: FlowSettings): Transition {
  const step = new Step(s.call);
  if (s.phase === 'cascading') {
    closeLeg(step, s.leg, 'cancelled', 'hang-up');
    // During the putting-through prompt, exactly what `lookingUp` does on 0: the prompt stops,
    // hold tone. After it, the wait's hold carries on, as it does for an unknown number, whose
    // finder is already waiting for the hotline then.
    if (s.hold.kind !== 'announcement') return goToHotline(step, { hold: s.hold }, settings);
    step.stopPlayback(s.hold.playbackId);
    return goToHotline(step, TONE, settings);
  }
  step.stopPlayback(s.playbackId);
  step.cancelTimer(s.timer);
  return goToHotline(step, TONE, settings);
}

/**
 * How the finder is held while the hotline rings: plain hold tone, the wait's hold started now
 * (music and the periodic message, as after the putting-through prompt), or the wait's hold
 * carried on as it is.
 */
type HotlineHold = { start: 'tone' | 'wait' } | { hold: WaitHold };
const TONE: HotlineHold = { start: 'tone' };
const WAIT: HotlineHold = { start: 'wait' };

/** The last step of every cascade: dial the hotline, the finder on hold meanwhile. */
function goToHotline(step: Step, finder: HotlineHold, settings: FlowSettings): Transition {
  let hold: WaitHold | null;
  if ('hold' in finder) hold = finder.hold;
  else if (finder.start === 'wait') hold = startHoldMusic(step, settings);
  else {
    step.emit({ type: 'startHold' });
    hold = null;
  }
  const legId = hotlineLegId(step.call.callId);
  step.emit({ type: 'dialLeg', legId, position: 'hotline', number: settings.hotlineNumber, callerId: presentedNumber(step.call, settings) });
  const ringTimer = step.startTimer('hotline-ring', settings.hotlineRingTimeoutMs);
  return step.to({ phase: 'hotline', legId, ringTimer, hold });
}

/**
 * The number every leg presents, parents and hotline alike (LEG_CALLER_ID): the service's own
 * number by default (a provider applying anti-spoofing rules may refuse anything else), the
 * finder's where the trunk allows it and the finder has one.
 */
function presentedNumber(call: CallContext, settings: FlowSettings): string {
  return settings.callerIdForLegs === 'finder' && call.finderNumber ? call.finderNumber : settings.serviceNumber;
}

/** The worst case: not even the hotline answered. The finder is told to dial 116 000. */
function tellFinderToDial116000(step: Step, hold: WaitHold | null | 'not-holding'): Transition {
  if (hold !== 'not-holding') stopFinderHold(step, hold);
  return step.to({ phase: 'hotlineUnreachable', playbackId: step.playToFinder(['call-116000']) });
}

function end(step: Step, outcome: CallOutcome, details: { connectedPosition?: LegPosition; hungUpBy?: 'finder' | 'callee' } = {}): Transition {
  step.emit({ type: 'recordCallEnd', outcome, ...details });
  return step.to({ phase: 'ended', outcome });
}

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

const FINDER: PlaybackTarget = { kind: 'finder' };
const CHILD_NAME: Media = { kind: 'childName' };
const UNAVAILABLE: LookupResult = { kind: 'unavailable' };

const legTarget = (leg: CurrentLeg): PlaybackTarget => ({ kind: 'leg', legId: leg.legId });
const prompt = (id: PromptId, language?: Language): Media => (language ? { kind: 'prompt', id, language } : { kind: 'prompt', id });
const unchanged = (state: CallState): Transition => ({ state, commands: [] });

/** A number the parents could call back. "anonymous" (any case), "Restricted", "" and the like have no digit. */
function isUsableNumber(number: string | null): boolean {
  return number !== null && /\d/.test(number);
}

function languageForKey(key: string, settings: FlowSettings): Language | undefined {
  return /^[1-9]$/.test(key) ? settings.languages[Number(key) - 1] : undefined;
}

function legResultOfFailure(reason: LegFailureReason): LegResult {
  return reason === 'rejected' ? 'declined' : reason;
}

/**
 * A failed play that is not the one the phase waits for: either its id is known and different,
 * or the phase waits for no playback at all (it already ended or was stopped).
 */
function isStalePlayFailure(e: Extract<CallEvent, { type: 'CommandFailed' }>, current: string | null): boolean {
  if (e.commandType !== 'play') return false;
  return current === null || (e.playbackId !== undefined && e.playbackId !== current);
}

type TimerKind = 'language' | 'first-digit' | 'inter-digit' | 'lookup' | 'hold-message' | 'leg-progress' | 'leg-ring' | 'leg-screening' | 'confirm' | 'hotline-ring';

/**
 * Collects the commands of one transition and hands out deterministic ids. It lives for one
 * call of `transition` only, so the machine stays pure; the counters it advances end up in the
 * next state's `call`.
 */
class Step {
  readonly commands: Command[] = [];

  constructor(public call: CallContext) {}

  emit(...commands: Command[]): void {
    this.commands.push(...commands);
  }

  /** Plays media; prompts and digits without a language get `language` (the finder's by default). */
  play(target: PlaybackTarget, media: Media[], language: Language = this.call.language): string {
    const count = this.call.playbackCount + 1;
    this.call = { ...this.call, playbackCount: count };
    const playbackId = `${this.call.callId}:pb:${count}`;
    const withLanguage = media.map((m): Media => (m.kind === 'childName' || m.language ? m : { ...m, language }));
    this.emit({ type: 'play', playbackId, target, media: withLanguage });
    return playbackId;
  }

  playToFinder(prompts: PromptId[]): string {
    return this.play(FINDER, prompts.map((id) => prompt(id)));
  }

  stopPlayback(playbackId: string | null): void {
    if (playbackId) this.emit({ type: 'stopPlayback', playbackId });
  }

  /** Names are unique within the call (`leg-ring:7`), so a late TimerFired never matches a newer timer. */
  startTimer(kind: TimerKind, ms: number): string {
    const count = this.call.timerCount + 1;
    this.call = { ...this.call, timerCount: count };
    const name = `${kind}:${count}`;
    this.emit({ type: 'startTimer', name, ms });
    return name;
  }

  cancelTimer(name: string | null): void {
    if (name) this.emit({ type: 'cancelTimer', name });
  }

  cancelTimers(names: string[]): void {
    for (const name of names) this.cancelTimer(name);
  }

  /** The next state; `call` is always this step's, with the counters it advanced. */
  to(next: PhaseState): Transition {
    return { state: { ...next, call: this.call }, commands: this.commands };
  }
}
