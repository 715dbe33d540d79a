import { CallControl } from '../call-control.port';
import { promptSound } from '../prompts/prompt-catalog';
import { Clock, SessionLog } from '../runtime/clock';
import { SessionRunner } from '../runtime/session-runner';
import { CodeRequestOutcome, initialParentLine, ParentLineCommand, ParentLineEvent, ParentLineSettings, ParentLineState, parentLineTransition } from './parent-line-machine';
import type { Language } from '../../languages';

/** Port: what the parents' line asks of the portal's domain (the same rules as the portal's request). */
export interface ParentLineDesk {
  /** Same outcome whether or not the number has an active cascade; the call to its first number runs in the background. */
  requestCodeByPhone(callerNumber: string, nationalNumber: string): Promise<CodeRequestOutcome>;
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
        return await control.play(this.channelId, command.playbackId, command.media.map((m) => promptSound(m.language, m.id)));
      case 'stopPlayback':
        return await control.stopPlayback(command.playbackId);
      case 'requestCode': {
        // Not awaited here: the caller's events (a hang-up) must not wait for the database.
        const request = desk.requestCodeByPhone(command.callerNumber, command.nationalNumber);
        void request.then(
          (outcome) => this.dispatch({ type: 'CodeRequested', outcome }),
          (error: unknown) => {
            this.log.warn({ callId: this.callId, reason: (error as Error).message }, 'parents line: the code request failed');
            return this.dispatch({ type: 'CommandFailed', commandType: 'requestCode' });
          },
        );
        return;
      }
      case 'toHotline':
        return await control.sendToHotlineFallback(this.channelId);
      case 'hangup':
        return await control.hangup(this.channelId);
      default:
        return;
    }
  }
}
