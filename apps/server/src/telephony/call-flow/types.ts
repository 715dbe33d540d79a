import { DestinationPolicy } from '../../cascades/domain/allowed-destinations';
import type { Language } from '../../languages';
import type { LegFailure } from '../call-control.port';

/**
 * The vocabulary of the finder's call: what the pure machine (machine.ts) knows, hears and asks
 * for. Plain data only, so states, events and commands can be logged, compared in tests and
 * replayed.
 */

// ---------------------------------------------------------------------------------------------
// Languages and prompts
// ---------------------------------------------------------------------------------------------

/** Every prompt the call flow plays; their texts, in each language, are only in prompts/catalog.json. */
export const PROMPT_IDS = [
  'greeting',
  'language-option',
  'enter-number',
  'invalid-number',
  'putting-through',
  'contacting-parents',
  'caller-id-required',
  'service-suspended',
  'call-116000',
  'parent-intro',
  'parent-options',
  'finder-number-is',
  'goodbye',
] as const;
export type PromptId = (typeof PROMPT_IDS)[number];

/**
 * One item of a playback. The machine always fills `language` on prompts and digits (the
 * finder's language, or the cascade's on a parent leg), so a runner never has to guess.
 */
export type Media =
  | { kind: 'prompt'; id: PromptId; language?: Language }
  | { kind: 'digits'; digits: string; language?: Language }
  /** The child's first name; the runner reads it from the cascade (the state's `cascade.childFirstName`). */
  | { kind: 'childName' };

export type PlaybackTarget = { kind: 'finder' } | { kind: 'leg'; legId: string };

// ---------------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------------

export interface FlowSettings {
  /** Key n of the language menu picks languages[n - 1]. */
  languages: readonly Language[];
  /**
   * Not read by the machine: the language comes in FinderArrived (the runner picks it from the
   * dialled number). Runners may use it as a last-resort fallback.
   */
  defaultLanguage?: Language;
  /** After the greeting, how long the finder has to pick a language. */
  languageChoiceTimeoutMs: number;
  /** After the enter-number prompt, how long until the first digit. */
  firstDigitTimeoutMs: number;
  /** Between two digits. */
  interDigitTimeoutMs: number;
  /** Failed entries (invalid or timed out) before the finder is put through to the hotline. */
  maxNumberAttempts: number;
  /** How long the look-up may take before the finder is put through to the hotline. */
  lookupTimeoutMs: number;
  /** A parent leg rings this long at most: shorter than the networks' forward-to-voicemail delay. */
  legRingTimeoutMs: number;
  /** A parent leg that shows no sign of ringing within this is skipped as unreachable. */
  legProgressTimeoutMs: number;
  /** From a parent's answer: how long Asterisk's screening (AMD) may take before the leg is handed over. */
  legScreeningTimeoutMs: number;
  /** One window for the parent's key; the options are repeated once, so two windows in all. */
  confirmWindowMs: number;
  /**
   * While the finder waits after a valid number (a cascade ringing, then the hotline, or the
   * hotline alone for an unknown number), "we are contacting the parents" comes back this often.
   */
  holdMessageIntervalMs: number;
  /** The hotline is staffed but may queue: it rings longer than a parent. */
  hotlineRingTimeoutMs: number;
  withheldCallerPolicy: 'refuse' | 'hotline';
  /** What the parents see: the service number, or the finder's own number. */
  callerIdForLegs: 'service' | 'finder';
  serviceNumber: string;
  /** Exempt from `allowedDestinations`: the operator's own setting. */
  hotlineNumber: string;
  /** A parent's number outside these is skipped, never dialled (a list saved before the rule changed). */
  allowedDestinations: DestinationPolicy;
}

// ---------------------------------------------------------------------------------------------
// Events: what happened (ARI, timers, I/O results), turned into data by the runner
// ---------------------------------------------------------------------------------------------

export interface CascadeLegInfo {
  position: number;
  number: string;
}

/**
 * "unavailable" covers no cascade, a blocked one and an expired card; the finder hears exactly
 * the same as when the cascade is found. Extra fields (a cascade id, a reason) are allowed and
 * ignored by the machine.
 */
export type LookupResult =
  | { kind: 'found'; legs: CascadeLegInfo[]; childFirstName: string | null; language: Language }
  | { kind: 'unavailable' }
  | { kind: 'throttled' };

/** How a leg's channel ended before it was answered: the port's one list. */
export type LegFailureReason = LegFailure;

export type CallEvent =
  | { type: 'FinderArrived'; callerNumber: string | null; presentationRestricted: boolean; language: Language; suspended: boolean }
  /** Also sent when a playback was stopped. */
  | { type: 'PlaybackFinished'; playbackId: string }
  /** '0'-'9', '*', '#'. */
  | { type: 'FinderDtmf'; digit: string }
  | { type: 'TimerFired'; name: string }
  | { type: 'CascadeLookedUp'; result: LookupResult }
  /** 180 Ringing, or 183 Session Progress (early media): the network found the phone. */
  | { type: 'LegRinging'; legId: string }
  /** The far end answered; Asterisk screens the answer (AMD) before it hands the leg over (LegAnswered). */
  | { type: 'LegPickedUp'; legId: string }
  | { type: 'LegAnswered'; legId: string; machineDetected: boolean }
  /** The leg's channel ended before it was answered. */
  | { type: 'LegFailed'; legId: string; reason: LegFailureReason }
  | { type: 'LegDtmf'; legId: string; digit: string }
  /** The leg's channel ended after it was answered. */
  | { type: 'LegHungUp'; legId: string }
  | { type: 'FinderHungUp' }
  /**
   * A command the runner could not carry out. `legId` for commands on a leg; `playbackId` for
   * play/stopPlayback, which lets the machine tell a stale failure from a current one (without
   * it, a failed play is taken to be the one the current phase is waiting for).
   */
  | { type: 'CommandFailed'; commandType: string; legId?: string; playbackId?: string };

export type CallEventType = CallEvent['type'];

// ---------------------------------------------------------------------------------------------
// Commands: what the machine asks the runner to do, in order
// ---------------------------------------------------------------------------------------------

export type LegPosition = number | 'hotline';

/**
 * How a leg ended, the one list (records, metrics, the parents' history). `not-allowed`: the
 * number is outside the allowed destinations, so it was skipped without being dialled.
 */
export const LEG_RESULTS = ['accepted', 'connected', 'busy', 'no-answer', 'unreachable', 'machine', 'declined', 'no-key', 'failed', 'cancelled', 'not-allowed'] as const;
export type LegResult = (typeof LEG_RESULTS)[number];

export const CALL_OUTCOMES = ['refused-withheld', 'connected-parent', 'connected-hotline', 'hotline-unreachable', 'finder-hung-up', 'failed'] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

/** How an attempt at typing the national number ended (for metrics; never the digits). */
export type NumberEntryResult = 'valid' | 'invalid' | 'timeout';

export type Command =
  | { type: 'answerFinder' }
  | { type: 'play'; playbackId: string; target: PlaybackTarget; media: Media[] }
  /** Stopping a playback that already ended is a success; a PlaybackFinished follows either way. */
  | { type: 'stopPlayback'; playbackId: string }
  | { type: 'startHold' }
  | { type: 'stopHold' }
  /** Timer names are unique within a call, so a late TimerFired can never be mistaken for a newer timer. */
  | { type: 'startTimer'; name: string; ms: number }
  | { type: 'cancelTimer'; name: string }
  | { type: 'lookUpCascade'; nationalNumber: string; callerNumber: string }
  | { type: 'dialLeg'; legId: string; position: LegPosition; number: string; callerId: string }
  /** Hanging up a leg that is already gone is a success. */
  | { type: 'hangupLeg'; legId: string }
  | { type: 'bridgeFinderWith'; legId: string }
  | { type: 'hangupFinder' }
  | { type: 'recordNumberEntry'; attempt: number; result: NumberEntryResult }
  | { type: 'recordLeg'; legId: string; position: LegPosition; result: LegResult }
  | { type: 'recordCallEnd'; outcome: CallOutcome; connectedPosition?: LegPosition; hungUpBy?: 'finder' | 'callee' };

export type CommandType = Command['type'];

// ---------------------------------------------------------------------------------------------
// State: a discriminated union on `phase`, plus what every phase shares (`call`)
// ---------------------------------------------------------------------------------------------

export interface CallContext {
  callId: string;
  /** The finder's language: the dialled number's until the finder picks one. */
  language: Language;
  /** Null when withheld (then the call never reaches a parent). */
  finderNumber: string | null;
  /** Counters behind the deterministic playback ids and timer names. */
  playbackCount: number;
  timerCount: number;
}

export interface Cascade {
  /** In position order. */
  legs: CascadeLegInfo[];
  childFirstName: string | null;
  /** The parents' language: what the legs hear. */
  language: Language;
}

/** Where the current parent leg is. Each step lists the timers that run in it. */
export type LegProgress =
  /** Dialled, no sign of ringing yet. */
  | { step: 'dialling'; progressTimer: string; ringTimer: string }
  | { step: 'ringing'; ringTimer: string }
  /**
   * Picked up: Asterisk's answering-machine detection listens to the hello. The ring timer no
   * longer counts (a parent who answers in its last second is not cut off mid-hello).
   */
  | { step: 'screening'; screeningTimer: string }
  /** Answered by a person: hearing the prompt (playbackId) or in a key window (confirmTimer). */
  | { step: 'confirming'; playbackId: string | null; confirmTimer: string | null; window: 1 | 2 };

export interface CurrentLeg {
  legId: string;
  position: number;
  /** Index in cascade.legs. */
  index: number;
  progress: LegProgress;
}

/**
 * What the finder hears while the cascade runs. `announcement`: the putting-through prompt is
 * still playing (the first leg is dialled as soon as the look-up finds the cascade); when it
 * ends, music and the periodic message take over, just as if the leg had been dialled then.
 */
export type FinderHold =
  | { kind: 'announcement'; playbackId: string }
  | { kind: 'music'; timer: string }
  | { kind: 'message'; playbackId: string };

/**
 * The hold of a finder waiting after the putting-through prompt: music and the periodic
 * message. It carries on unchanged from the cascade into the hotline's ringing, and an unknown
 * number gets the very same from the prompt's end, so the wait never tells the two apart.
 */
export type WaitHold = Exclude<FinderHold, { kind: 'announcement' }>;

export type PhaseState =
  /** Before FinderArrived. */
  | { phase: 'idle' }
  /** Withheld caller ID, policy 'refuse': telling the finder why, then hanging up. */
  | { phase: 'refusingWithheld'; playbackId: string }
  /** The service is suspended: telling the finder, then the hotline. */
  | { phase: 'announcingSuspension'; playbackId: string }
  /** Too many failed entries: telling the finder, then the hotline. */
  | { phase: 'announcingHotline'; playbackId: string }
  /** Greeting playing (playbackId) or waiting for a key (timer). */
  | { phase: 'choosingLanguage'; playbackId: string | null; timer: string | null }
  /** `failures` counts invalid or timed-out entries so far. */
  | { phase: 'collectingNumber'; digits: string; failures: number; playbackId: string | null; timer: string | null }
  /**
   * The putting-through prompt plays (playbackId) while the look-up runs. A found cascade leaves
   * at once for `cascading`, the prompt playing on; anything else waits for the prompt's end,
   * then the hotline. A cascade whose every leg failed before the prompt ended comes back here
   * (result: unavailable), so that the finder hears exactly what an unknown number gives.
   */
  | { phase: 'lookingUp'; playbackId: string | null; result: LookupResult | null; timer: string | null }
  | { phase: 'cascading'; cascade: Cascade; leg: CurrentLeg; hold: FinderHold }
  /**
   * The hotline rings. `hold`: the wait's hold (music and the periodic message) when the finder
   * typed a valid number and waits as for a cascade; null: plain hold tone (the finder asked for
   * the hotline, the service is suspended, the number could not be typed, …).
   */
  | { phase: 'hotline'; legId: string; ringTimer: string; hold: WaitHold | null }
  /** The hotline could not be reached: telling the finder to dial 116 000, then hanging up. */
  | { phase: 'hotlineUnreachable'; playbackId: string }
  | { phase: 'connected'; legId: string; position: LegPosition }
  | { phase: 'ended'; outcome: CallOutcome };

export type CallState = PhaseState & { call: CallContext };

export type Phase = CallState['phase'];

export type StateIn<P extends Phase> = Extract<CallState, { phase: P }>;

export interface Transition {
  state: CallState;
  commands: Command[];
}
