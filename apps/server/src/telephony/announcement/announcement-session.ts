import type { Language } from '../../languages';
import { CallControl } from '../call-control.port';
import { digitSound, letterSound, promptSound } from '../prompts/prompt-catalog';
import { Clock, SessionLog } from '../runtime/clock';
import { SessionRunner } from '../runtime/session-runner';
import {
  AnnouncementCommand,
  AnnouncementEvent,
  AnnouncementMedia,
  AnnouncementPurpose,
  AnnouncementResult,
  AnnouncementSettings,
  AnnouncementState,
  announcementTransition,
  initialAnnouncement,
} from './announcement-machine';

export interface AnnouncementSessionDeps {
  control: CallControl;
  clock: Clock;
  settings: AnnouncementSettings;
  /** What the called phone shows: the service number. */
  callerId: string;
  log: SessionLog;
  /** The Stasis router learns which playbacks belong to this call, before they start. */
  onPlayback?(playbackId: string): void;
}

/**
 * Runs one announcement call on the generic runner (runtime/session-runner.ts): carries out the
 * pure machine's commands over CallControl and resolves `result` once the call is over. The
 * number and the code stay in memory and never reach the log.
 */
export class AnnouncementSession extends SessionRunner<AnnouncementState, AnnouncementEvent, AnnouncementCommand> {
  private resolveResult!: (result: AnnouncementResult) => void;
  readonly result: Promise<AnnouncementResult>;

  constructor(
    callId: string,
    private readonly number: string,
    language: Language,
    purpose: AnnouncementPurpose,
    private readonly deps: AnnouncementSessionDeps,
  ) {
    super('announcement', callId, initialAnnouncement(callId, language, purpose), deps);
    this.result = new Promise((resolve) => (this.resolveResult = resolve));
  }

  /** Our channel id for the call (a uuid is safe for Asterisk as it is). */
  get channelId(): string {
    return this.callId;
  }

  protected transition(state: AnnouncementState, event: AnnouncementEvent): { state: AnnouncementState; commands: AnnouncementCommand[] } {
    return announcementTransition(state, event, this.deps.settings);
  }

  /** A bug in the machine: the call is hung up and counts as failed. */
  protected async rescue(): Promise<void> {
    this.resolveResult('failed');
    await this.deps.control.hangup(this.channelId);
  }

  protected timerFired(name: string): AnnouncementEvent {
    return { type: 'TimerFired', name };
  }

  protected commandFailed(command: AnnouncementCommand): AnnouncementEvent {
    return { type: 'CommandFailed', commandType: command.type };
  }

  protected async perform(command: AnnouncementCommand): Promise<void> {
    const { control, log } = this.deps;
    switch (command.type) {
      case 'dial':
        log.info({ callId: this.callId }, 'announcement call: dialling');
        return await control.originate({
          channelId: this.channelId,
          legId: this.callId,
          number: this.number,
          callerId: this.deps.callerId,
          kind: 'notice',
          // Asterisk's own limit, a little after ours: the machine's timer decides.
          timeoutSeconds: Math.ceil(this.deps.settings.ringTimeoutMs / 1000) + 2,
        });
      case 'play':
        this.deps.onPlayback?.(command.playbackId);
        return await control.play(this.channelId, command.playbackId, command.media.flatMap((m) => mediaUris(m)));
      case 'stopPlayback':
        return await control.stopPlayback(command.playbackId);
      case 'hangup':
        return await control.hangup(this.channelId);
      case 'finish':
        log.info({ callId: this.callId, result: command.result }, 'announcement call ended');
        this.resolveResult(command.result);
        return;
      default:
        return;
    }
  }
}

/** Sound URIs of one media item; a code is read character by character (A-Z, 0-9). */
export function mediaUris(media: AnnouncementMedia): string[] {
  if (media.kind === 'prompt') return [promptSound(media.language, media.id)];
  return [...media.text.toUpperCase()].flatMap((ch) => (/[0-9]/.test(ch) ? [digitSound(media.language, ch)] : /[A-Z]/.test(ch) ? [letterSound(media.language, ch)] : []));
}
