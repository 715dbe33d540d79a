import type { Language } from '../../languages';
import { parseNationalNumber } from '../../cascades/domain/national-number';
import { Pseudonymizer } from '../../privacy/pseudonymizer';
import type { ChangeOutcome, ChangeProblem, CodeRequestOutcome, OpenOutcome, PhoneCascade, PhoneChange } from '../../telephony/parent-line/parent-line-machine';
import type { ParentLineDesk } from '../../telephony/parent-line/parent-line-session';
import { CascadeNumber, checkCascadeNumbers, DEFAULT_COUNTRY, ForbiddenNumbers, MAX_CASCADE_NUMBERS } from './cascade-numbers';
import { CURRENT_TERMS_VERSION } from '../legal/legal-documents';
import { callerSubject, LinkLockout } from './link-lockout';
import { ParentChildrenStore, StoredCascadeState } from './parent-children';
import { PortalError } from './portal-error';

/** Port: the code check on a keypad (cards/ContactCodeVerifier.verifyKeys). */
export interface KeypadCodeCheck {
  verifyKeys(nationalNumber: string, keys: string): Promise<{ childId: string } | null>;
}

/** Port: the lost-code request (ParentCalls), with the portal's limits. */
export interface CodeRequests {
  requestCodeByPhone(callerNumber: string, nationalNumber: string): Promise<CodeRequestOutcome>;
}

/** What checkCascadeNumbers reports, as the caller hears it. */
const SPOKEN_PROBLEM: Record<string, ChangeProblem> = {
  invalid: 'invalid',
  'unknown-country': 'invalid',
  'premium-rate': 'not-allowed',
  'country-not-allowed': 'not-allowed',
  'type-not-allowed': 'not-allowed',
  'service-number': 'not-allowed',
  hotline: 'not-allowed',
  duplicate: 'duplicate',
  'too-many': 'full',
};

/**
 * The parents' line's side of the portal (docs/parents-by-phone.md): the same rules as the
 * portal, for a caller who proved with the national number and the contact code typed on the
 * keypad what a parent proves by linking the child. Wrong codes count toward the portal's
 * lock-out (per national number, and per caller as per account). Each change is in the audit
 * trail as made by phone (no account).
 */
export class CascadeByPhone implements ParentLineDesk {
  constructor(
    private readonly codeRequests: CodeRequests,
    private readonly store: ParentChildrenStore,
    private readonly codes: KeypadCodeCheck,
    private readonly lockout: LinkLockout,
    private readonly pseudonymizer: Pseudonymizer,
    private readonly forbidden: ForbiddenNumbers,
  ) {}

  requestCodeByPhone(callerNumber: string, nationalNumber: string): Promise<CodeRequestOutcome> {
    return this.codeRequests.requestCodeByPhone(callerNumber, nationalNumber);
  }

  async openCascade(callerNumber: string, nationalNumber: string, keys: string): Promise<OpenOutcome> {
    const parsed = parseNationalNumber(nationalNumber);
    if (!parsed.valid) return { outcome: 'refused' };
    const subjects = [{ kind: 'national-number' as const, hash: this.pseudonymizer.hash('national-number', parsed.digits) }, callerSubject(this.pseudonymizer, callerNumber)];
    try {
      await this.lockout.assertOpen(subjects);
    } catch (error) {
      if (error instanceof PortalError && error.code === 'link-locked') return { outcome: 'locked' };
      throw error;
    }
    const found = /^\d+$/.test(keys) ? await this.codes.verifyKeys(parsed.digits, keys) : null;
    if (!found) {
      await this.lockout.recordFailure(subjects);
      return { outcome: 'refused' };
    }
    return { outcome: 'opened', cascade: await this.cascade(found.childId) };
  }

  async changeCascade(childId: string, change: PhoneChange, language: Language): Promise<ChangeOutcome> {
    const current = await this.store.cascadeOf(childId);
    const numbers: CascadeNumber[] = (current?.numbers ?? []).map(({ e164, country, label }) => ({ e164, country, label }));
    const refused = async (problem: ChangeProblem): Promise<ChangeOutcome> => ({ outcome: 'refused', problem, cascade: await this.cascade(childId) });
    // A position names the number the caller heard there: if the list changed meanwhile, nothing is done.
    const heard = (c: { position: number; number: string }) => numbers[c.position - 1]?.e164 === c.number;
    switch (change.kind) {
      case 'add': {
        if (numbers.length >= MAX_CASCADE_NUMBERS) return refused('full');
        const check = checkCascadeNumbers([{ number: typedNumber(change.typed), country: DEFAULT_COUNTRY }], this.forbidden);
        if (!check.valid) return refused(SPOKEN_PROBLEM[check.problems[0].code] ?? 'invalid');
        const added = check.numbers[0];
        if (numbers.some((n) => n.e164 === added.e164)) return refused('duplicate');
        await this.store.saveNumbers(childId, [...numbers, added], current ? undefined : language, null);
        break;
      }
      case 'delete':
        if (!heard(change)) return refused('changed');
        // The portal's rule: an active list keeps a number (a paused one too: it may be resumed).
        if (numbers.length === 1 && (current?.status === 'active' || current?.status === 'paused')) return refused('last-number');
        await this.store.saveNumbers(childId, numbers.filter((_, i) => i !== change.position - 1), undefined, null);
        break;
      case 'move-up': {
        if (!heard(change) || change.position < 2) return refused('changed');
        const moved = [...numbers];
        [moved[change.position - 2], moved[change.position - 1]] = [moved[change.position - 1], moved[change.position - 2]];
        await this.store.saveNumbers(childId, moved, undefined, null);
        break;
      }
      case 'activate':
        // The code typed is the current card's: a list blocked by a new card may be activated again, as on the portal.
        if (!current || (current.status !== 'draft' && current.status !== 'blocked') || numbers.length === 0) return refused('changed');
        if (!(await this.store.activate(childId, CURRENT_TERMS_VERSION, null, current.status))) return refused('changed');
        break;
      case 'pause':
      case 'resume':
        if (change.kind === 'resume' && numbers.length === 0) return refused('changed');
        if (!(await this.store.setPaused(childId, change.kind === 'pause', null))) return refused('changed');
        break;
    }
    return { outcome: 'changed', cascade: await this.cascade(childId) };
  }

  private async cascade(childId: string): Promise<PhoneCascade> {
    return phoneCascade(childId, await this.store.cascadeOf(childId));
  }
}

function phoneCascade(childId: string, cascade: StoredCascadeState | null): PhoneCascade {
  return { childId, status: cascade?.status ?? 'none', numbers: (cascade?.numbers ?? []).map((n) => n.e164) };
}

/** Keys as typed: "00" starts an international number (as "+"); any other number is Belgian (the portal's default country). */
export function typedNumber(keys: string): string {
  return keys.startsWith('00') ? `+${keys.slice(2)}` : keys;
}
