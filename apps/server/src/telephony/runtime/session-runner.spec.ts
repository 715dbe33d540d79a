import { FakeClock, flush } from '../../../../../test/support/fake-clock';
import { RunnerDeps, SessionRunner, Transition } from './session-runner';

// A toy call kind: 'ring' starts a timer and dials; the timer or 'fail' ends the call; 'boom'
// makes the machine throw. Enough to see what the runner itself does.
type ToyState = { phase: 'idle' | 'ringing' | 'ended'; timer?: string };
type ToyEvent = { type: 'Ring' } | { type: 'TimerFired'; name: string } | { type: 'Failed'; what: string } | { type: 'Boom' } | { type: 'Slow'; wait: Promise<void> };
type ToyCommand = { type: 'dial' } | { type: 'startTimer'; name: string; ms: number } | { type: 'cancelTimer'; name: string } | { type: 'wait'; until: Promise<void> } | { type: 'note'; text: string };

class ToySession extends SessionRunner<ToyState, ToyEvent, ToyCommand> {
  readonly done: string[] = [];
  rescued = 0;
  cleanedUp = 0;
  failDial = false;

  constructor(deps: RunnerDeps<ToyState, ToyEvent, ToyCommand>) {
    super('toy', 'call-1', { phase: 'idle' }, deps);
  }

  protected transition(state: ToyState, event: ToyEvent): { state: ToyState; commands: ToyCommand[] } {
    switch (event.type) {
      case 'Ring':
        return { state: { phase: 'ringing', timer: 't1' }, commands: [{ type: 'dial' }, { type: 'startTimer', name: 't1', ms: 1_000 }] };
      case 'TimerFired':
        return event.name === state.timer ? { state: { phase: 'ended' }, commands: [{ type: 'note', text: 'timed out' }] } : { state, commands: [] };
      case 'Failed':
        return { state: { phase: 'ended' }, commands: [{ type: 'cancelTimer', name: 't1' }, { type: 'note', text: `failed ${event.what}` }] };
      case 'Slow':
        return { state, commands: [{ type: 'wait', until: event.wait }, { type: 'note', text: 'slow done' }] };
      case 'Boom':
        throw new Error('a bug');
    }
  }

  protected async perform(command: ToyCommand): Promise<void> {
    if (command.type === 'dial' && this.failDial) throw new Error('refused');
    if (command.type === 'wait') await command.until;
    this.done.push(command.type === 'note' ? command.text : command.type);
  }

  protected commandFailed(command: ToyCommand): ToyEvent {
    return { type: 'Failed', what: command.type };
  }

  protected timerFired(name: string): ToyEvent {
    return { type: 'TimerFired', name };
  }

  protected async rescue(): Promise<void> {
    this.rescued++;
  }

  protected override cleanUp(): void {
    this.cleanedUp++;
  }
}

function setUp() {
  const clock = new FakeClock();
  const lines: string[] = [];
  const steps: Transition<ToyState, ToyEvent, ToyCommand>[] = [];
  const log = { info: (_f: object, m: string) => lines.push(m), warn: (_f: object, m: string) => lines.push(m) };
  const session = new ToySession({ clock, log, observers: [{ transition: (step) => steps.push(step) }] });
  return { clock, lines, steps, session };
}

describe('the session runner (any call kind)', () => {
  it('given a transition that starts a timer, when the time passes, then the timer comes back as an event and the call ends', async () => {
    const { clock, session } = setUp();
    await session.dispatch({ type: 'Ring' });
    expect(session.done).toEqual(['dial']);
    await clock.advance(999);
    expect(session.phase).toBe('ringing');
    await clock.advance(1);
    expect(session.phase).toBe('ended');
    expect(session.done).toEqual(['dial', 'timed out']);
  });

  it('given a command that fails, then its failure comes back as the kind\'s event, queued behind the current one, and the timers are cancelled', async () => {
    const { clock, session } = setUp();
    session.failDial = true;
    await session.dispatch({ type: 'Ring' });
    await flush();
    expect(session.done).toEqual(['failed dial']);
    expect(session.ended).toBe(true);
    expect(clock.pending).toBe(0);
  });

  it('given events sent while a command is still running, then they are handled one at a time, in order', async () => {
    const { session } = setUp();
    let release!: () => void;
    const slow = session.dispatch({ type: 'Slow', wait: new Promise<void>((resolve) => (release = resolve)) });
    const ring = session.dispatch({ type: 'Ring' });
    await flush();
    expect(session.done).toEqual([]);
    release();
    await Promise.all([slow, ring]);
    expect(session.done).toEqual(['wait', 'slow done', 'dial']);
  });

  it('given the machine throws, then the kind rescues the call and later events are still handled', async () => {
    const { session, lines } = setUp();
    await session.dispatch({ type: 'Boom' });
    expect(session.rescued).toBe(1);
    expect(lines).toContain('toy call flow error; rescuing the call');
    await session.dispatch({ type: 'Ring' });
    expect(session.phase).toBe('ringing');
  });

  it('given a change of phase, then it is logged as from -[Event]-> to and every observer sees the step with its commands', async () => {
    const { session, lines, steps } = setUp();
    await session.dispatch({ type: 'Ring' });
    expect(lines).toContain('idle -[Ring]-> ringing');
    expect(steps).toHaveLength(1);
    expect(steps[0]).toMatchObject({ kind: 'toy', callId: 'call-1', from: { phase: 'idle' }, event: { type: 'Ring' }, to: { phase: 'ringing' } });
    expect(steps[0].commands.map((c) => c.type)).toEqual(['dial', 'startTimer']);
  });

  it('given an observer that throws, then the call goes on as if it were not there', async () => {
    const clock = new FakeClock();
    const lines: string[] = [];
    const session = new ToySession({
      clock,
      log: { info: () => undefined, warn: (_f, m) => lines.push(m) },
      observers: [{ transition: () => { throw new Error('observer bug'); } }],
    });
    await session.dispatch({ type: 'Ring' });
    expect(session.done).toEqual(['dial']);
    expect(lines).toEqual(['a transition observer failed']);
  });

  it('given the call has ended, then what it holds is released once, however many late events follow', async () => {
    const { session } = setUp();
    await session.dispatch({ type: 'Ring' });
    await session.dispatch({ type: 'Failed', what: 'line' });
    await session.dispatch({ type: 'Failed', what: 'late' });
    expect(session.cleanedUp).toBe(1);
  });

  it('given the session is detached, then its timers stop and no event is handled any more', async () => {
    const { clock, session } = setUp();
    await session.dispatch({ type: 'Ring' });
    session.detach();
    expect(clock.pending).toBe(0);
    expect(session.cleanedUp).toBe(1);
    await session.dispatch({ type: 'Failed', what: 'after' });
    expect(session.phase).toBe('ringing');
  });
});
