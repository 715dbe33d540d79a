import { CallControl } from '../call-control.port';
import { digitSound, promptSound } from '../prompts/prompt-catalog';
import { Clock, SessionLog } from '../runtime/clock';
import { SessionRunner } from '../runtime/session-runner';
import { ChangeOutcome, CodeRequestOutcome, initialParentLine, OpenOutcome, ParentLineCommand, ParentLineEvent, ParentLineMedia, ParentLineSettings, ParentLineState, parentLineTransition, PhoneChange } from './parent-line-machine';
import type { Language } from '../../languages';

/** Port: what the parents' line asks of the portal's domain (the portal's rules, limits and lock-out). */
export interface ParentLineDesk {
  /** Same outcome whether or not the number has an active cascade; the call to its first number runs in the background. */
  requestCodeByPhone(callerNumber: string, nationalNumber: string): Promise<CodeRequestOutcome>;
  /** The child's list, if the contact code typed on the keypad is the current card's; a wrong one counts toward the lock-out. */
  openCascade(callerNumber: string, nationalNumber: string, keys: string): Promise<OpenOutcome>;
  /** One change to an opened list, checked as the portal checks it, and audited as made by phone. */
  changeCascade(childId: string, change: PhoneChange, language: Language): Promise<ChangeOutcome>;
}

export interface ParentLineSessionDeps {
  control: CallControl;
  desk: ParentLineDesk;
  clock: Clock;
  log: SessionLog;
  settings: ParentLineSettings;
  /** The Stasis router learns which playbacks belong to this call, before they start. */
  onPlayback(playbackId: string): void;
  /** The call is over (for the kind's bookkeeping). */
  onEnded(): void;
}

/**
 * Runs one call on the parents' line on the generic runner (runtime/session-runner.ts). The
 * national number and the caller's number stay in memory and never reach the log.
 */
export class ParentLineSession extends SessionRunner<ParentLineState, ParentLineEvent, ParentLineCommand> {
  constructor(
    callId: string,
    readonly channelId: string,
    language: Language,
    private readonly deps: ParentLineSessionDeps,
  ) {
    super('parents', callId, initialParentLine(callId, language), deps);
  }

  protected transition(state: ParentLineState, event: ParentLineEvent): { state: ParentLineState; commands: ParentLineCommand[] } {
    const next = parentLineTransition(state, event, this.deps.settings);
    if (next.state.phase === 'ended' && state.phase !== 'ended') this.deps.onEnded();
    return next;
  }

  /** A bug in the machine: the caller is hung up rather than left in silence. */
  protected async rescue(): Promise<void> {
    await this.deps.control.hangup(this.channelId);
  }

  protected timerFired(name: string): ParentLineEvent {
    return { type: 'TimerFired', name };
  }

  protected commandFailed(command: ParentLineCommand): ParentLineEvent {
    return { type: 'CommandFailed', commandType: command.type };
  }

  protected async perform(command: ParentLineCommand): Promise<void> {
    const { control, desk } = this.deps;
    switch (command.type) {
      case 'answer':
        return await control.answer(this.channelId);
      case 'play':
        this.deps.onPlayback(command.playbackId);
        return await control.play(this.channelId, command.playbackId, command.media.flatMap(sounds));
      case 'stopPlayback':
        return await control.stopPlayback(command.playbackId);
      // Not awaited here: the caller's events (a hang-up) must not wait for the database.
      case 'requestCode':
        return this.inBackground(command.type, desk.requestCodeByPhone(command.callerNumber, command.nationalNumber), (outcome) => ({ type: 'CodeRequested', outcome }));
      case 'openCascade':
        return this.inBackground(command.type, desk.openCascade(command.callerNumber, command.nationalNumber, command.keys), (result) => ({ type: 'CascadeOpened', result }));
      case 'changeCascade':
        return this.inBackground(command.type, desk.changeCascade(command.childId, command.change, command.language), (result) => ({ type: 'CascadeChanged', result }));
      case 'toHotline':
        return await control.sendToHotlineFallback(this.channelId);
      case 'hangup':
        return await control.hangup(this.channelId);
      default:
        return;
    }
  }

  /** A request to the portal's domain: its answer, or its failure (logged by call id, never with what was typed), comes back as an event. */
  private inBackground<T>(commandType: ParentLineCommand['type'], request: Promise<T>, answer: (value: T) => ParentLineEvent): void {
    void request.then(
      (value) => this.dispatch(answer(value)),
      (error: unknown) => {
        this.log.warn({ callId: this.callId, command: commandType, reason: (error as Error).message }, 'parents line: the request failed');
        return this.dispatch({ type: 'CommandFailed', commandType });
      },
    );
  }
}

/** A prompt is one sound; digits are read one by one. */
function sounds(media: ParentLineMedia): string[] {
  return 'id' in media ? [promptSound(media.language, media.id)] : [...media.digits].map((digit) => digitSound(media.language, digit));
}
