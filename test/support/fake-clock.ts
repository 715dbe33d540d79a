import type { Clock } from '../../apps/server/src/telephony/runtime/clock';

/** Lets pending promise callbacks run (a macrotask turn). */
export const flush = (): Promise<unknown> => new Promise((resolve) => setImmediate(resolve));

/** A clock that only moves when the test says so; each due timer fires in order, with a flush after it. */
export class FakeClock implements Clock {
  private t = 0;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 1;
  now = () => this.t;
  setTimeout = (fn: () => void, ms: number) => {
    const id = this.nextId++;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  };
  clearTimeout = (id: unknown) => {
    this.timers = this.timers.filter((x) => x.id !== id);
  };
  /** How many timers are still set. */
  get pending(): number {
    return this.timers.length;
  }
  async advance(ms: number): Promise<void> {
    const until = this.t + ms;
    for (;;) {
      const due = this.timers.filter((x) => x.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((x) => x !== due);
      this.t = due.at;
      due.fn();
      await flush();
    }
    this.t = until;
  }
}
