import { CallControl } from '../call-control.port';
import { Clock, SessionLog } from '../call-flow/call-session';
import { digitSound, letterSound, promptSound } from '../prompts/prompt-catalog';
import {
  AnnouncementCommand,
  AnnouncementEvent,
  AnnouncementLang,
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
  /** The registry learns which playbacks belong to this call. */
  onPlayback?(playbackId: string): void;
}

/**
 * Runs one announcement call: feeds events to the pure machine one at a time (a promise queue),
 * carries out its commands over CallControl and resolves `result` once the call is over. The
 * number and the code stay in memory and never reach the log.
 */
export class AnnouncementSession {
  private state: AnnouncementState;
  private queue: Promise<void> = Promise.resolve();
  private readonly timers = new Map<string, unknown>();
  private resolveResult!: (result: AnnouncementResult) => void;
  readonly result: Promise<AnnouncementResult>;

  constructor(
    readonly callId: string,
    private readonly number: string,
    language: AnnouncementLang,
    purpose: AnnouncementPurpose,
    private readonly deps: AnnouncementSessionDeps,
  ) {
    this.state = initialAnnouncement(callId, language, purpose);
    this.result = new Promise((resolve) => (this.resolveResult = resolve));
  }

  /** Our channel id for the call (a uuid is safe for Asterisk as it is). */
  get channelId(): string {
    return this.callId;
  }

  get ended(): boolean {
    return this.state.phase === 'ended';
  }

  dispatch(event: AnnouncementEvent): Promise<void> {
    this.queue = this.queue.then(() => this.handle(event));
    return this.queue;
  }

  private async handle(event: AnnouncementEvent): Promise<void> {
    const next = announcementTransition(this.state, event, this.deps.settings);
    this.state = next.state;
    for (const command of next.commands) await this.execute(command);
  }

  private async execute(command: AnnouncementCommand): Promise<void> {
    const { control, log } = this.deps;
    try {
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
        case 'startTimer':
          this.timers.set(
            command.name,
            this.deps.clock.setTimeout(() => {
              this.timers.delete(command.name);
              void this.dispatch({ type: 'TimerFired', name: command.name });
            }, command.ms),
          );
          return;
        case 'cancelTimer': {
          const handle = this.timers.get(command.name);
          if (handle !== undefined) this.deps.clock.clearTimeout(handle);
          this.timers.delete(command.name);
          return;
        }
        case 'hangup':
          return await control.hangup(this.channelId);
        case 'finish':
          log.info({ callId: this.callId, result: command.result }, 'announcement call ended');
          for (const handle of this.timers.values()) this.deps.clock.clearTimeout(handle);
          this.timers.clear();
          this.resolveResult(command.result);
          return;
      }
    } catch (error) {
      log.warn({ callId: this.callId, command: command.type, reason: (error as Error).message }, 'announcement command failed');
      void this.dispatch({ type: 'CommandFailed', commandType: command.type });
    }
  }
}

/** Sound URIs of one media item; a code is read character by character (A-Z, 0-9). */
export function mediaUris(media: AnnouncementMedia): string[] {
  if (media.kind === 'prompt') return [promptSound(media.language, media.id)];
  return [...media.text.toUpperCase()].flatMap((ch) => (/[0-9]/.test(ch) ? [digitSound(media.language, ch)] : /[A-Z]/.test(ch) ? [letterSound(media.language, ch)] : []));
}
