import { Clock, SessionLog } from './clock';

/** One step a call's machine took: what observers (the metrics) are shown, after the fact. */
export interface Transition<S, E, C> {
  /** The call kind ('finder', 'announcement', …). */
  kind: string;
  callId: string;
  /** The clock's time when the step was taken. */
  at: number;
  from: S;
  event: E;
  to: S;
  commands: readonly C[];
}

/** Sees every step of every call of a kind; it cannot change them (and its faults stay its own). */
export interface TransitionObserver<S, E, C> {
  transition(step: Transition<S, E, C>): void;
}

export interface RunnerDeps<S, E, C> {
  clock: Clock;
  log: SessionLog;
  observers?: readonly TransitionObserver<S, E, C>[];
}

/** The two commands every machine uses the same way; the runner carries them out itself. */
type TimerCommand = { type: 'startTimer'; name: string; ms: number } | { type: 'cancelTimer'; name: string };

const isTimerCommand = (command: { type: string }): command is TimerCommand => command.type === 'startTimer' || command.type === 'cancelTimer';

/**
 * Runs one call of any kind around its pure machine (`transition(state, event) → { state,
 * commands }`): events are fed one at a time (a promise queue, so ARI events, timers and I/O
 * results never interleave), each transition is logged as `from -[Event]-> to` and shown to the
 * observers, the commands are carried out in order (timers here, the rest by the kind through
 * the CallControl port), and what happens comes back as events: a timer as `TimerFired`, a
 * command that could not be carried out as the kind's failure event. If the machine itself
 * throws, the kind's `rescue` takes the call out of silence (for a finder: the hotline).
 */
export abstract class SessionRunner<S extends { phase: string }, E extends { type: string }, C extends { type: string }> {
  protected state: S;
  private queue: Promise<void> = Promise.resolve();
  private readonly timers = new Map<string, unknown>();
  /** Per channel, the last of its requests sent in the background (see `inChannelOrder`). */
  private readonly channelQueues = new Map<string, Promise<void>>();
  private detached = false;
  private released = false;

  protected constructor(
    readonly kind: string,
    readonly callId: string,
    initial: S,
    private readonly runtime: RunnerDeps<S, E, C>,
  ) {
    this.state = initial;
  }

  get phase(): S['phase'] {
    return this.state.phase;
  }

  get ended(): boolean {
    return this.state.phase === 'ended';
  }

  dispatch(event: E): Promise<void> {
    this.queue = this.queue.then(() => (this.detached ? undefined : this.handle(event)));
    return this.queue;
  }

  /**
   * This process is going away: stop acting on the call (timers, events). Whoever detaches decides
   * what becomes of the channels (a connected call carries on in Asterisk without us).
   */
  detach(): void {
    this.detached = true;
    this.release();
  }

  /** The kind's pure machine. */
  protected abstract transition(state: S, event: E): { state: S; commands: C[] };

  /** Carries out one command other than the timers; a throw becomes `commandFailed(command)`. */
  protected abstract perform(command: C): Promise<void>;

  /** The event that tells the machine a command could not be carried out. */
  protected abstract commandFailed(command: C): E;

  /** The event a timer started by `startTimer` sends when it fires. */
  protected abstract timerFired(name: string): E;

  /** The machine threw (a bug): whoever is on the line must not be left in silence. */
  protected abstract rescue(): Promise<void>;

  /** After the state has changed, before the commands run: what a kind does on its own (a deadline, a name). */
  protected async entered(_from: S, _event: E): Promise<void> {}

  /** Once, when the call has ended or was detached: what the kind holds for it goes (the timers already have). */
  protected cleanUp(): void {}

  protected get clock(): Clock {
    return this.runtime.clock;
  }

  protected get log(): SessionLog {
    return this.runtime.log;
  }

  private async handle(event: E): Promise<void> {
    const from = this.state;
    let next: { state: S; commands: C[] };
    try {
      next = this.transition(from, event);
    } catch (error) {
      this.log.warn({ callId: this.callId, event: event.type, reason: (error as Error).message }, `${this.kind} call flow error; rescuing the call`);
      await this.rescue().catch(() => undefined);
      return;
    }
    if (next.state.phase !== from.phase) this.log.info({ callId: this.callId }, `${from.phase} -[${event.type}]-> ${next.state.phase}`);
    this.state = next.state;
    this.notify({ kind: this.kind, callId: this.callId, at: this.clock.now(), from, event, to: next.state, commands: next.commands });
    await this.entered(from, event);
    for (const command of next.commands) await this.execute(command);
    if (this.ended) this.release();
  }

  private notify(step: Transition<S, E, C>): void {
    for (const observer of this.runtime.observers ?? []) {
      try {
        observer.transition(step);
      } catch (error) {
        this.log.warn({ callId: this.callId, reason: (error as Error).message }, 'a transition observer failed');
      }
    }
  }

  /**
   * Sends a channel's request without holding up the call's next event: requests on one channel
   * still reach Asterisk in the order the machine gave them, but a request on another channel
   * (the first parent's leg) no longer waits for this one's answer. A failure comes back to the
   * machine as `commandFailed`, queued like any other event.
   */
  protected inChannelOrder(channelId: string, command: C, request: () => Promise<void>): void {
    const sent = (this.channelQueues.get(channelId) ?? Promise.resolve())
      .then(request)
      .catch((error: unknown) => {
        this.log.warn({ callId: this.callId, command: command.type, reason: (error as Error).message }, `${this.kind} command failed`);
        void this.dispatch(this.commandFailed(command));
      });
    this.channelQueues.set(channelId, sent);
    void sent.then(() => {
      if (this.channelQueues.get(channelId) === sent) this.channelQueues.delete(channelId);
    });
  }

  /** Settles once every request sent in the background on that channel has been answered. */
  protected channelSettled(channelId: string): Promise<void> {
    return this.channelQueues.get(channelId) ?? Promise.resolve();
  }

  private async execute(command: C): Promise<void> {
    if (isTimerCommand(command)) {
      if (command.type === 'startTimer') this.startTimer(command.name, command.ms);
      else this.cancelTimer(command.name);
      return;
    }
    try {
      await this.perform(command);
    } catch (error) {
      this.log.warn({ callId: this.callId, command: command.type, reason: (error as Error).message }, `${this.kind} command failed`);
      // Queued behind this event, like any other.
      void this.dispatch(this.commandFailed(command));
    }
  }

  private startTimer(name: string, ms: number): void {
    this.cancelTimer(name);
    this.timers.set(
      name,
      this.clock.setTimeout(() => {
        this.timers.delete(name);
        void this.dispatch(this.timerFired(name));
      }, ms),
    );
  }

  private cancelTimer(name: string): void {
    const handle = this.timers.get(name);
    if (handle !== undefined) this.clock.clearTimeout(handle);
    this.timers.delete(name);
  }

  private release(): void {
    if (this.released) return;
    this.released = true;
    for (const name of [...this.timers.keys()]) this.cancelTimer(name);
    this.cleanUp();
  }
}
