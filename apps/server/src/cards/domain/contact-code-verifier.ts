import { sameSecret } from '../../privacy/encryptor';
import { Pseudonymizer } from '../../privacy/pseudonymizer';
import { CardSealer } from './card-ingest';
import { keypadForm, normalizeContactCode } from './card-record';

/** Port: the child's current card (the newest one, the only one whose code still opens anything). */
export interface CurrentCards {
  /** The card of the child stored under one of these hashes (the first that matches), with the child's hash (its sealed values' associated data). */
  currentCard(nationalNumberHashes: Buffer[]): Promise<{ childId: string; childHash: Buffer; keyId: string; sealed: Buffer } | null>;
}

/**
 * "Is this the code of this child's current card?" — the portal's gate. Codes of superseded cards
 * are gone from the database, so an old letter opens nothing. The comparison takes the same time
 * whether the child exists, the code differs early or late, or the lengths differ.
 */
export class ContactCodeVerifier {
  constructor(
    private readonly cards: CurrentCards,
    private readonly pseudonymizer: Pseudonymizer,
    private readonly sealer: CardSealer,
  ) {}

  async verify(nationalNumber: string, contactCode: string): Promise<{ childId: string } | null> {
    return this.compare(nationalNumber, normalizeContactCode(contactCode), (stored) => stored);
  }

  /**
   * The same check for a code typed on a phone's keypad (digits only: a letter is the key that
   * carries it, docs/parents-by-phone.md). The lock-out bounds the guesses as on the portal.
   */
  async verifyKeys(nationalNumber: string, keys: string): Promise<{ childId: string } | null> {
    return this.compare(nationalNumber, keys, keypadForm);
  }

  private async compare(nationalNumber: string, typed: string, form: (stored: string) => string): Promise<{ childId: string } | null> {
    // Both keys' hashes while the pseudonym key is rotated (docs/data.md), in one statement.
    const card = await this.cards.currentCard(this.pseudonymizer.hashes('national-number', nationalNumber));
    const stored = card ? form(this.sealer.open(card.childHash, card.keyId, card.sealed).contactCode) : '\0no-card';
    const same = sameSecret(typed, stored);
    return card && same ? { childId: card.childId } : null;
  }
}
