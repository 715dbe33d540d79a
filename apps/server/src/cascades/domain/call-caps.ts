/**
 * How much the service dials, whoever asks: the line dials out at the operator's cost, so a
 * script calling in a loop, or one child's card copied and passed around, must not turn it into
 * a free dialler. A call over any cap goes to the hotline (never silence, never a refusal): the
 * hotline leg itself is never capped.
 *
 * The counts come from the call and leg records in PostgreSQL, so every node of a deployment
 * sees the same ones (adapter: calls/persistence/pg-call-record-store.ts).
 */

/** Which cap a call was over; the metric's label (alloparents_limit_refusals_total). */
export type CapLimit = 'calls-per-cascade' | 'calls-per-caller' | 'legs-per-cascade-per-day' | 'legs-per-day';

export interface CallCaps {
  /** Finder calls in progress for one cascade (MAX_CALLS_PER_CASCADE). */
  maxCallsPerCascade: number;
  /** Calls in progress from one caller number that reached a cascade (MAX_CALLS_PER_CALLER). */
  maxCallsPerCaller: number;
  /** Parent legs dialled for one cascade in the last 24 hours (MAX_LEGS_PER_CASCADE_PER_DAY). */
  maxLegsPerCascadePerDay: number;
  /** Parent legs the whole service dialled in the last 24 hours (MAX_LEGS_PER_DAY). */
  maxLegsPerDay: number;
  /** How long a call whose end was never recorded counts as in progress (see openCallMaxAgeMs). */
  openCallMaxAgeMs: number;
}

/** What is already going on, not counting the call being decided. */
export interface CapCounts {
  cascadeCalls: number;
  callerCalls: number;
  cascadeLegsToday: number;
  serviceLegsToday: number;
}

/**
 * A call still open after this long no longer counts as in progress: a node that crashed
 * mid-call never records its end, and must not lock a cascade or a caller out for ever. Asterisk
 * bounds the finder's wait and the connected call by MAX_CALL_MINUTES each, so a call that is
 * really going on is never older than twice that; five minutes on top for the hang-up and clocks.
 */
export function openCallMaxAgeMs(maxCallSeconds: number): number {
  return 2 * maxCallSeconds * 1000 + 5 * 60_000;
}

/** The window of the "per day" caps: the last 24 hours (a sliding window, not a calendar day). */
export const CAP_DAY_MS = 86_400_000;

/** The first cap this call would exceed, or null when it may ring the parents. */
export function exceededCap(counts: CapCounts, caps: CallCaps): CapLimit | null {
  if (counts.serviceLegsToday >= caps.maxLegsPerDay) return 'legs-per-day';
  if (counts.cascadeLegsToday >= caps.maxLegsPerCascadePerDay) return 'legs-per-cascade-per-day';
  if (counts.cascadeCalls >= caps.maxCallsPerCascade) return 'calls-per-cascade';
  if (counts.callerCalls >= caps.maxCallsPerCaller) return 'calls-per-caller';
  return null;
}

/** Port: admits a call to a cascade against the caps, atomically with respect to other calls. */
export interface CallAdmission {
  /**
   * Counts what is going on (calls open since `openSince`, legs since `legsSince`), asks `decide`,
   * and unless it names a cap, records the call as ringing this cascade, so the next call
   * counts it. Two calls for the same cascade or from the same caller are decided one after the
   * other, never both on the same counts. `callerHash` null: no caller number, no per-caller cap.
   */
  admit(
    call: { callId: string; cascadeId: string; callerHash: Buffer | null },
    window: { openSince: Date; legsSince: Date },
    decide: (counts: CapCounts) => CapLimit | null,
  ): Promise<CapLimit | null>;
}
