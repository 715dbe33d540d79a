import { flush } from '../../../../../test/support/fake-clock';
import { AriChannel } from '../ari/ari-events';
import { AppChannel } from '../ari/ari-rest';
import { CallKind } from './call-kind';
import { OrphanRescue } from './orphan-rescue';
import { ari, FakeStasisAdapter } from './stasis-adapter.fake';
import { StasisRouter } from './stasis-router';

/** A call kind that writes down what the router hands it. */
class RecordingKind implements CallKind {
  readonly seen: string[] = [];
  shutdowns = 0;
  constructor(
    readonly name: string,
    readonly roles: readonly string[],
  ) {}
  arrived(channel: AriChannel, args: string[]): void {
    this.seen.push(`arrived ${channel.id} ${args.join(',')}`);
  }
  async orphaned(channel: AppChannel): Promise<void> {
    this.seen.push(`orphaned ${channel.id}`);
  }
  async shutdown(): Promise<void> {
    this.shutdowns++;
  }
}

function setUp() {
  const adapter = new FakeStasisAdapter();
  const router = new StasisRouter(adapter);
  router.onModuleInit();
  const lines: string[] = [];
  const rescue = new OrphanRescue(adapter, router, { info: (_f, m) => lines.push(m), warn: (_f, m) => lines.push(m) });
  rescue.onModuleInit();
  const finder = new RecordingKind('finder', ['finder', 'leg']);
  const notice = new RecordingKind('announcement', ['notice']);
  router.register(finder);
  router.register(notice);
  return { adapter, router, finder, notice, lines };
}

describe('the Stasis router (a fake ARI event stream)', () => {
  it('given a channel entering Stasis, then it goes to the kind registered for its role, with its arguments', () => {
    const { adapter, finder, notice } = setUp();
    adapter.emit(ari.stasisStart('ch-1', ['finder', '3278150000', 'allowed', 'normal']));
    adapter.emit(ari.stasisStart('ch-2', ['notice', 'call-9', 'HUMAN']));
    adapter.emit(ari.stasisStart('ch-3', ['leg', 'call-1:leg:1', 'MACHINE']));
    expect(finder.seen).toEqual(['arrived ch-1 finder,3278150000,allowed,normal', 'arrived ch-3 leg,call-1:leg:1,MACHINE']);
    expect(notice.seen).toEqual(['arrived ch-2 notice,call-9,HUMAN']);
  });

  it('given a channel entering Stasis with a role no kind took, then nothing happens to it', () => {
    const { adapter, finder, notice } = setUp();
    adapter.emit(ari.stasisStart('ch-1', ['parents-line', 'x']));
    adapter.emit(ari.stasisStart('ch-2', []));
    expect([...finder.seen, ...notice.seen]).toEqual([]);
    expect(adapter.control.calls).toEqual([]);
  });

  it('given a channel a call owns, then its keys, state changes and end go to that call and to no one else', () => {
    const { adapter, router } = setUp();
    const mine: string[] = [];
    const other: string[] = [];
    router.ownChannel('leg-ch', 'call-1', (event) => mine.push(event.type));
    router.ownChannel('other-ch', 'call-2', (event) => other.push(event.type));
    adapter.emit(ari.dial('leg-ch', 'PROGRESS'));
    adapter.emit(ari.ringing('leg-ch'));
    adapter.emit(ari.dtmf('leg-ch', '1'));
    adapter.emit(ari.stasisEnd('leg-ch'));
    adapter.emit(ari.destroyed('leg-ch', 16));
    adapter.emit(ari.dtmf('nobodys-ch', '5'));
    adapter.emit(ari.dial('nobodys-ch', 'RINGING'));
    expect(mine).toEqual(['Dial', 'ChannelStateChange', 'ChannelDtmfReceived', 'StasisEnd', 'ChannelDestroyed']);
    expect(other).toEqual([]);
  });

  it('given a playback a call owns, then its end goes to that call; the end of an unknown playback is dropped', () => {
    const { adapter, router } = setUp();
    const finished: string[] = [];
    router.ownPlayback('c1-p1', 'call-1', (id) => finished.push(id));
    adapter.emit(ari.playbackFinished('c1-p1'));
    adapter.emit(ari.playbackFinished('someone-elses'));
    expect(finished).toEqual(['c1-p1']);
  });

  it('given a call forgotten, then the events of its channels and playbacks are dropped', () => {
    const { adapter, router } = setUp();
    const seen: string[] = [];
    router.ownChannel('leg-ch', 'call-1', (event) => seen.push(event.type));
    router.ownPlayback('c1-p1', 'call-1', (id) => seen.push(id));
    router.forget('call-1');
    adapter.emit(ari.dtmf('leg-ch', '1'));
    adapter.emit(ari.playbackFinished('c1-p1'));
    expect(seen).toEqual([]);
    expect(router.owns('leg-ch')).toBe(false);
  });

  it('given events that are not about calls (a bridge, a device state), then they are dropped', () => {
    const { adapter, router } = setUp();
    const seen: string[] = [];
    router.ownChannel('ch', 'call-1', (event) => seen.push(event.type));
    adapter.emit({ type: 'BridgeCreated', bridge: { id: 'b' } } as never);
    adapter.emit({ type: 'ChannelVarset', channel: { id: 'ch' } } as never);
    expect(seen).toEqual([]);
  });

  it('given two kinds claiming one role, then the second is refused', () => {
    const { router } = setUp();
    expect(() => router.register(new RecordingKind('parents-line', ['notice']))).toThrow("the Stasis role 'notice' is already announcement's");
  });

  it('given the process stops, then every kind is asked to deal with its calls, once', async () => {
    const { router, finder, notice } = setUp();
    await router.beforeApplicationShutdown();
    expect([finder.shutdowns, notice.shutdowns]).toEqual([1, 1]);
  });
});

describe('the orphans after a (re)connection', () => {
  it('given channels in the app that no call owns, then each goes to the kind of its role, and one of no known role is hung up', async () => {
    const { adapter, router, finder, notice } = setUp();
    router.ownChannel('owned', 'call-1', () => undefined);
    adapter.channels = [
      { id: 'owned', args: ['finder', '3278150000'] },
      { id: 'old-finder', args: ['finder', '3278150000'] },
      { id: 'old-notice', args: ['notice', 'call-7', 'HUMAN'] },
      { id: 'strange', args: ['parents-line'] },
    ];
    adapter.connect();
    await flush();
    expect(finder.seen).toEqual(['orphaned old-finder']);
    expect(notice.seen).toEqual(['orphaned old-notice']);
    expect(adapter.control.calls).toEqual(['hangup strange']);
  });

  it('given a finder and a parent still bridged by a previous process, then they stay bridged, and when one hangs up the other is hung up and the bridge goes', async () => {
    const { adapter, finder } = setUp();
    adapter.channels = [
      { id: 'finder-ch', args: ['finder', '3278150000'] },
      { id: 'leg-ch', args: ['leg', 'old:leg:1', 'HUMAN'] },
    ];
    adapter.bridgeList = [{ id: 'old-bridge', channels: ['finder-ch', 'leg-ch'] }];
    adapter.connect();
    await flush();
    expect(finder.seen).toEqual([]);
    expect(adapter.control.calls).toEqual([]);
    adapter.emit(ari.stasisEnd('leg-ch'));
    await flush();
    expect(adapter.control.calls).toEqual(['hangup finder-ch']);
    expect(adapter.deletedBridges).toEqual(['old-bridge']);
    adapter.emit(ari.destroyed('finder-ch', 16));
    await flush();
    expect(adapter.control.calls).toEqual(['hangup finder-ch']);
  });

  it('given the bridges cannot be listed, then the orphans are rescued like any other', async () => {
    const { adapter, finder, lines } = setUp();
    adapter.channels = [{ id: 'finder-ch', args: ['finder', '3278150000'] }];
    adapter.bridgeList = new Error('ARI timed out');
    adapter.connect();
    await flush();
    expect(finder.seen).toEqual(['orphaned finder-ch']);
    expect(lines).toContain('could not list bridges after connecting');
  });
});
