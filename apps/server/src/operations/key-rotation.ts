import { accountAad } from '../portal/domain/accounts';
import { totpAad } from '../portal/domain/totp';
import { DecryptionError, Encryptor } from '../privacy/encryptor';
import { SEALED_TABLES, SealedRow, SealedTable, SealedValueStore } from './domain/key-rotation';

export interface ResealOutcome {
  /** Values re-sealed with the current key, per table. */
  resealed: Record<SealedTable, number>;
  /** Values that would not open (a key missing from ENCRYPTION_KEYS, or damage), per table: left as they are. */
  failed: Record<SealedTable, number>;
  /** After the run: how many values each key id still seals. */
  remaining: Record<SealedTable, Record<string, number>>;
}

/**
 * Re-seals every value not sealed with the current encryption key (the first of ENCRYPTION_KEYS),
 * so an older key can be removed. Runs beside the service: batches of `batchSize` rows, each in
 * its own short transaction that skips rows the app holds at that moment (a later run takes them);
 * a value's associated data stays what it was (the child's keyed hash, the account).
 */
export class KeyRotation {
  constructor(
    private readonly store: SealedValueStore,
    private readonly encryptor: Encryptor,
    private readonly batchSize: number,
  ) {}

  async resealAll(progress: (table: SealedTable, resealed: number) => void = () => undefined): Promise<ResealOutcome> {
    const resealed = { cards: 0, parent_accounts: 0, parent_totp: 0 };
    const failed = { cards: 0, parent_accounts: 0, parent_totp: 0 };
    for (const table of SEALED_TABLES) {
      let after: string | null = null;
      for (;;) {
        const batch: { seen: number; lastId: string | null; rewritten: number } = await this.store.resealBatch(table, this.encryptor.currentKeyId, after, this.batchSize, (row) => {
          try {
            return this.encryptor.seal(this.encryptor.open(row.keyId, row.sealed, aadOf(table, row)), aadOf(table, row));
          } catch (error) {
            if (!(error instanceof DecryptionError)) throw error;
            failed[table] += 1;
            return null;
          }
        });
        resealed[table] += batch.rewritten;
        if (batch.rewritten > 0) progress(table, resealed[table]);
        if (batch.seen < this.batchSize || !batch.lastId) break;
        after = batch.lastId;
      }
    }
    return { resealed, failed, remaining: await this.store.countByKey() };
  }
}

/** The associated data each table seals with (the same functions the writers use). */
function aadOf(table: SealedTable, row: SealedRow): Buffer {
  if (table === 'cards') return row.aadSource as Buffer;
  if (table === 'parent_accounts') return accountAad(row.aadSource as string);
  return totpAad(row.aadSource as string);
}
