import { CascadeStatus } from '../../cascades/domain/cascade-status';
import { Language } from '../../languages';

/** Why an operator suspends a cascade (stored in cascades.suspended_reason). */
export const SUSPENSION_REASONS = ['fraud', 'court-order'] as const;
export type SuspensionReason = (typeof SUSPENSION_REASONS)[number];

/** Why an operator blocks a caller number (stored in blocked_callers.reason). */
export const BLOCK_REASONS = ['abuse', 'fraud', 'court-order'] as const;
export type BlockReason = (typeof BLOCK_REASONS)[number];

/** Who acts: an operator's name as they give it (or their system account), recorded in the audit trail. */
export const OPERATOR_NAME_PATTERN = /^[A-Za-z0-9._@-]{1,64}$/;

/** A child as the operator commands see it: ids and states, never a personal value. */
export interface OperatedChild {
  childId: string;
  cascade: { id: string; status: CascadeStatus; suspendedReason: SuspensionReason | null; language: Language } | null;
}

/** A linked parent's sealed contact details, opened by the commands to mail them. */
export interface ParentContact {
  parentId: string;
  keyId: string;
  sealed: Buffer;
}

/** One line of a child's audit trail: who (kind and id), what, on which record, with counts and reasons only. */
export interface AuditLine {
  at: Date;
  actorKind: string;
  actorId: string | null;
  action: string;
  subjectKind: string;
  subjectId: string | null;
  details: Record<string, unknown>;
}

export interface CallLegs {
  call: { id: string; startedAt: Date; endedAt: Date | null; outcome: string | null; language: string | null; cascadeId: string | null; numberEnteredAt: Date | null; connectedAt: Date | null; connectedPosition: string | null };
  legs: { id: string; position: string; result: string; startedAt: Date; endedAt: Date }[];
}

export interface CallerBlock {
  id: string;
  reason: BlockReason;
  blockedAt: Date;
  blockedUntil: Date;
}

/** Port: what the operator commands read and write; every change is stored with its audit event in one transaction. */
export interface OperationsStore {
  findChild(nationalNumberHashes: Buffer[]): Promise<OperatedChild | null>;
  /** Sets (reason) or lifts (null) a suspension; false when it was already so (nothing changed, nothing audited). */
  setSuspension(cascadeId: string, reason: SuspensionReason | null, operator: string): Promise<boolean>;
  parentsOf(childId: string): Promise<ParentContact[]>;
  /** `callerHashes`: the number's hash in each form the trunk may deliver (with and without '+'). */
  blockCaller(callerHashes: Buffer[], reason: BlockReason, until: Date, operator: string): Promise<CallerBlock>;
  /** Lifts every live block of the caller (any of its hashes); returns the blocks lifted. */
  unblockCaller(callerHashes: Buffer[], operator: string): Promise<CallerBlock[]>;
  auditTrail(child: OperatedChild): Promise<AuditLine[]>;
  callLegs(callId: string): Promise<CallLegs | null>;
  /** An audit event of an operator's read (a trail or a call viewed). */
  audit(operator: string, action: string, subjectKind: string, subjectId: string | null, details: Record<string, unknown>): Promise<void>;
}

/** A bad command: the message says what to change; nothing was done. */
export class OperationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OperationError';
  }
}

const DURATION = /^(\d{1,5})(m|h|d)$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** The longest block: a year; beyond it, the operator blocks again. */
export const MAX_BLOCK_MS = 366 * UNIT_MS.d;

/** "30m", "12h", "7d" → milliseconds, from one minute to a year. */
export function parseDuration(text: string): number {
  const match = DURATION.exec(text);
  const ms = match ? Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS] : 0;
  if (!match || ms < UNIT_MS.m || ms > MAX_BLOCK_MS) throw new OperationError(`a duration is a number of minutes, hours or days such as 30m, 12h or 7d, from 1m to 366d (got '${text}')`);
  return ms;
}

/**
 * A caller number typed by an operator → the forms the call flow may see it in (the trunk
 * delivers it with or without '+'; ari-events.ts keeps digits and a leading '+').
 */
export function callerNumberForms(text: string): string[] {
  const digits = text.trim().replace(/^\+/, '').replace(/[\s.-]/g, '');
  if (!/^\d{3,15}$/.test(digits)) throw new OperationError('a caller number is 3 to 15 digits (E.164, with or without +), as the trunk delivers it');
  return [digits, `+${digits}`];
}
