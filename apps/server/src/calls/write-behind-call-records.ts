import { LookupLedger, LookupNote } from '../cascades/domain/finder-lookup';
import { CallRecords } from './call-records';

/** The store the write-behind buffer writes to (PgCallRecordStore). */
export interface CallRecordStore extends CallRecords, LookupLedger {
  /** The look-up's own bookkeeping alone (noteLookup without its count): hashes and time of entry. */
  lookupNoted(callId: string, callerHash: Buffer, nationalNumberHash: Buffer, at: Date): Promise<void>;
}

type LegRecord = Parameters<CallRecords['legEnded']>[0];
type CallEndDetails = Parameters<CallRecords['callEnded']>[3];

/** One write the buffer holds until the store takes it, in the order the calls made them. */
export type PendingWrite =
  | { kind: 'callStarted'; callId: string; at: Date }
  | { kind: 'lookupNoted'; callId: string; callerHash: Buffer; nationalNumberHash: Buffer; at: Date }
  | { kind: 'legEnded'; callId: string; leg: LegRecord }
  | { kind: 'callEnded'; callId: string; outcome: string; at: Date; details: CallEndDetails };

export interface WriteBehindTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface WriteBehindLog {
  warn(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
}

export interface WriteBehindOptions {
  /** Writes held at most; past it the oldest is dropped (and logged): memory stays bounded. */
  capacity: number;
  /** Delay before retry n (0-based) after the store refused a write for a passing reason. */
  retryDelayMs: (attempt: number) => number;
  /** How long a look-up waits for the writes before it (its call's start) to be stored. */
  lookupWaitMs: number;
  timers: WriteBehindTimers;
  log: WriteBehindLog;
}

/** 0.5 s, 1 s, 2 s, then every 5 s while PostgreSQL is away. */
export const defaultRetryDelay = (attempt: number): number => Math.min(5_000, 500 * 2 ** attempt);

/**
 * Whether a failed write may succeed later: the database was unreachable, restarting, shutting
 * down or overloaded (no SQLSTATE, or classes 08, 53, 57, 58, 40). A refusal of the statement
 * itself (a constraint, bad data: any other SQLSTATE) never will, and is dropped rather than
 * retried forever in front of every later write.
 */
export function isPassingFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return true;
  return ['08', '53', '57', '58', '40'].includes(code.slice(0, 2));
}

/**
 * The call flow's records, written behind its back: a call never waits on PostgreSQL (a dead or
 * slow database cannot delay a leg), and a record that cannot be written now is kept in memory,
 * in order, and written when the database is back.
 *
 * One lane, in the order the calls made the writes: a call's start is always stored before its
 * legs (leg_records refers to call_records) and its end. A failure for a passing reason pauses
 * the lane and retries with backoff; the writes made meanwhile queue behind it. Bounded by
 * `capacity`; what a killed process held is lost (SIGTERM drains it first, see `drain`).
 */
export class WriteBehindCallRecords implements CallRecords, LookupLedger {
  private readonly pending: PendingWrite[] = [];
  private writing = false;
  private attempt = 0;
  private retryTimer: unknown;
  private dropped = 0;
  private readonly idleWaiters: (() => void)[] = [];
  /** The write being stored now (still at the head of `pending`). */
  private inFlight: PendingWrite | undefined;
  /** Look-ups waiting for their own call's writes, by call id. */
  private readonly callWaiters = new Map<string, (() => void)[]>();

  constructor(
    private readonly store: CallRecordStore,
    private readonly options: WriteBehindOptions,
  ) {}

  /** Writes held, not yet stored. */
  get backlog(): number {
    return this.pending.length;
  }

  /** Writes dropped since the start because the buffer was full or the store refused them. */
  get droppedCount(): number {
    return this.dropped;
  }

  async callStarted(callId: string, at: Date): Promise<void> {
    this.enqueue({ kind: 'callStarted', callId, at });
  }

  async legEnded(leg: LegRecord): Promise<void> {
    this.enqueue({ kind: 'legEnded', callId: leg.callId, leg });
  }

  async callEnded(callId: string, outcome: string, at: Date, details: CallEndDetails): Promise<void> {
    this.enqueue({ kind: 'callEnded', callId, outcome, at, details });
  }

  /**
   * The look-up needs an answer (the count), so it goes to the store at once, after its own
   * call's writes (its start: waited for at most `lookupWaitMs`); other calls' writes never hold
   * it up, so a burst of callers does not make every look-up wait for the whole backlog. When it
   * fails, its bookkeeping is kept like any other write, and the failure goes back to the call
   * flow (which puts the finder through to the hotline).
   */
  async noteLookup(callId: string, callerHashes: Buffer[], nationalNumberHash: Buffer, at: Date, since: Date): Promise<LookupNote> {
    await this.callStored(callId, this.options.lookupWaitMs);
    try {
      return await this.store.noteLookup(callId, callerHashes, nationalNumberHash, at, since);
    } catch (error) {
      if (isPassingFailure(error)) this.enqueue({ kind: 'lookupNoted', callId, callerHash: callerHashes[0], nationalNumberHash, at });
      throw error;
    }
  }

  /** Resolves once every held write is stored, or after `maxWaitMs` (true when all were). */
  async idle(maxWaitMs: number): Promise<boolean> {
    if (this.pending.length === 0 && !this.writing) return true;
    let timer: unknown;
    let waiter: () => void = () => undefined;
    const stored = new Promise<boolean>((resolve) => {
      waiter = () => resolve(true);
      this.idleWaiters.push(waiter);
    });
    const late = new Promise<boolean>((resolve) => (timer = this.options.timers.setTimeout(() => resolve(false), maxWaitMs)));
    const result = await Promise.race([stored, late]);
    this.options.timers.clearTimeout(timer);
    const index = this.idleWaiters.indexOf(waiter);
    if (index >= 0) this.idleWaiters.splice(index, 1);
    return result;
  }

  /** Resolves once no write of this call is held, or after `maxWaitMs` (true when none is). */
  async callStored(callId: string, maxWaitMs: number): Promise<boolean> {
    if (!this.holds(callId)) return true;
    let timer: unknown;
    let waiter: () => void = () => undefined;
    const stored = new Promise<boolean>((resolve) => {
      waiter = () => resolve(true);
      this.callWaiters.set(callId, [...(this.callWaiters.get(callId) ?? []), waiter]);
    });
    const late = new Promise<boolean>((resolve) => (timer = this.options.timers.setTimeout(() => resolve(false), maxWaitMs)));
    const result = await Promise.race([stored, late]);
    this.options.timers.clearTimeout(timer);
    const left = (this.callWaiters.get(callId) ?? []).filter((w) => w !== waiter);
    if (left.length) this.callWaiters.set(callId, left);
    else this.callWaiters.delete(callId);
    return result;
  }

  private holds(callId: string): boolean {
    return this.inFlight?.callId === callId || this.pending.some((write) => write.callId === callId);
  }

  /** Wakes the look-ups whose call has nothing held any more. */
  private wakeCallWaiters(): void {
    for (const [callId, waiters] of this.callWaiters) {
      if (this.holds(callId)) continue;
      this.callWaiters.delete(callId);
      for (const resolve of waiters) resolve();
    }
  }

  /** Shutting down: one last attempt for what is held, bounded; what cannot be written is logged as lost. */
  async drain(maxWaitMs: number): Promise<void> {
    this.options.timers.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    void this.writeNext();
    if (!(await this.idle(maxWaitMs))) {
      this.options.log.warn({ lost: this.pending.length }, 'call records could not be stored before shutdown');
    }
  }

  /** Nest's hook on SIGTERM (before the database pool closes): at most 3 s to store what is held. */
  beforeApplicationShutdown(): Promise<void> {
    return this.drain(3_000);
  }

  private enqueue(write: PendingWrite): void {
    if (this.pending.length >= this.options.capacity) {
      const oldest = this.pending.shift()!;
      this.dropped++;
      this.options.log.warn({ callId: oldest.callId, write: oldest.kind, capacity: this.options.capacity }, 'call record buffer full: the oldest write is dropped');
    }
    this.pending.push(write);
    if (this.retryTimer === undefined) void this.writeNext();
  }

  /** The lane: one write at a time, the oldest first, until the buffer is empty or the store is away. */
  private async writeNext(): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    try {
      while (this.pending.length > 0) {
        const write = this.pending[0];
        this.inFlight = write;
        try {
          await this.send(write);
        } catch (error) {
          if (isPassingFailure(error)) {
            this.inFlight = undefined;
            this.scheduleRetry(error);
            return;
          }
          this.dropped++;
          this.options.log.warn({ callId: write.callId, write: write.kind, reason: (error as Error).message }, 'call record refused by the database: dropped');
        }
        // The head may have been dropped (buffer full) while it was being written.
        if (this.pending[0] === write) this.pending.shift();
        this.inFlight = undefined;
        if (this.callWaiters.size) this.wakeCallWaiters();
        if (this.attempt > 0) {
          this.options.log.info({ backlog: this.pending.length }, 'database back: storing the call records held meanwhile');
          this.attempt = 0;
        }
      }
    } finally {
      this.writing = false;
    }
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private scheduleRetry(error: unknown): void {
    const delay = this.options.retryDelayMs(this.attempt);
    if (this.attempt === 0) this.options.log.warn({ backlog: this.pending.length, reason: (error as Error).message }, 'call records held in memory until the database is back');
    this.attempt++;
    this.retryTimer = this.options.timers.setTimeout(() => {
      this.retryTimer = undefined;
      void this.writeNext();
    }, delay);
  }

  private send(write: PendingWrite): Promise<void> {
    switch (write.kind) {
      case 'callStarted':
        return this.store.callStarted(write.callId, write.at);
      case 'lookupNoted':
        return this.store.lookupNoted(write.callId, write.callerHash, write.nationalNumberHash, write.at);
      case 'legEnded':
        return this.store.legEnded(write.leg);
      case 'callEnded':
        return this.store.callEnded(write.callId, write.outcome, write.at, write.details);
    }
  }
}
