import { AsteriskSwitchView, ServiceMode, ServiceModeChange, ServiceSwitchState, ServiceSwitchStore } from './domain/service-mode';
import { AsteriskSwitch, ServiceModeMirror } from './service-mode-mirror';
import { ServiceSwitch } from './service-switch';

class MemoryStore extends ServiceSwitchStore {
  state: ServiceSwitchState = { mode: 'normal', changedBy: 'installation', changedAt: new Date(0) };
  down = false;
  async read(): Promise<ServiceSwitchState> {
    if (this.down) throw new Error('PostgreSQL is not connected');
    return { ...this.state };
  }
  async change(mode: ServiceMode, changedBy: string): Promise<{ before: ServiceMode } | null> {
    if (this.state.mode === mode) return null;
    const before = this.state.mode;
    this.state = { mode, changedBy, changedAt: new Date() };
    return { before };
  }
}

class FakeAsterisk implements AsteriskSwitch {
  view: AsteriskSwitchView = { mode: 'normal', mirrored: '' };
  writes: ServiceMode[] = [];
  async read() {
    return { ...this.view };
  }
  async write(mode: ServiceMode) {
    this.writes.push(mode);
    this.view = { mode, mirrored: mode };
  }
  /** An operator's `dialplan set global ALLOPARENTS_MODE …`. */
  cli(mode: string) {
    this.view = { ...this.view, mode };
  }
}

const quiet = { info: () => undefined, warn: () => undefined };

function node(store: MemoryStore, name: string, events: ServiceModeChange[] = []) {
  const asterisk = new FakeAsterisk();
  const mirror = new ServiceModeMirror({ store, service: new ServiceSwitch(store, [(c) => void events.push(c)]), asterisk, node: name, intervalMs: 60_000, log: quiet });
  return { asterisk, mirror };
}

describe('a node keeping its Asterisk in step with the shared service switch', () => {
  it('given a suspended service, when a node starts, then it knows the mode before any finder and its Asterisk (just started, `normal`) is suspended too', async () => {
    const store = new MemoryStore();
    store.state.mode = 'suspended';
    const a = node(store, 'a');
    expect(a.mirror.current).toBeUndefined();
    await a.mirror.start();
    a.mirror.stop();
    expect(a.mirror.current).toBe('suspended');
    await a.mirror.sync();
    expect(a.asterisk.view).toEqual({ mode: 'suspended', mirrored: 'suspended' });
  });

  it('given two nodes, when an operator suspends from node A\'s Asterisk CLI, then it is stored once (by asterisk-cli@a, one event) and node B\'s Asterisk follows', async () => {
    const store = new MemoryStore();
    const events: ServiceModeChange[] = [];
    const a = node(store, 'a', events);
    const b = node(store, 'b', events);
    await a.mirror.sync();
    await b.mirror.sync();
    a.asterisk.cli('suspended');
    await a.mirror.sync();
    expect(store.state).toMatchObject({ mode: 'suspended', changedBy: 'asterisk-cli@a' });
    expect(events).toEqual([{ mode: 'suspended', before: 'normal', changedBy: 'asterisk-cli@a' }]);
    expect(a.mirror.current).toBe('suspended');
    await b.mirror.notified('suspended');
    expect(b.asterisk.view.mode).toBe('suspended');
    expect(b.mirror.current).toBe('suspended');
    await a.mirror.sync();
    expect(events).toHaveLength(1);
  });

  it('given a suspended service, when Asterisk restarts (its global back to `normal`, no marker), then the service stays suspended everywhere', async () => {
    const store = new MemoryStore();
    store.state.mode = 'suspended';
    const a = node(store, 'a');
    await a.mirror.sync();
    a.asterisk.view = { mode: 'normal', mirrored: '' };
    await a.mirror.sync();
    expect(store.state.mode).toBe('suspended');
    expect(a.asterisk.view.mode).toBe('suspended');
  });

  it('given PostgreSQL not yet connected when the node starts, then the start waits for it (bounded) and takes the stored value', async () => {
    const store = new MemoryStore();
    store.state.mode = 'suspended';
    store.down = true;
    const a = node(store, 'a');
    setTimeout(() => (store.down = false), 50);
    await a.mirror.start(2_000, 10);
    a.mirror.stop();
    expect(a.mirror.current).toBe('suspended');
  });

  it('given PostgreSQL down for longer than the start allows, then the start gives up without throwing', async () => {
    const store = new MemoryStore();
    store.down = true;
    const a = node(store, 'a');
    await expect(a.mirror.start(30, 10)).resolves.toBeUndefined();
    a.mirror.stop();
    expect(a.mirror.current).toBeUndefined();
  });

  it('given PostgreSQL down, then a pass changes nothing and throws nothing; once it is back the node catches up', async () => {
    const store = new MemoryStore();
    const a = node(store, 'a');
    await a.mirror.sync();
    store.down = true;
    store.state.mode = 'suspended';
    await expect(a.mirror.sync()).resolves.toBeUndefined();
    expect(a.asterisk.view.mode).toBe('normal');
    store.down = false;
    await a.mirror.sync();
    expect(a.asterisk.view.mode).toBe('suspended');
  });

  it('refuses a mode that is not one, and an unusable name, changing nothing', async () => {
    const store = new MemoryStore();
    const service = new ServiceSwitch(store);
    await expect(service.change('off', 'alice')).rejects.toThrow("the service mode is normal or suspended, not 'off'");
    await expect(service.change('suspended', 'alice smith')).rejects.toThrow('operator');
    expect(store.state.mode).toBe('normal');
  });
});
