import { EncryptionKeys, Encryptor } from '../../privacy/encryptor';
import { Pseudonymizer } from '../../privacy/pseudonymizer';
import { CardProblem, CardRecord, checkCardRecord } from './card-record';

export const MAX_BATCH_SIZE = 10_000;

/** Who did it, for the audit trail: an id (token, account, command), never a personal value. */
export interface AuditActor {
  kind: 'authority' | 'parent' | 'operator' | 'system';
  id: string;
}

/** A valid card ready to store: keyed hashes and one sealed value, nothing in clear. */
export interface PreparedCard {
  nationalNumberHash: Buffer;
  /** Keyed hash of national number + issue date + code: the same card sent twice is stored once. */
  ingestKey: Buffer;
  issuedOn: string;
  keyId: string;
  sealed: Buffer;
}

/** What a card reveals once opened (phone recovery of the code, the child's first name). */
export interface CardSecrets {
  firstName: string;
  lastName: string;
  contactCode: string;
}

/** Port: where cards go. Stores a batch in one transaction and applies the new-card rule. */
export interface CardStore {
  store(cards: PreparedCard[], audit: { actor: AuditActor; rejected: number }): Promise<{ created: Buffer[]; blockedCascades: number }>;
}

export type IngestErrorCode = 'not-a-batch' | 'empty-batch' | 'batch-too-large';

/** A batch refused as a whole: nothing was stored. */
export class IngestError extends Error {
  constructor(
    readonly code: IngestErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'IngestError';
  }
}

export interface IngestReport {
  received: number;
  accepted: { index: number; outcome: 'created' | 'already-present' }[];
  rejected: { index: number; problems: CardProblem[] }[];
  /** Active and paused cascades blocked because their child got a new card (and so a new code). */
  blockedCascades: number;
}

/** Hashes and seals cards; opens them again. The only place that knows the sealed layout. */
export class CardSealer {
  constructor(
    private readonly pseudonymizer: Pseudonymizer,
    private readonly encryptor: Encryptor,
  ) {}

  /** What a worker thread needs to build the same sealer (card-seal-worker.ts). */
  keysForWorkerThread(): { pseudonymKey: Buffer; encryption: EncryptionKeys } {
    return { pseudonymKey: this.pseudonymizer.keyForWorkerThread(), encryption: this.encryptor.keyRingForWorkerThread() };
  }

  prepare(card: CardRecord): PreparedCard {
    const nationalNumberHash = this.pseudonymizer.hash('national-number', card.nationalNumber);
    const ingestKey = this.pseudonymizer.hash('card', `${card.nationalNumber}\0${card.issuedOn}\0${card.contactCode}`);
    // The child's hash as associated data: a sealed value copied to another child's row does not open.
    const { keyId, sealed } = this.encryptor.seal(JSON.stringify([card.firstName, card.lastName, card.contactCode]), nationalNumberHash);
    return { nationalNumberHash, ingestKey, issuedOn: card.issuedOn, keyId, sealed };
  }

  open(nationalNumberHash: Buffer, keyId: string, sealed: Buffer): CardSecrets {
    const [firstName, lastName, contactCode] = JSON.parse(this.encryptor.open(keyId, sealed, nationalNumberHash).toString('utf8')) as string[];
    return { firstName, lastName, contactCode };
  }

  /** Re-seals with the current key (key rotation). */
  reseal(nationalNumberHash: Buffer, keyId: string, sealed: Buffer): { keyId: string; sealed: Buffer } {
    return this.encryptor.seal(this.encryptor.open(keyId, sealed, nationalNumberHash), nationalNumberHash);
  }
}

/**
 * The issuing authority's batch: each record checked on its own (a bad one does not sink the
 * others), the good ones stored together. Retrying a batch stores nothing twice.
 */
export class CardIngestService {
  constructor(
    private readonly store: CardStore,
    private readonly sealer: CardSealer,
    private readonly today: () => string,
  ) {}

  async ingest(batch: unknown, actor: AuditActor): Promise<IngestReport> {
    if (!Array.isArray(batch)) throw new IngestError('not-a-batch', 'the body must be {"cards": [...]}, a list of card records');
    if (batch.length === 0) throw new IngestError('empty-batch', 'the batch holds no card');
    if (batch.length > MAX_BATCH_SIZE) throw new IngestError('batch-too-large', `a batch holds at most ${MAX_BATCH_SIZE} cards, this one ${batch.length}: split it`);

    const today = this.today();
    const rejected: IngestReport['rejected'] = [];
    const valid: { index: number; card: PreparedCard; key: string }[] = [];
    const firstIndexOfKey = new Map<string, number>();
    batch.forEach((raw, index) => {
      const check = checkCardRecord(raw, today);
      if (!check.valid) {
        rejected.push({ index, problems: check.problems });
        return;
      }
      const card = this.sealer.prepare(check.card);
      const key = card.ingestKey.toString('hex');
      if (!firstIndexOfKey.has(key)) firstIndexOfKey.set(key, index);
      valid.push({ index, card, key });
    });

    const unique = valid.filter((v) => firstIndexOfKey.get(v.key) === v.index).map((v) => v.card);
    const { created, blockedCascades } = unique.length > 0 ? await this.store.store(unique, { actor, rejected: rejected.length }) : { created: [], blockedCascades: 0 };
    const createdKeys = new Set(created.map((k) => k.toString('hex')));
    const accepted = valid.map(({ index, key }) => ({
      index,
      // A record repeated inside the batch is created once; its repeats are already present.
      outcome: createdKeys.has(key) && firstIndexOfKey.get(key) === index ? ('created' as const) : ('already-present' as const),
    }));
    return { received: batch.length, accepted, rejected, blockedCascades };
  }
}
