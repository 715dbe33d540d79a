import { parseNationalNumber } from '../cascades/domain/national-number';
import { Language } from '../languages';
import { Mailer } from '../portal/domain/mailer';
import { mailText } from '../portal/domain/mail-texts';
import { accountAad } from '../portal/domain/accounts';
import { Encryptor } from '../privacy/encryptor';
import { Pseudonymizer } from '../privacy/pseudonymizer';
import {
  AuditLine,
  BlockReason,
  CallerBlock,
  callerNumberForms,
  CallLegs,
  OperatedChild,
  OperationError,
  OperationsStore,
  SuspensionReason,
} from './domain/operations';

const CALL_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The operators' use cases (npm run ops): suspend and resume a cascade, block and unblock a
 * caller, read a child's audit trail and a call's legs. The child is named by its national number
 * and the caller by its number, both typed by the operator; only their keyed hashes reach the
 * store. Every action, reads included, leaves an audit event naming the operator.
 */
export class OperatorCommands {
  constructor(
    private readonly store: OperationsStore,
    private readonly pseudonymizer: Pseudonymizer,
    private readonly encryptor: Encryptor,
    private readonly mailer: Mailer,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Suspends the child's cascade and mails its linked parents, in the cascade's language. */
  async suspend(operator: string, typedNationalNumber: string, reason: SuspensionReason): Promise<{ cascadeId: string; changed: boolean; parentsMailed: number }> {
    const child = await this.childWithCascade(typedNationalNumber);
    const cascade = child.cascade!;
    const changed = await this.store.setSuspension(cascade.id, reason, operator);
    const parentsMailed = changed ? await this.tellParents(child.childId, 'cascade-suspended', cascade.language) : 0;
    return { cascadeId: cascade.id, changed, parentsMailed };
  }

  /** Lifts the suspension and mails the linked parents. */
  async resume(operator: string, typedNationalNumber: string): Promise<{ cascadeId: string; changed: boolean; parentsMailed: number }> {
    const child = await this.childWithCascade(typedNationalNumber);
    const cascade = child.cascade!;
    const changed = await this.store.setSuspension(cascade.id, null, operator);
    const parentsMailed = changed ? await this.tellParents(child.childId, 'cascade-resumed', cascade.language) : 0;
    return { cascadeId: cascade.id, changed, parentsMailed };
  }

  /** Blocks a caller number for `durationMs` from now: its finders go to the hotline. */
  async blockCaller(operator: string, typedCallerNumber: string, durationMs: number, reason: BlockReason): Promise<CallerBlock> {
    const hashes = this.callerHashes(typedCallerNumber);
    return this.store.blockCaller(hashes, reason, new Date(this.now().getTime() + durationMs), operator);
  }

  /** Lifts every live block of a caller number; an error when none was live. */
  async unblockCaller(operator: string, typedCallerNumber: string): Promise<CallerBlock[]> {
    const lifted = await this.store.unblockCaller(this.callerHashes(typedCallerNumber), operator);
    if (lifted.length === 0) throw new OperationError('this caller number has no block in force');
    return lifted;
  }

  /** The child's audit trail, oldest first; the reading itself is audited. */
  async auditTrail(operator: string, typedNationalNumber: string): Promise<{ child: OperatedChild; lines: AuditLine[] }> {
    const child = await this.child(typedNationalNumber);
    const lines = await this.store.auditTrail(child);
    await this.store.audit(operator, 'child.audit-viewed', 'child', child.childId, { lines: lines.length });
    return { child, lines };
  }

  /** A call's record and legs; the reading itself is audited. */
  async callLegs(operator: string, callId: string): Promise<CallLegs> {
    if (!CALL_ID.test(callId)) throw new OperationError('a call id is a UUID, as in the logs (callId)');
    const call = await this.store.callLegs(callId.toLowerCase());
    if (!call) throw new OperationError(`no call record with id ${callId} (call records are kept CALL_RECORD_RETENTION_DAYS days)`);
    await this.store.audit(operator, 'call.legs-viewed', 'call', call.call.id, { legs: call.legs.length });
    return call;
  }

  /** An operator's action with no record of its own (a key rotation): counts only. */
  async audit(operator: string, action: string, details: Record<string, unknown>): Promise<void> {
    await this.store.audit(operator, action, 'keys', null, details);
  }

  private async child(typedNationalNumber: string): Promise<OperatedChild> {
    const parsed = parseNationalNumber(typedNationalNumber.trim());
    if (!parsed.valid) throw new OperationError(`not a valid national register number (${parsed.reason}): 11 digits with their check digits`);
    const child = await this.store.findChild(this.pseudonymizer.hashes('national-number', parsed.digits));
    if (!child) throw new OperationError('no child with this national register number');
    return child;
  }

  private async childWithCascade(typedNationalNumber: string): Promise<OperatedChild> {
    const child = await this.child(typedNationalNumber);
    if (!child.cascade) throw new OperationError('this child has no cascade (its parents have not set one up, or deleted it): finders already reach the hotline');
    return child;
  }

  private callerHashes(typed: string): Buffer[] {
    return callerNumberForms(typed).flatMap((form) => this.pseudonymizer.hashes('caller', form));
  }

  /** Mails every linked parent whose contact details open; returns how many were handed to the mailer. */
  private async tellParents(childId: string, kind: 'cascade-suspended' | 'cascade-resumed', language: Language): Promise<number> {
    let mailed = 0;
    for (const parent of await this.store.parentsOf(childId)) {
      let email: string;
      try {
        email = (JSON.parse(this.encryptor.open(parent.keyId, parent.sealed, accountAad(parent.parentId)).toString('utf8')) as { email: string }).email;
      } catch {
        continue; // a key removed too early: this parent cannot be reached (the command reports the count)
      }
      await this.mailer.send({ to: email, ...mailText(kind, language) });
      mailed += 1;
    }
    return mailed;
  }
}
