import { CallRecords } from '../../calls/call-records';
import { FinderLookupResult } from '../../cascades/domain/finder-lookup';
import { CallControl } from '../call-control.port';
import { ChildNameVoice } from '../prompts/child-name-voice';
import { digitSound, Language, promptSound } from '../prompts/prompt-catalog';
import { describeTransition, initialState, transition } from './machine';
import { CallEvent, CallState, Command, FlowSettings, Media } from './types';

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface SessionLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface CallSessionDeps {
  control: CallControl;
  lookUp(callId: string, nationalNumber: string, callerNumber: string): Promise<FinderLookupResult>;
  records: CallRecords;
  settings: FlowSettings;
  clock: Clock;
  log: SessionLog;
  /**
   * Seconds the dead-man switch is set to, and how often it is pushed forward; once the finder is
   * bridged, how long the call may last (Asterisk ends it then, app or no app).
   */
  deadline: { seconds: number; refreshMs: number; maxCallSeconds: number };
  observe?: SessionObserver;
  childName?: ChildNameVoice;
}

/** Hooks for metrics and the registry; called after each command. */
export interface SessionObserver {
  legChannel?(legId: string, channelId: string): void;
  playback?(playbackId: string): void;
  connected?(position: number | 'hotline'): void;
  legResult?(result: string): void;
  callEnded?(outcome: string): void;
  numberEntered?(): void;
}

/** How long a parent who answered may wait for the child's name to be rendered (see awaitChildName). */
export const CHILD_NAME_WAIT_MS = 1_000;

/**
 * Runs one finder's call: feeds events to the pure state machine one at a time (a promise
 * queue, so ARI events, timers and I/O results never interleave), executes the commands it
 * returns through CallControl, and turns what happens back into events.
 */
export class CallSession {
  private state: CallState;
  private queue: Promise<void> = Promise.resolve();
  private readonly timers = new Map<string, unknown>();
  private readonly legStarted = new Map<string, number>();
  private deadlineTimer: unknown;
  /** The finder's wait ends here at the latest (arrival + the call's maximum length). */
  private waitEndsAt: number | undefined;
  private cascadeId: string | undefined;
  private detached = false;
  /** The child's spoken first name, once rendered (the parents hear it if it is ready). */
  private childNameMedia: string | null = null;
  /** Settles when the rendering of the name has ended, either way. */
  private childNameRendered: Promise<void> | null = null;

  constructor(
    readonly callId: string,
    readonly finderChannelId: string,
    private readonly deps: CallSessionDeps,
  ) {
    this.state = initialState(callId);
  }

  get phase(): string {
    return this.state.phase;
  }

  get ended(): boolean {
    return this.state.phase === 'ended';
  }

  /** Channel id of a leg: our leg id made safe for Asterisk. */
  static legChannelId(legId: string): string {
    return legId.replace(/[^A-Za-z0-9_.-]/g, '-');
  }

  dispatch(event: CallEvent): Promise<void> {
    this.queue = this.queue.then(() => (this.detached ? undefined : this.handle(event)));
    return this.queue;
  }

  get connected(): boolean {
    return this.state.phase === 'connected';
  }

  /**
   * This process is going away: stop acting on the call (timers, events). The caller hands the
   * finder to the dialplan; a connected call carries on in Asterisk without us.
   */
  detach(): void {
    this.detached = true;
    this.cleanUp();
  }

  private async handle(event: CallEvent): Promise<void> {
    let next: { state: CallState; commands: Command[] };
    try {
      next = transition(this.state, event, this.deps.settings);
    } catch (error) {
      // A bug in the machine must not leave the finder in silence: the dialplan takes over.
      this.deps.log.warn({ callId: this.callId, event: event.type, reason: (error as Error).message }, 'call flow error; handing the finder to the hotline fallback');
      await this.deps.control.sendToHotlineFallback(this.finderChannelId).catch(() => undefined);
      return;
    }
    if (next.state.phase !== this.state.phase) {
      this.deps.log.info({ callId: this.callId }, describeTransition(this.state, event, next.state));
    }
    const wasConnected = this.state.phase === 'connected';
    this.state = next.state;
    if (event.type === 'FinderArrived') this.armDeadline();
    // The bridge failed and the finder waits again (for the hotline): the dead-man switch, not
    // the call's maximum length, must be what fires if this process dies now.
    if (wasConnected && !this.connected && !this.ended) {
      await this.deps.control.clearConnectedCall(this.finderChannelId).catch(() => undefined);
      this.armDeadline();
    }
    if (event.type === 'CascadeLookedUp' && event.result.kind === 'found') {
      this.cascadeId = 'cascadeId' in event.result ? String(event.result.cascadeId) : undefined;
      if (event.result.childFirstName && this.deps.childName) this.prepareChildName(event.result.childFirstName, event.result.language);
    }
    for (const command of next.commands) await this.execute(command);
    if (this.ended) this.cleanUp();
  }

  private async execute(command: Command): Promise<void> {
    const { control, records, log, observe } = this.deps;
    try {
      switch (command.type) {
        case 'answerFinder':
          return await control.answer(this.finderChannelId);
        case 'play': {
          const channelId = command.target.kind === 'finder' ? this.finderChannelId : CallSession.legChannelId(command.target.legId);
          if (command.media.some((m) => m.kind === 'childName')) await this.awaitChildName();
          observe?.playback?.(command.playbackId);
          return await control.play(channelId, command.playbackId, command.media.flatMap((m) => this.mediaUris(m)));
        }
        case 'stopPlayback':
          return await control.stopPlayback(command.playbackId);
        case 'startHold':
          return await control.startHold(this.finderChannelId);
        case 'stopHold':
          return await control.stopHold(this.finderChannelId);
        case 'startTimer':
          return this.startTimer(command.name, command.ms);
        case 'cancelTimer':
          return this.cancelTimer(command.name);
        case 'recordNumberEntry':
          log.info({ callId: this.callId, attempt: command.attempt, result: command.result }, 'national number entry');
          return;
        case 'lookUpCascade':
          observe?.numberEntered?.();
          // Not awaited: the answer comes back as an event, and the finder hears the prompt meanwhile.
          this.deps
            .lookUp(this.callId, command.nationalNumber, command.callerNumber)
            .then((result) => this.dispatch({ type: 'CascadeLookedUp', result }))
            .catch((error: unknown) => {
              log.warn({ callId: this.callId, reason: (error as Error).message }, 'cascade look-up failed');
              return this.dispatch({ type: 'CommandFailed', commandType: 'lookUpCascade' });
            });
          return;
        case 'dialLeg': {
          const channelId = CallSession.legChannelId(command.legId);
          observe?.legChannel?.(command.legId, channelId);
          this.legStarted.set(command.legId, this.deps.clock.now());
          const hotline = command.position === 'hotline';
          const ringMs = hotline ? this.deps.settings.hotlineRingTimeoutMs : this.deps.settings.legRingTimeoutMs;
          log.info({ callId: this.callId, legId: command.legId }, 'dialling leg');
          return await control.originate({
            channelId,
            legId: command.legId,
            number: command.number,
            callerId: command.callerId,
            kind: hotline ? 'hotline' : 'parent',
            // Asterisk's own limit, a little after ours: the machine's timer decides.
            timeoutSeconds: Math.ceil(ringMs / 1000) + 2,
          });
        }
        case 'hangupLeg':
          return await control.hangup(CallSession.legChannelId(command.legId));
        case 'bridgeFinderWith': {
          // The dead-man switch is no longer pushed: the call's maximum length replaces it, on both sides.
          this.disarmDeadline();
          const legChannelId = CallSession.legChannelId(command.legId);
          await control
            .limitConnectedCall(this.finderChannelId, legChannelId, this.deps.deadline.maxCallSeconds)
            .catch((error: unknown) => log.warn({ callId: this.callId, legId: command.legId, reason: (error as Error).message }, 'could not set the connected call\'s maximum length'));
          return await control.bridge(`${this.callId}-bridge`, [this.finderChannelId, legChannelId]);
        }
        case 'hangupFinder':
          return await control.hangup(this.finderChannelId);
        case 'recordLeg': {
          observe?.legResult?.(command.result);
          if (command.result === 'accepted' || command.result === 'connected') observe?.connected?.(command.position);
          log.info({ callId: this.callId, legId: command.legId, result: command.result }, 'leg ended');
          const endedAt = this.deps.clock.now();
          await records
            .legEnded({
              legId: command.legId,
              callId: this.callId,
              position: String(command.position),
              result: command.result,
              startedAt: new Date(this.legStarted.get(command.legId) ?? endedAt),
              endedAt: new Date(endedAt),
            })
            .catch((error: unknown) => log.warn({ callId: this.callId, legId: command.legId, reason: (error as Error).message }, 'could not record the leg'));
          return;
        }
        case 'recordCallEnd': {
          observe?.callEnded?.(command.outcome);
          log.info({ callId: this.callId, outcome: command.outcome }, 'call ended');
          const connectedPosition = command.connectedPosition;
          await records
            .callEnded(this.callId, command.outcome, new Date(this.deps.clock.now()), {
              language: this.state.call.language,
              cascadeId: this.cascadeId,
              connectedPosition: connectedPosition === undefined ? undefined : String(connectedPosition),
            })
            .catch((error: unknown) => log.warn({ callId: this.callId, reason: (error as Error).message }, 'could not record the call end'));
          return;
        }
        default:
          return;
      }
    } catch (error) {
      log.warn({ callId: this.callId, command: command.type, reason: (error as Error).message }, 'command failed');
      const legId = 'legId' in command ? command.legId : command.type === 'play' && command.target.kind === 'leg' ? command.target.legId : undefined;
      const playbackId = 'playbackId' in command ? command.playbackId : undefined;
      // Queued behind this event, like any other.
      void this.dispatch({ type: 'CommandFailed', commandType: command.type, ...(legId ? { legId } : {}), ...(playbackId ? { playbackId } : {}) });
    }
  }

  private mediaUris(media: Media): string[] {
    const lang = ('language' in media && media.language) || this.callLanguage();
    switch (media.kind) {
      case 'prompt':
        return [promptSound(lang, media.id)];
      case 'digits':
        return [...media.digits].filter((d) => /\d/.test(d)).map((d) => digitSound(lang, d));
      case 'childName':
        return this.childNameMedia ? [this.childNameMedia] : [];
    }
  }

  private callLanguage(): Language {
    return this.state.call.language;
  }

  private startTimer(name: string, ms: number): void {
    this.cancelTimer(name);
    this.timers.set(
      name,
      this.deps.clock.setTimeout(() => {
        this.timers.delete(name);
        void this.dispatch({ type: 'TimerFired', name });
      }, ms),
    );
  }

  private cancelTimer(name: string): void {
    const handle = this.timers.get(name);
    if (handle !== undefined) this.deps.clock.clearTimeout(handle);
    this.timers.delete(name);
  }

  /**
   * Keeps the dialplan's dead-man switch from firing while this process handles the call, but
   * never past the finder's arrival plus the call's maximum length: a wait that somehow goes on
   * (a finder pressing * for ever) ends in the hotline fallback, like a dead app's.
   */
  private armDeadline(): void {
    const { seconds, refreshMs, maxCallSeconds } = this.deps.deadline;
    this.waitEndsAt ??= this.deps.clock.now() + maxCallSeconds * 1000;
    const waitEndsAt = this.waitEndsAt;
    const push = () => {
      const left = Math.max(1, Math.ceil((waitEndsAt - this.deps.clock.now()) / 1000));
      void this.deps.control.setDeadline(this.finderChannelId, Math.min(seconds, left)).catch(() => undefined);
      // The last push lets the switch fire at the end of the allowed wait.
      this.deadlineTimer = left > seconds ? this.deps.clock.setTimeout(push, refreshMs) : undefined;
    };
    push();
  }

  private disarmDeadline(): void {
    if (this.deadlineTimer !== undefined) this.deps.clock.clearTimeout(this.deadlineTimer);
    this.deadlineTimer = undefined;
  }

  private prepareChildName(firstName: string, language: Language): void {
    this.childNameRendered = this.deps.childName!
      .prepare(this.callId, firstName, language)
      .then((uri) => {
        this.childNameMedia = uri;
      })
      .catch((error: unknown) => this.deps.log.warn({ callId: this.callId, reason: (error as Error).message }, 'could not render the child\'s name'));
  }

  /**
   * The first leg is dialled while the name is still being rendered (~60 ms, more on a loaded
   * machine): a parent who answers before it is ready waits for it, up to CHILD_NAME_WAIT_MS,
   * rather than hear the message without the child's name. Past that, the message goes on without it.
   */
  private async awaitChildName(): Promise<void> {
    if (this.childNameMedia !== null || this.childNameRendered === null) return;
    let timer: unknown;
    const waited = new Promise<void>((resolve) => (timer = this.deps.clock.setTimeout(resolve, CHILD_NAME_WAIT_MS)));
    await Promise.race([this.childNameRendered, waited]);
    this.deps.clock.clearTimeout(timer);
  }

  private cleanUp(): void {
    if (this.deps.childName) void this.deps.childName.release(this.callId).catch(() => undefined);
    this.disarmDeadline();
    for (const name of [...this.timers.keys()]) this.cancelTimer(name);
  }
}
