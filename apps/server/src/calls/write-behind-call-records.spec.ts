import { CallRecordStore, isPassingFailure, WriteBehindCallRecords } from './write-behind-call-records';

/** A store that is up or down, and lists what it stored, in order. */
class FakeStore implements CallRecordStore {
  up = true;
  refuse: ((what: string) => unknown) | null = null;
  readonly stored: string[] = [];
  /** When slow, each write waits for release(), oldest first. */
  slow = false;
  private readonly gates: (() => void)[] = [];

  release(): void {
    this.gates.shift()?.();
  }

  private async write(what: string): Promise<void> {
    if (this.slow) await new Promise<void>((resolve) => this.gates.push(resolve));
    await Promise.resolve();
    if (!this.up) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const refusal = this.refuse?.(what);
    if (refusal) throw refusal;
    this.stored.push(what);
  }

  callStarted(callId: string) {
    return this.write(`start ${callId}`);
  }
  legEnded(leg: { legId: string }) {
    return this.write(`leg ${leg.legId}`);
  }
  callEnded(callId: string, outcome: string) {
    return this.write(`end ${callId} ${outcome}`);
  }
  lookupNoted(callId: string) {
    return this.write(`lookup ${callId}`);
  }
  async noteLookup(callId: string) {
    await this.write(`lookup ${callId}`);
    return { distinctNumbers: 1, callerBlocked: false };
  }
}

/** Timers the test fires by hand. */
class ManualTimers {
  private readonly due = new Map<number, { fn: () => void; ms: number }>();
  private next = 1;
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.due.set(id, { fn, ms });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.due.delete(handle as number);
  }
  get delays(): number[] {
    return [...this.due.values()].map((t) => t.ms);
  }
  /** Fires every timer set so far. */
  fireAll(): void {
    const now = [...this.due.entries()];
    for (const [id, { fn }] of now) {
      this.due.delete(id);
      fn();
    }
  }
}

const settle = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

const leg = (callId: string, n: number) => ({ legId: `${callId}:leg:${n}`, callId, position: String(n), result: 'busy', startedAt: new Date(0), endedAt: new Date(1) });

function setUp(capacity = 100) {
  const store = new FakeStore();
  const timers = new ManualTimers();
  const warnings: string[] = [];
  const records = new WriteBehindCallRecords(store, {
    capacity,
    retryDelayMs: (attempt) => [500, 1000, 2000][Math.min(attempt, 2)],
    lookupWaitMs: 2000,
    timers,
    log: { warn: (_f, message) => warnings.push(message), info: () => undefined },
  });
  return { store, timers, records, warnings };
}

describe('call records written behind the call flow', () => {
  it('given the database is up, then each write is stored at once, in order, without the call waiting for it', async () => {
    const { store, records } = setUp();
    await records.callStarted('c1', new Date(0));
    await records.legEnded(leg('c1', 1));
    await records.callEnded('c1', 'connected-hotline', new Date(2), {});
    await settle();
    expect(store.stored).toEqual(['start c1', 'leg c1:leg:1', 'end c1 connected-hotline']);
    expect(records.backlog).toBe(0);
  });

  it('given the database is down, when calls start and end, then their writes are held in order and stored when it is back', async () => {
    const { store, timers, records } = setUp();
    store.up = false;
    await records.callStarted('c1', new Date(0));
    await records.callStarted('c2', new Date(0));
    await records.legEnded(leg('c1', 1));
    await records.callEnded('c1', 'connected-hotline', new Date(2), {});
    await settle();
    expect(store.stored).toEqual([]);
    expect(records.backlog).toBe(4);

    // Still down at the first retry: nothing lost, the next one waits longer.
    timers.fireAll();
    await settle();
    expect(records.backlog).toBe(4);
    expect(timers.delays).toEqual([1000]);

    store.up = true;
    timers.fireAll();
    await settle();
    expect(store.stored).toEqual(['start c1', 'start c2', 'leg c1:leg:1', 'end c1 connected-hotline']);
    expect(records.backlog).toBe(0);
  });

  it('given writes are held, when a new one comes, then it waits behind them (a call\'s start is stored before its end)', async () => {
    const { store, timers, records } = setUp();
    store.up = false;
    await records.callStarted('c1', new Date(0));
    await settle();
    store.up = true;
    await records.callEnded('c1', 'finder-hung-up', new Date(2), {});
    await settle();
    expect(store.stored).toEqual([]);
    timers.fireAll();
    await settle();
    expect(store.stored).toEqual(['start c1', 'end c1 finder-hung-up']);
  });

  it('given the buffer is full, then the oldest write is dropped, counted and logged, and memory stays bounded', async () => {
    const { store, timers, records, warnings } = setUp(3);
    store.up = false;
    for (const id of ['c1', 'c2', 'c3', 'c4', 'c5']) await records.callStarted(id, new Date(0));
    await settle();
    expect(records.backlog).toBe(3);
    expect(records.droppedCount).toBe(2);
    expect(warnings.filter((w) => w.includes('buffer full'))).toHaveLength(2);
    store.up = true;
    timers.fireAll();
    await settle();
    expect(store.stored).toEqual(['start c3', 'start c4', 'start c5']);
  });

  it('given the database refuses one write for good (a constraint), then it is dropped and the writes behind it are stored', async () => {
    const { store, records, warnings } = setUp();
    store.refuse = (what) => (what === 'leg c1:leg:1' ? Object.assign(new Error('violates foreign key constraint'), { code: '23503' }) : null);
    await records.legEnded(leg('c1', 1));
    await records.callEnded('c1', 'failed', new Date(2), {});
    await settle();
    expect(store.stored).toEqual(['end c1 failed']);
    expect(records.droppedCount).toBe(1);
    expect(warnings).toContain('call record refused by the database: dropped');
  });

  it('given a look-up while the call\'s start is held, then the look-up fails and its bookkeeping is held too, stored after the start', async () => {
    const { store, timers, records } = setUp();
    store.up = false;
    await records.callStarted('c1', new Date(0));
    await settle();
    const lookup = records.noteLookup('c1', [Buffer.from('a')], Buffer.from('b'), new Date(1), new Date(0));
    // It waits (at most lookupWaitMs) for the held writes: let that wait run out.
    await settle();
    timers.fireAll();
    await expect(lookup).rejects.toThrow('ECONNREFUSED');
    expect(records.backlog).toBe(2);
    store.up = true;
    timers.fireAll();
    await settle();
    expect(store.stored).toEqual(['start c1', 'lookup c1']);
  });

  it('given other calls\' writes are still being stored (a burst of callers), then a look-up waits only for its own call\'s start', async () => {
    const { store, records } = setUp();
    store.slow = true;
    for (let i = 1; i <= 50; i++) await records.callStarted(`other${i}`, new Date(0));
    await records.callStarted('c1', new Date(0));
    for (let i = 1; i <= 50; i++) await records.callEnded(`other${i}`, 'finder-hung-up', new Date(1), {});
    let backlogWhenDone = -1;
    const lookup = records.noteLookup('c1', [Buffer.from('a')], Buffer.from('b'), new Date(1), new Date(0)).then(() => (backlogWhenDone = records.backlog));
    // The lane stores one write at a time: release them one by one until the look-up is done.
    while (backlogWhenDone < 0) {
      store.release();
      await settle();
    }
    await lookup;
    expect(store.stored.indexOf('start c1')).toBe(50);
    expect(store.stored).toContain('lookup c1');
    // Done while the other calls' ends were still held, not after the whole backlog.
    expect(backlogWhenDone).toBeGreaterThan(40);
  });

  it('given writes are held, when the app shuts down and the database answers, then drain stores them before it returns', async () => {
    const { store, records } = setUp();
    store.up = false;
    await records.callStarted('c1', new Date(0));
    await settle();
    store.up = true;
    await records.drain(3000);
    expect(store.stored).toEqual(['start c1']);
  });

  it('tells passing failures (unreachable, shutting down, timeouts) from refusals of the statement', () => {
    expect(isPassingFailure(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isPassingFailure(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isPassingFailure(Object.assign(new Error('admin shutdown'), { code: '57P01' }))).toBe(true);
    expect(isPassingFailure(Object.assign(new Error('statement timeout'), { code: '57014' }))).toBe(true);
    expect(isPassingFailure(Object.assign(new Error('cannot connect now'), { code: '57P03' }))).toBe(true);
    expect(isPassingFailure(Object.assign(new Error('fk'), { code: '23503' }))).toBe(false);
    expect(isPassingFailure(Object.assign(new Error('bad uuid'), { code: '22P02' }))).toBe(false);
  });
});
