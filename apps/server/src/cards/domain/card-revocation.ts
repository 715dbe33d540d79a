import { checkNationalNumber } from '../../cascades/domain/national-number';
import { Pseudonymizer } from '../../privacy/pseudonymizer';
import { AuditActor, IngestError, MAX_BATCH_SIZE } from './card-ingest';
import { isCalendarDay } from './card-record';

/** One card declared lost or stolen, as the issuing authority names it: the child and the card's creation date. */
export interface RevocationInput {
  nationalNumber: string;
  issuedOn: string;
}

export interface RevocationProblem {
  field: keyof RevocationInput | 'record';
  problem: 'not-an-object' | 'missing' | 'not-a-string' | 'length' | 'not-digits' | 'check-digits' | 'date';
}

/**
 * - revoked: the card's code and names are erased now;
 * - already-revoked: an earlier request did it (a retried batch changes nothing);
 * - not-found: no card of that child was issued that day.
 */
export type RevocationOutcome = 'revoked' | 'already-revoked' | 'not-found';

export interface RevocationReport {
  received: number;
  accepted: { index: number; outcome: RevocationOutcome }[];
  rejected: { index: number; problems: RevocationProblem[] }[];
  /** Cascades blocked (reason `card-revoked`) because their child's newest card was revoked. */
  blockedCascades: number;
}

/** Port: revokes the named cards in one transaction and blocks the cascades whose newest card it was. */
export interface RevocationStore {
  revoke(cards: { nationalNumberHash: Buffer; issuedOn: string }[], actor: AuditActor): Promise<{ outcomes: RevocationOutcome[]; blockedCascades: number }>;
}

/** Checks one revocation record: a valid national number and a real day. Every problem is reported. */
export function checkRevocation(raw: unknown): { valid: true; revocation: RevocationInput } | { valid: false; problems: RevocationProblem[] } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { valid: false, problems: [{ field: 'record', problem: 'not-an-object' }] };
  const input = raw as Record<string, unknown>;
  const problems: RevocationProblem[] = [];
  const text = (field: keyof RevocationInput): string | undefined => {
    const value = input[field];
    if (value === undefined || value === null || value === '') problems.push({ field, problem: 'missing' });
    else if (typeof value !== 'string') problems.push({ field, problem: 'not-a-string' });
    else return value;
    return undefined;
  };
  const nationalNumber = text('nationalNumber');
  if (nationalNumber !== undefined) {
    const check = checkNationalNumber(nationalNumber);
    if (!check.valid) problems.push({ field: 'nationalNumber', problem: check.reason });
  }
  const issuedOn = text('issuedOn');
  if (issuedOn !== undefined && !isCalendarDay(issuedOn)) problems.push({ field: 'issuedOn', problem: 'date' });
  if (problems.length > 0) return { valid: false, problems };
  return { valid: true, revocation: { nationalNumber: nationalNumber!, issuedOn: issuedOn! } };
}

/**
 * A lost or stolen card declared to the issuing authority: its contact code stops opening
 * anything, and the child's cascade, if that card was the newest, is blocked until a parent
 * re-activates it with the code of a new card. Idempotent: a batch sent again changes nothing.
 */
export class CardRevocationService {
  constructor(
    private readonly store: RevocationStore,
    private readonly pseudonymizer: Pseudonymizer,
  ) {}

  async revoke(batch: unknown, actor: AuditActor): Promise<RevocationReport> {
    if (!Array.isArray(batch)) throw new IngestError('not-a-batch', 'the body must be {"revocations": [...]}, a list of {nationalNumber, issuedOn}');
    if (batch.length === 0) throw new IngestError('empty-batch', 'the batch holds no revocation');
    if (batch.length > MAX_BATCH_SIZE) throw new IngestError('batch-too-large', `a batch holds at most ${MAX_BATCH_SIZE} revocations, this one ${batch.length}: split it`);

    const rejected: RevocationReport['rejected'] = [];
    const valid: { index: number; nationalNumberHash: Buffer; issuedOn: string }[] = [];
    batch.forEach((raw, index) => {
      const check = checkRevocation(raw);
      if (check.valid) valid.push({ index, nationalNumberHash: this.pseudonymizer.hash('national-number', check.revocation.nationalNumber), issuedOn: check.revocation.issuedOn });
      else rejected.push({ index, problems: check.problems });
    });
    const { outcomes, blockedCascades } = valid.length > 0 ? await this.store.revoke(valid, actor) : { outcomes: [], blockedCascades: 0 };
    return { received: batch.length, accepted: valid.map(({ index }, i) => ({ index, outcome: outcomes[i] })), rejected, blockedCascades };
  }
}
