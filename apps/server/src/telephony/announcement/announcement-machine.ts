import type { Language } from '../../languages';
import type { LegFailure } from '../call-control.port';

/**
 * The outbound announcement call, as a pure state machine: the service calls one of a parent's
 * numbers, says why, asks for the key 1 (so an answering machine never confirms a number nor
 * hears a code), then either thanks the parent (a test of the list) or reads the contact code
 * twice (a parent who lost it), and hangs up. Plain data in, plain data out: the session
 * (announcement-session.ts) runs the commands over CallControl.
 */

export const ANNOUNCEMENT_PROMPT_IDS = ['test-call-intro', 'test-press-1', 'test-confirmed', 'code-call-intro', 'code-press-1', 'code-is', 'code-again', 'goodbye'] as const;
export type AnnouncementPromptId = (typeof ANNOUNCEMENT_PROMPT_IDS)[number];

/** A test of the list confirms the number; a code call reads the code (never logged, never in a result). */
export type AnnouncementPurpose = { kind: 'test' } | { kind: 'code'; code: string };

export type AnnouncementMedia =
  | { kind: 'prompt'; id: AnnouncementPromptId; language: Language }
  /** Read one character at a time: digits and letters A-Z. */
  | { kind: 'characters'; text: string; language: Language };

export interface AnnouncementSettings {
  /** Rings this long at most (shorter than the networks' forward-to-voicemail delay). */
  ringTimeoutMs: number;
  /** One window for the key 1 after the question; the question is asked twice in all. */
  keyWindowMs: number;
}

/** What the number's owner did. `confirmed`: answered and pressed 1 (for a code call: and heard it). */
export type AnnouncementResult = 'confirmed' | 'busy' | 'no-answer' | 'voicemail' | 'unreachable' | 'declined' | 'hung-up' | 'failed';

export type AnnouncementEvent =
  | { type: 'Start' }
  | { type: 'Answered'; machineDetected: boolean }
  /** The call ended before it was answered. */
  | { type: 'Failed'; reason: LegFailure }
  | { type: 'PlaybackFinished'; playbackId: string }
  | { type: 'Dtmf'; digit: string }
  | { type: 'TimerFired'; name: string }
  /** The call ended after it was answered. */
  | { type: 'HungUp' }
  | { type: 'CommandFailed'; commandType: string };

export type AnnouncementCommand =
  | { type: 'dial' }
  | { type: 'play'; playbackId: string; media: AnnouncementMedia[] }
  | { type: 'stopPlayback'; playbackId: string }
  | { type: 'startTimer'; name: string; ms: number }
  | { type: 'cancelTimer'; name: string }
  | { type: 'hangup' }
  /** Always the last command: the call's result, once. */
  | { type: 'finish'; result: AnnouncementResult };

export type AnnouncementPhase =
  | { phase: 'idle' }
  | { phase: 'ringing'; ringTimer: string }
  /** Asking for the key: the question plays (playbackId) or a window runs (keyTimer). */
  | { phase: 'asking'; window: 1 | 2; playbackId: string | null; keyTimer: string | null }
  /** Key 1 pressed: the thanks or the code plays, then the call ends with `result`. */
  | { phase: 'closing'; playbackId: string; result: AnnouncementResult }
  | { phase: 'ended'; result: AnnouncementResult };

export type AnnouncementState = AnnouncementPhase & { callId: string; language: Language; purpose: AnnouncementPurpose; counter: number };

export interface AnnouncementTransition {
  state: AnnouncementState;
  commands: AnnouncementCommand[];
}

export function initialAnnouncement(callId: string, language: Language, purpose: AnnouncementPurpose): AnnouncementState {
  return { phase: 'idle', callId, language, purpose, counter: 0 };
}

const FAILURE_RESULT: Record<LegFailure, AnnouncementResult> = {
  busy: 'busy',
  rejected: 'declined',
  unreachable: 'unreachable',
  failed: 'failed',
  'no-answer': 'no-answer',
};

export function announcementTransition(state: AnnouncementState, event: AnnouncementEvent, settings: AnnouncementSettings): AnnouncementTransition {
  const s = { ...state };
  const next = (kind: 'p' | 't') => `${s.callId}-${kind}${++s.counter}`;
  const end = (result: AnnouncementResult, ...before: AnnouncementCommand[]): AnnouncementTransition => ({
    state: { ...s, phase: 'ended', result } as AnnouncementState,
    commands: [...before, { type: 'finish', result }],
  });
  const prompt = (id: AnnouncementPromptId): AnnouncementMedia => ({ kind: 'prompt', id, language: s.language });
  const question = (): AnnouncementMedia[] => (s.purpose.kind === 'test' ? [prompt('test-call-intro'), prompt('test-press-1')] : [prompt('code-call-intro'), prompt('code-press-1')]);
  const ask = (window: 1 | 2, ...before: AnnouncementCommand[]): AnnouncementTransition => {
    const playbackId = next('p');
    return { state: { ...s, phase: 'asking', window, playbackId, keyTimer: null }, commands: [...before, { type: 'play', playbackId, media: question() }] };
  };

  switch (state.phase) {
    case 'idle': {
      if (event.type !== 'Start') return { state, commands: [] };
      const ringTimer = next('t');
      return { state: { ...s, phase: 'ringing', ringTimer }, commands: [{ type: 'dial' }, { type: 'startTimer', name: ringTimer, ms: settings.ringTimeoutMs }] };
    }
    case 'ringing': {
      const cancel: AnnouncementCommand = { type: 'cancelTimer', name: state.ringTimer };
      switch (event.type) {
        case 'Failed':
          return end(FAILURE_RESULT[event.reason], cancel);
        case 'TimerFired':
          return event.name === state.ringTimer ? end('no-answer', { type: 'hangup' }) : { state, commands: [] };
        case 'Answered':
          // Asterisk's AMD heard a machine: it must not confirm anything nor hear a code.
          return event.machineDetected ? end('voicemail', cancel, { type: 'hangup' }) : ask(1, cancel);
        case 'HungUp':
          return end('hung-up', cancel);
        case 'CommandFailed':
          return end('failed', cancel, { type: 'hangup' });
        default:
          return { state, commands: [] };
      }
    }
    case 'asking': {
      const stop: AnnouncementCommand[] = [
        ...(state.playbackId ? [{ type: 'stopPlayback', playbackId: state.playbackId } as const] : []),
        ...(state.keyTimer ? [{ type: 'cancelTimer', name: state.keyTimer } as const] : []),
      ];
      switch (event.type) {
        case 'Dtmf': {
          if (event.digit !== '1') return { state, commands: [] };
          const playbackId = next('p');
          const media: AnnouncementMedia[] =
            s.purpose.kind === 'test'
              ? [prompt('test-confirmed'), prompt('goodbye')]
              : [prompt('code-is'), { kind: 'characters', text: s.purpose.code, language: s.language }, prompt('code-again'), { kind: 'characters', text: s.purpose.code, language: s.language }, prompt('goodbye')];
          return { state: { ...s, phase: 'closing', playbackId, result: 'confirmed' }, commands: [...stop, { type: 'play', playbackId, media }] };
        }
        case 'PlaybackFinished': {
          if (event.playbackId !== state.playbackId) return { state, commands: [] };
          const keyTimer = next('t');
          return { state: { ...s, phase: 'asking', window: state.window, playbackId: null, keyTimer }, commands: [{ type: 'startTimer', name: keyTimer, ms: settings.keyWindowMs }] };
        }
        case 'TimerFired':
          if (event.name !== state.keyTimer) return { state, commands: [] };
          // No key after the question twice: an answering machine, or nobody listening.
          return state.window === 1 ? ask(2) : end('voicemail', { type: 'hangup' });
        case 'HungUp':
          return end('hung-up', ...stop);
        case 'CommandFailed':
          return end('failed', ...stop, { type: 'hangup' });
        default:
          return { state, commands: [] };
      }
    }
    case 'closing':
      switch (event.type) {
        case 'PlaybackFinished':
          return event.playbackId === state.playbackId ? end(state.result, { type: 'hangup' }) : { state, commands: [] };
        case 'HungUp':
          return end(state.result);
        case 'CommandFailed':
          return end(state.result, { type: 'hangup' });
        default:
          return { state, commands: [] };
      }
    case 'ended':
      return { state, commands: [] };
  }
}
