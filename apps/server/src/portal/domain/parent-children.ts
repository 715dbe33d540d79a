import { Language } from '../../languages';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { sameSecret } from '../../privacy/encryptor';
import { Pseudonymizer } from '../../privacy/pseudonymizer';
import { parseNationalNumber } from '../../cascades/domain/national-number';
import { normalizeContactCode } from '../../cards/domain/card-record';
import { CascadeNumber, CascadeNumberInput, ForbiddenNumbers, checkCascadeNumbers } from './cascade-numbers';
import { LinkLockout, accountSubject } from './link-lockout';
import { CURRENT_TERMS_VERSION, termsVersionProblem } from '../legal/legal-documents';
import { FieldProblem, PortalError } from './portal-error';
import { CascadeStatus } from '../../cascades/domain/cascade-status';

// The terms' version lives with their text (portal/legal): one source for the check, the view and the UI.
export { CURRENT_TERMS_VERSION } from '../legal/legal-documents';

export type { CascadeStatus } from '../../cascades/domain/cascade-status';

export interface StoredCascadeState {
  id: string;
  status: CascadeStatus;
  blockedReason: string | null;
  /** Since when the cascade is not active (null while active); for a paused one, the time of the pause. */
  inactiveSince: Date | null;
  language: Language;
  activatedAt: Date | null;
  termsVersion: string | null;
  termsAcceptedAt: Date | null;
  updatedAt: Date;
  numbers: (CascadeNumber & { position: number })[];
}

/** The child's newest card, sealed; opened only to show the name or compare a code. */
export interface SealedCard {
  nationalNumberHash: Buffer;
  keyId: string;
  sealed: Buffer;
}

export interface LinkedChild {
  childId: string;
  linkedAt: Date;
  card: SealedCard | null;
  cascade: StoredCascadeState | null;
}

/** Port: the children a parent manages, and their cascades. */
export interface ParentChildrenStore {
  link(parentId: string, childId: string): Promise<void>;
  unlink(parentId: string, childId: string): Promise<boolean>;
  isLinked(parentId: string, childId: string): Promise<boolean>;
  children(parentId: string): Promise<LinkedChild[]>;
  child(parentId: string, childId: string): Promise<LinkedChild | null>;
  /** The child's cascade with its numbers, whoever manages it (the parents' line, after the contact code). */
  cascadeOf(childId: string): Promise<StoredCascadeState | null>;
  /** Replaces the numbers in order; creates the cascade as a draft if the child has none; the status is kept. `actor` null: by phone. */
  saveNumbers(childId: string, numbers: CascadeNumber[], language: Language | undefined, actor: string | null): Promise<void>;
  /** Activates if the status is still `expectedStatus` (a new card may have blocked it meanwhile). `actor` null: by phone. */
  activate(childId: string, termsVersion: string, actor: string | null, expectedStatus: CascadeStatus): Promise<boolean>;
  /** Pauses an active cascade (paused=true) or resumes a paused one (paused=false); false if it was not in that state. `actor` null = by phone (audit details {by:'phone'}). */
  setPaused(childId: string, paused: boolean, actor: string | null): Promise<boolean>;
  deleteCascade(childId: string, actor: string): Promise<boolean>;
  /** Pauses an active cascade (paused=true) or resumes a paused one (paused=false); false if it was not in that state. `actor` null = by phone (audit details {by:'phone'}). */
  setPaused(childId: string, paused: boolean, actor: string | null): Promise<boolean>;
}

/** Port: "is this the code of the current card of the child with this national number?" (cards/ContactCodeVerifier). */
export interface ContactCodeCheck {
  verify(nationalNumber: string, contactCode: string): Promise<{ childId: string } | null>;
}

/** Port: opens a card's sealed values (cards/CardSealer). */
export interface CardOpener {
  open(nationalNumberHash: Buffer, keyId: string, sealed: Buffer): { firstName: string; lastName: string; contactCode: string };
}

export interface ChildView {
  id: string;
  firstName: string | null;
  linkedAt: string;
  cascadeStatus: CascadeStatus | null;
}

export interface CascadeView {
  childId: string;
  status: CascadeStatus | null;
  blockedReason: string | null;
  /** When a parent paused the cascade; null unless it is paused. */
  pausedAt: string | null;
  language: Language | null;
  activatedAt: string | null;
  termsVersion: string | null;
  termsAcceptedAt: string | null;
  currentTermsVersion: string;
  /**
   * The number the parents' phones show when the service calls them, in international format, so
   * they can save it as a contact; null when they are shown the finder's own number instead.
   */
  callerNumber: string | null;
  /** `number` is E.164; `formatted` the same number grouped for reading (`+32 470 12 34 56`). */
  numbers: { position: number; number: string; formatted: string; country: string; label: string }[];
}

/** The one answer to a wrong code and to an unknown number: nothing tells them apart. */
export const LINK_REFUSED = 'this national register number and contact code do not match a card we can link: check both against the letter that came with the card';

/**
 * What a signed-in parent does with children: link one with the card's number and code, see and
 * edit its cascade, activate it (consent), pause and resume it, delete it. A child not linked to
 * this parent does not exist for them (not-found), whoever else manages it.
 */
export class ParentChildren {
  constructor(
    private readonly store: ParentChildrenStore,
    private readonly codes: ContactCodeCheck,
    private readonly cards: CardOpener,
    private readonly lockout: LinkLockout,
    private readonly pseudonymizer: Pseudonymizer,
    private readonly forbidden: ForbiddenNumbers,
    /** E.164 (with or without +) of the service's caller ID towards parents; null when legs show the finder's number. */
    callerNumber: string | null = null,
  ) {
    this.callerNumber = callerNumber === null ? null : displayNumber(callerNumber);
  }

  private readonly callerNumber: string | null;

  async link(parentId: string, rawNationalNumber: string, contactCode: string): Promise<ChildView> {
    const parsed = parseNationalNumber(rawNationalNumber);
    if (!parsed.valid) throw PortalError.invalidNationalNumber(parsed.reason);
    const nationalNumber = parsed.digits;
    const subjects = [{ kind: 'national-number' as const, hash: this.pseudonymizer.hash('national-number', nationalNumber) }, accountSubject(parentId)];
    await this.lockout.assertOpen(subjects);
    const found = await this.codes.verify(nationalNumber, contactCode);
    if (!found) {
      await this.lockout.recordFailure(subjects);
      throw new PortalError('link-refused', LINK_REFUSED);
    }
    await this.store.link(parentId, found.childId);
    return this.childView((await this.store.child(parentId, found.childId))!);
  }

  async unlink(parentId: string, childId: string): Promise<void> {
    if (!isUuid(childId) || !(await this.store.unlink(parentId, childId))) throw PortalError.notFound();
  }

  async list(parentId: string): Promise<ChildView[]> {
    return (await this.store.children(parentId)).map((c) => this.childView(c));
  }

  async cascade(parentId: string, childId: string): Promise<CascadeView> {
    return this.cascadeView(await this.linked(parentId, childId));
  }

  async saveCascade(parentId: string, childId: string, inputs: CascadeNumberInput[], language?: Language): Promise<CascadeView> {
    const child = await this.linked(parentId, childId);
    const check = checkCascadeNumbers(inputs, this.forbidden);
    if (!check.valid) throw PortalError.invalid(check.problems, 'the list of numbers was not saved: see fields');
    // A paused cascade rings again as soon as it is resumed: it keeps at least one number too.
    if (check.numbers.length === 0 && (child.cascade?.status === 'active' || child.cascade?.status === 'paused')) {
      throw PortalError.invalid([{ field: 'numbers', code: 'empty-active', message: 'an active or paused cascade needs at least one number: add one, or delete the cascade' }]);
    }
    await this.store.saveNumbers(childId, check.numbers, language, parentId);
    return this.cascade(parentId, childId);
  }

  /**
   * Consent: records the terms version and time. A cascade blocked because a new card was issued
   * needs the new card's code, checked like a link (and counted by the same lock-out).
   */
  async activate(parentId: string, childId: string, termsVersion: string, contactCode?: string): Promise<CascadeView> {
    const child = await this.linked(parentId, childId);
    const problems: FieldProblem[] = [];
    const terms = termsVersionProblem(termsVersion);
    if (terms) problems.push({ field: 'termsVersion', ...terms });
    if (!child.cascade || child.cascade.numbers.length === 0) {
      problems.push({ field: 'numbers', code: 'empty', message: 'add at least one number before activating the cascade' });
    }
    const blocked = child.cascade?.status === 'blocked';
    if (blocked && !contactCode) {
      problems.push({ field: 'contactCode', code: 'required', message: 'a new card was issued for this child: enter the contact code from the new letter to re-activate' });
    }
    if (problems.length > 0) throw PortalError.invalid(problems, 'the cascade was not activated: see fields');
    if (blocked) await this.checkCurrentCode(parentId, child, contactCode!);
    if (!(await this.store.activate(childId, termsVersion, parentId, child.cascade!.status))) {
      throw new PortalError('conflict', 'the cascade changed meanwhile (a new card may have been issued): reload it and try again');
    }
    return this.cascade(parentId, childId);
  }

  /**
   * Pauses an active cascade: until it is resumed it calls no one, and a finder is put through to
   * the hotline as for any number without an active cascade.
   */
  async pause(parentId: string, childId: string): Promise<CascadeView> {
    return this.setPaused(parentId, childId, true);
  }

  /** Resumes a paused cascade: active again at once, with the consent given at its activation. */
  async resume(parentId: string, childId: string): Promise<CascadeView> {
    return this.setPaused(parentId, childId, false);
  }

  private async setPaused(parentId: string, childId: string, paused: boolean): Promise<CascadeView> {
    const child = await this.linked(parentId, childId);
    if (!child.cascade) throw PortalError.notFound('cascade');
    const refusal = paused ? pauseRefusal(child.cascade.status) : resumeRefusal(child.cascade.status);
    if (refusal) throw new PortalError('conflict', refusal);
    if (!(await this.store.setPaused(childId, paused, parentId))) {
      throw new PortalError('conflict', 'the cascade changed meanwhile (a new card may have been issued): reload it and try again');
    }
    return this.cascade(parentId, childId);
  }

  async deleteCascade(parentId: string, childId: string): Promise<void> {
    await this.linked(parentId, childId);
    if (!(await this.store.deleteCascade(childId, parentId))) throw PortalError.notFound('cascade');
  }

  childView(child: LinkedChild): ChildView {
    return {
      id: child.childId,
      firstName: child.card ? this.cards.open(child.card.nationalNumberHash, child.card.keyId, child.card.sealed).firstName : null,
      linkedAt: child.linkedAt.toISOString(),
      cascadeStatus: child.cascade?.status ?? null,
    };
  }

  cascadeView(child: LinkedChild): CascadeView {
    const c = child.cascade;
    return {
      childId: child.childId,
      status: c?.status ?? null,
      blockedReason: c?.blockedReason ?? null,
      pausedAt: c?.status === 'paused' ? (c.inactiveSince?.toISOString() ?? null) : null,
      language: c?.language ?? null,
      activatedAt: c?.activatedAt?.toISOString() ?? null,
      termsVersion: c?.termsVersion ?? null,
      termsAcceptedAt: c?.termsAcceptedAt?.toISOString() ?? null,
      currentTermsVersion: CURRENT_TERMS_VERSION,
      callerNumber: this.callerNumber,
      numbers: (c?.numbers ?? []).map((n) => ({ position: n.position, number: n.e164, formatted: displayNumber(n.e164), country: n.country, label: n.label })),
    };
  }

  private async checkCurrentCode(parentId: string, child: LinkedChild, contactCode: string): Promise<void> {
    const subjects = [accountSubject(parentId), ...(child.card ? [{ kind: 'national-number' as const, hash: child.card.nationalNumberHash }] : [])];
    await this.lockout.assertOpen(subjects);
    const stored = child.card ? this.cards.open(child.card.nationalNumberHash, child.card.keyId, child.card.sealed).contactCode : '\0no-card';
    if (!sameSecret(normalizeContactCode(contactCode), stored) || !child.card) {
      await this.lockout.recordFailure(subjects);
      throw PortalError.invalid([{ field: 'contactCode', code: 'wrong-code', message: "this is not the code of the child's current card: use the letter that came with the newest card" }]);
    }
  }

  private async linked(parentId: string, childId: string): Promise<LinkedChild> {
    const child = isUuid(childId) ? await this.store.child(parentId, childId) : null;
    if (!child) throw PortalError.notFound();
    return child;
  }
}

/** Why a cascade in this status cannot be paused (null: it can). */
function pauseRefusal(status: CascadeStatus): string | null {
  switch (status) {
    case 'active':
      return null;
    case 'paused':
      return 'the cascade is already paused';
    case 'draft':
      return 'only an active cascade can be paused: this one is a draft and calls no one yet';
    case 'blocked':
      return 'only an active cascade can be paused: this one is blocked and calls no one until it is re-activated with the code of the new card';
  }
}

/** Why a cascade in this status cannot be resumed (null: it can). */
function resumeRefusal(status: CascadeStatus): string | null {
  switch (status) {
    case 'paused':
      return null;
    case 'active':
      return 'the cascade is not paused: it is already active';
    case 'draft':
      return 'only a paused cascade can be resumed: a draft is activated by accepting the terms of use';
    case 'blocked':
      return 'only a paused cascade can be resumed: a blocked cascade is re-activated with the code of the new card';
  }
}

/** `+32 78 15 00 00`: grouped the way the country writes it (the digits alone if libphonenumber does not know them). */
function displayNumber(e164: string): string {
  const digits = `+${e164.replace(/^\+/, '')}`;
  return parsePhoneNumberFromString(digits)?.formatInternational() ?? digits;
}

export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
