import { KeyObject, createHmac, createSecretKey } from 'node:crypto';

/** What a keyed hash stands for; part of the hashed input so a value of one kind never matches another. */
export type PseudonymKind = 'national-number' | 'caller' | 'card' | 'parent-login' | 'oidc-subject' | 'recovery-code' | 'csrf';

/**
 * Keyed hash (HMAC-SHA-256) of personal values, for look-up and counting without storing the
 * values themselves. Without the key, the 11-digit space cannot be brute-forced from a dump.
 */
export class Pseudonymizer {
  /** Imported once: an HMAC from a KeyObject skips re-importing raw key bytes on every hash. */
  private readonly hmacKey: KeyObject;
  private readonly previousHmacKey: KeyObject | null;

  /**
   * `previous`: while the pseudonym key is rotated (PSEUDONYM_KEY_PREVIOUS, docs/data.md), the
   * key the stored hashes not yet recomputed were made with; look-ups try both.
   */
  constructor(
    private readonly key: Buffer,
    previous: Buffer | null = null,
  ) {
    if (key.length < 32) throw new Error('the pseudonym key must be at least 32 bytes');
    if (previous && previous.length < 32) throw new Error('the previous pseudonym key must be at least 32 bytes');
    this.hmacKey = createSecretKey(key);
    this.previousHmacKey = previous ? createSecretKey(previous) : null;
  }

  /** A rotation is in progress: a previous key is set. */
  get rotating(): boolean {
    return this.previousHmacKey !== null;
  }

  /** The key, for a worker thread of this same process (the bulk import's sealers); never to log or send. */
  keyForWorkerThread(): Buffer {
    return this.key;
  }

  hash(kind: PseudonymKind, value: string): Buffer {
    return createHmac('sha256', this.hmacKey).update(`${kind}\0${value}`).digest();
  }

  /** The value's hash under the previous key, or null when no rotation is in progress. */
  previousHash(kind: PseudonymKind, value: string): Buffer | null {
    return this.previousHmacKey ? createHmac('sha256', this.previousHmacKey).update(`${kind}\0${value}`).digest() : null;
  }

  /** Every hash a stored value may have during a rotation: the current key's first. */
  hashes(kind: PseudonymKind, value: string): Buffer[] {
    const previous = this.previousHash(kind, value);
    return previous ? [this.hash(kind, value), previous] : [this.hash(kind, value)];
  }
}
