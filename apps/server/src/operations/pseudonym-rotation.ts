import { accountAad } from '../portal/domain/accounts';
import { Encryptor } from '../privacy/encryptor';
import { Pseudonymizer } from '../privacy/pseudonymizer';
import { daysBetween, nationalNumbersBornOn, PseudonymStore } from './domain/pseudonym-rotation';

export interface RehashOutcome {
  /** Children in the database when the run ended. */
  children: number;
  /** Children rewritten from the previous key to the current one by this run. */
  rehashedNow: number;
  /** Children found already under the current key (an earlier run, or created since the change). */
  alreadyCurrent: number;
  /** Children not found under either key among the numbers tried (born before --born-since, or an unknown birth date): still under the previous key. */
  childrenLeft: number;
  /** Children skipped because the new hash was taken meanwhile (ids): see docs/data.md. */
  conflicts: string[];
  /** Parent sign-in hashes recomputed from the sealed e-mail addresses. */
  parentLogins: number;
  /** Hashes of values never kept: they match only while PSEUDONYM_KEY_PREVIOUS is set. */
  notRecomputable: { liveCallerBlocks: number; oidcIdentities: number; unusedRecoveryCodes: number };
}

/**
 * The pseudonym key's rotation (docs/data.md): recomputes, with the current PSEUDONYM_KEY, every
 * keyed hash made with PSEUDONYM_KEY_PREVIOUS that can be recomputed. A keyed hash cannot be
 * reversed, but a child's national number can be found again: the numbers of the children's
 * birth dates are few (about 3,000 a day), so the run hashes each of them with the previous key
 * and looks them up. A child found is rewritten with its new hash, in one transaction with its
 * cards (re-sealed: the hash is their associated data) and the rows that name it by hash. Parents'
 * sign-in hashes are recomputed from their sealed e-mail addresses. The look-ups try both keys
 * meanwhile, so finders and parents are served throughout; the run can be repeated.
 */
export class PseudonymRotation {
  constructor(
    private readonly store: PseudonymStore,
    private readonly pseudonymizer: Pseudonymizer,
    private readonly encryptor: Encryptor,
    private readonly batchSize: number,
  ) {
    if (!pseudonymizer.rotating) throw new Error('no previous pseudonym key: nothing to rotate');
  }

  /**
   * `bornSince`..`bornUntil` (default: 18 years back to today): the birth dates whose numbers are
   * tried. A narrower range is faster (about 3,000 numbers a day, two hashes each); the outcome
   * says how many children it did not reach.
   */
  async run(range: { bornSince?: string; bornUntil?: string; today: string }, progress: (what: string) => void = () => undefined): Promise<RehashOutcome> {
    // Kids-ID cards are for children under 12 and their cascades live 3.5 years: 18 years back covers them.
    const bornSince = range.bornSince ?? `${Number(range.today.slice(0, 4)) - 18}${range.today.slice(4)}`;
    let rehashedNow = 0;
    let alreadyCurrent = 0;
    const conflicts: string[] = [];
    for (const day of daysBetween(bornSince, range.bornUntil ?? range.today)) {
      const numbers = nationalNumbersBornOn(day);
      const byOld = new Map<string, string>();
      const currentHashes: Buffer[] = [];
      for (const nn of numbers) {
        byOld.set(this.pseudonymizer.previousHash('national-number', nn)!.toString('hex'), nn);
        currentHashes.push(this.pseudonymizer.hash('national-number', nn));
      }
      alreadyCurrent += (await this.store.childrenByHash(currentHashes)).length;
      // Progress by year only: a day with a count would tell that a child was born that day.
      if (day.endsWith('-12-31')) progress(`births up to ${day}: ${rehashedNow} child(ren) rehashed so far`);
      const found = await this.store.childrenByHash([...byOld.keys()].map((h) => Buffer.from(h, 'hex')));
      if (found.length === 0) continue;
      const cards = await this.store.sealedCards(found.map((c) => c.childId));
      const children = found.map((child) => {
        const nn = byOld.get(child.hash.toString('hex'))!;
        const newHash = this.pseudonymizer.hash('national-number', nn);
        return {
          childId: child.childId,
          oldHash: child.hash,
          newHash,
          cards: (cards.get(child.childId) ?? []).map((card) => {
            const plain = this.encryptor.open(card.keyId, card.sealed, child.hash);
            const [, , contactCode] = JSON.parse(plain.toString('utf8')) as string[];
            const { keyId, sealed } = this.encryptor.seal(plain, newHash);
            return { id: card.id, keyId, sealed, ingestKey: this.pseudonymizer.hash('card', `${nn}\0${card.issuedOn}\0${contactCode}`) };
          }),
        };
      });
      const { rewritten, conflicts: skipped } = await this.store.rewriteChildren(children);
      rehashedNow += rewritten;
      conflicts.push(...skipped);
    }
    const parentLogins = await this.rehashParentLogins();
    const children = await this.store.countChildren();
    return {
      children,
      rehashedNow,
      alreadyCurrent,
      childrenLeft: Math.max(0, children - rehashedNow - alreadyCurrent),
      conflicts,
      parentLogins,
      notRecomputable: await this.store.unrecomputable(),
    };
  }

  private async rehashParentLogins(): Promise<number> {
    let after: string | null = null;
    let changed = 0;
    for (;;) {
      const accounts = await this.store.parentAccounts(after, this.batchSize);
      const updates: { id: string; loginHash: Buffer }[] = [];
      for (const a of accounts) {
        if (!a.sealed || !a.keyId) continue;
        const { email } = JSON.parse(this.encryptor.open(a.keyId, a.sealed, accountAad(a.id)).toString('utf8')) as { email: string };
        const loginHash = this.pseudonymizer.hash('parent-login', email);
        if (!a.loginHash || !loginHash.equals(a.loginHash)) updates.push({ id: a.id, loginHash });
      }
      if (updates.length > 0) changed += await this.store.rewriteLoginHashes(updates);
      if (accounts.length < this.batchSize) return changed;
      after = accounts[accounts.length - 1].id;
    }
  }
}
