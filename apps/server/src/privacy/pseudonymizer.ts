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

  constructor(private readonly key: Buffer) {
    if (key.length < 32) throw new Error('the pseudonym key must be at least 32 bytes');
    this.hmacKey = createSecretKey(key);
  }

  /** The key, for a worker thread of this same process (the bulk import's sealers); never to log or send. */
  keyForWorkerThread(): Buffer {
    return this.key;
  }

  hash(kind: PseudonymKind, value: string): Buffer {
    return createHmac('sha256', this.hmacKey).update(`${kind}\0${value}`).digest();
  }
}
