import type { ParentLineCommand, ParentLineEnd, ParentLineEvent, ParentLineMedia, ParentLinePhase, ParentLinePromptId, ParentLineState, ParentLineTransition } from './parent-line-machine';

/** The parents' line's phase P with the call's own fields: what a phase handler receives. */
export type In<P extends ParentLinePhase['phase']> = Extract<ParentLinePhase, { phase: P }> & Omit<ParentLineState, keyof ParentLinePhase>;

/** Collects the commands of one transition and numbers the playbacks and timers of the call. */
export class Step {
  readonly commands: ParentLineCommand[] = [];
  state: ParentLineState;

  constructor(state: ParentLineState) {
    this.state = state;
  }

  emit(command: ParentLineCommand): void {
    this.commands.push(command);
  }

  /** Prompts of the catalog in the caller's language, in order. */
  prompts(...ids: ParentLinePromptId[]): ParentLineMedia[] {
    return ids.map((id) => ({ id, language: this.state.language }));
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

  /** Stops what the phase was playing and waiting for (a key was pressed). */
  interrupt(s: { playbackId?: string | null; timer?: string | null }): void {
    this.stopPlayback(s.playbackId ?? null);
    this.cancelTimer(s.timer ?? null);
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

export function same(s: ParentLineState): ParentLineTransition {
  return { state: s, commands: [] };
}

/** The last message plays; then the call is hung up. */
export function close(step: Step, media: ParentLineMedia[], end: ParentLineEnd): ParentLineTransition {
  return step.to({ phase: 'closing', playbackId: step.play(media), end });
}

/** Something the service needed failed or took too long: the caller is told to try later. */
export function fail(step: Step): ParentLineTransition {
  return close(step, step.prompts('parents-try-later', 'goodbye'), 'failed');
}

/** The phases that play a prompt, then wait for keys. */
type Listening = Extract<ParentLinePhase, { playbackId: string | null; timer: string | null }>['phase'];

/**
 * What a listening phase does with its prompt's events: when the prompt ends, the wait for a key
 * starts (`timerName`, `ms`); when it cannot be played, the caller is told to try later. Any
 * other event: undefined, for the phase to handle.
 */
export function onPrompt(step: Step, s: In<Listening>, e: ParentLineEvent, timerName: string, ms: number): ParentLineTransition | undefined {
  switch (e.type) {
    case 'PlaybackFinished':
      if (e.playbackId !== s.playbackId) return same(step.state);
      return step.to({ ...s, playbackId: null, timer: step.startTimer(timerName, ms) } as ParentLinePhase);
    case 'CommandFailed':
      return e.commandType === 'play' ? fail(step) : same(step.state);
    default:
      return undefined;
  }
}
