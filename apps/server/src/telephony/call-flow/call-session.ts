import { CallRecords } from '../../calls/call-records';
import { FinderLookupResult } from '../../cascades/domain/finder-lookup';
import { CallControl } from '../call-control.port';
import { ChildNameVoice } from '../prompts/child-name-voice';
import { digitSound, Language, promptSound } from '../prompts/prompt-catalog';
import { Clock, SessionLog } from '../runtime/clock';
import { SessionRunner, TransitionObserver } from '../runtime/session-runner';
import { initialState, transition } from './machine';
import { CallEvent, CallState, Command, FlowSettings, Media } from './types';

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
  /** Who learns which channels and playbacks belong to this call (the Stasis router), before they exist. */
  owns?: CallOwnership;
  /** Shown every transition (the metrics). */
  observers?: readonly FinderTransitionObserver[];
  childName?: ChildNameVoice;
}

export type FinderTransitionObserver = TransitionObserver<CallState, CallEvent, Command>;

/** Called before the channel is dialled or the playback started, so that no event of theirs is lost. */
export interface CallOwnership {
  legChannel(legId: string, channelId: string): void;
  playback(playbackId: string): void;
}

/** How long a parent who answered may wait for the child's name to be rendered (see awaitChildName). */
export const CHILD_NAME_WAIT_MS = 1_000;

/**
 * Runs one finder's call on the generic runner (runtime/session-runner.ts): the pure machine
 * (machine.ts) decides, this class carries out its commands through CallControl and adds what
 * only a finder's call has: the dead-man switch, the child's spoken name, the records.
 */
export class CallSession extends SessionRunner<CallState, CallEvent, Command> {
  private readonly legStarted = new Map<string, number>();
  /** The finder's playbacks asked for and not yet stopped (their stop keeps the finder's order). */
  private readonly finderPlaybacks = new Set<string>();
  private deadlineTimer: unknown;
  /** The finder's wait ends here at the latest (arrival + the call's maximum length). */
  private waitEndsAt: number | undefined;
  private cascadeId: string | undefined;
  /** The child's spoken first name, once rendered (the parents hear it if it is ready). */
  private childNameMedia: string | null = null;
  /** Settles when the rendering of the name has ended, either way. */
  private childNameRendered: Promise<void> | null = null;

  constructor(
    callId: string,
    readonly finderChannelId: string,
    private readonly deps: CallSessionDeps,
  ) {
    super('finder', callId, initialState(callId), deps);
  }

  /** Channel id of a leg: our leg id made safe for Asterisk. */
  static legChannelId(legId: string): string {
    return legId.replace(/[^A-Za-z0-9_.-]/g, '-');
  }

  get connected(): boolean {
    return this.state.phase === 'connected';
  }

  protected transition(state: CallState, event: CallEvent): { state: CallState; commands: Command[] } {
    return transition(state, event, this.deps.settings);
  }

  /** A bug in the machine must not leave the finder in silence: the dialplan's hotline fallback takes over. */
  protected rescue(): Promise<void> {
    return this.deps.control.sendToHotlineFallback(this.finderChannelId);
  }

  protected timerFired(name: string): CallEvent {
    return { type: 'TimerFired', name };
  }

  protected commandFailed(command: Command): CallEvent {
    const legId = 'legId' in command ? command.legId : command.type === 'play' && command.target.kind === 'leg' ? command.target.legId : undefined;
    const playbackId = 'playbackId' in command ? command.playbackId : undefined;
    return { type: 'CommandFailed', commandType: command.type, ...(legId ? { legId } : {}), ...(playbackId ? { playbackId } : {}) };
  }

  protected override async entered(from: CallState, event: CallEvent): Promise<void> {
    if (event.type === 'FinderArrived') this.armDeadline();
    // The bridge failed and the finder waits again (for the hotline): the dead-man switch, not
    // the call's maximum length, must be what fires if this process dies now.
    if (from.phase === 'connected' && !this.connected && !this.ended) {
      await this.deps.control.clearConnectedCall(this.finderChannelId).catch(() => undefined);
      this.armDeadline();
    }
    if (event.type === 'CascadeLookedUp' && event.result.kind === 'found') {
      this.cascadeId = 'cascadeId' in event.result ? String(event.result.cascadeId) : undefined;
      if (event.result.childFirstName && this.deps.childName) this.prepareChildName(event.result.childFirstName, event.result.language);
    }
  }

  protected async perform(command: Command): Promise<void> {
    const { control, records, log, owns } = this.deps;
    switch (command.type) {
      case 'answerFinder':
        return await control.answer(this.finderChannelId);
      case 'play': {
        const channelId = command.target.kind === 'finder' ? this.finderChannelId : CallSession.legChannelId(command.target.legId);
        const play = async () => {
          if (command.media.some((m) => m.kind === 'childName')) await this.awaitChildName();
          owns?.playback(command.playbackId);
          await control.play(channelId, command.playbackId, command.media.flatMap((m) => this.mediaUris(m)));
        };
        // What the finder hears never delays a parent's leg: the putting-through prompt starts
        // while the look-up runs, and the first leg is dialled without waiting for its answer.
        if (command.target.kind !== 'finder') return await play();
        this.finderPlaybacks.add(command.playbackId);
        return this.inChannelOrder(this.finderChannelId, command, play);
      }
      case 'stopPlayback':
        if (!this.finderPlaybacks.delete(command.playbackId)) return await control.stopPlayback(command.playbackId);
        return this.inChannelOrder(this.finderChannelId, command, () => control.stopPlayback(command.playbackId));
      case 'startHold':
        return this.inChannelOrder(this.finderChannelId, command, () => control.startHold(this.finderChannelId));
      case 'stopHold':
        return this.inChannelOrder(this.finderChannelId, command, () => control.stopHold(this.finderChannelId));
      case 'recordNumberEntry':
        log.info({ callId: this.callId, attempt: command.attempt, result: command.result }, 'national number entry');
        return;
      case 'lookUpCascade':
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
        owns?.legChannel(command.legId, channelId);
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
        // The finder's hold and prompts are stopped first, in the order the machine gave them.
        await this.channelSettled(this.finderChannelId);
        // The dead-man switch is no longer pushed: the call's maximum length replaces it, on both sides.
        this.disarmDeadline();
        const legChannelId = CallSession.legChannelId(command.legId);
        // The limits are set while the bridge is made; the channels join once both are done.
        const limited = control
          .limitConnectedCall(this.finderChannelId, legChannelId, this.deps.deadline.maxCallSeconds)
          .catch((error: unknown) => log.warn({ callId: this.callId, legId: command.legId, reason: (error as Error).message }, 'could not set the connected call\'s maximum length'));
        return await control.bridge(`${this.callId}-bridge`, [this.finderChannelId, legChannelId], limited);
      }
      case 'hangupFinder':
        return await control.hangup(this.finderChannelId);
      case 'recordLeg': {
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

  protected override cleanUp(): void {
    if (this.deps.childName) void this.deps.childName.release(this.callId).catch(() => undefined);
    this.disarmDeadline();
  }
}
