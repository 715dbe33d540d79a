import { makeNationalNumber } from '../../cascades/domain/national-number';

/** A child found under the previous key, with what the rotation rewrites. */
export interface RehashedChild {
  childId: string;
  oldHash: Buffer;
  newHash: Buffer;
  /** The child's cards with sealed values: re-sealed with the new hash as associated data and a new ingest key. */
  cards: { id: string; issuedOn: string; keyId: string; sealed: Buffer }[];
}

/** Port: the rows keyed by a national number's hash, and the parents' sign-in hashes. */
export interface PseudonymStore {
  countChildren(): Promise<number>;
  /** Children stored under any of these hashes: id and hash. */
  childrenByHash(hashes: Buffer[]): Promise<{ childId: string; hash: Buffer }[]>;
  /** The sealed cards of these children (id, issue date, key, value). */
  sealedCards(childIds: string[]): Promise<Map<string, RehashedChild['cards']>>;
  /**
   * In one transaction: each child's hash, its cards (sealed values and ingest keys as given; a
   * superseded card's ingest key, which cannot be recomputed, set to NULL), and every row keyed by
   * its old hash (call records, failed links, lost-code requests). A child whose new hash is
   * already taken (a card ingested under the new key meanwhile) is skipped and returned.
   */
  rewriteChildren(children: { childId: string; oldHash: Buffer; newHash: Buffer; cards: { id: string; keyId: string; sealed: Buffer; ingestKey: Buffer }[] }[]): Promise<{ rewritten: number; conflicts: string[] }>;
  /** Parent accounts after `afterId` (keyset), with their login hash and sealed contact details. */
  parentAccounts(afterId: string | null, limit: number): Promise<{ id: string; loginHash: Buffer | null; keyId: string | null; sealed: Buffer | null }[]>;
  /** Sets the accounts' login hashes; returns how many changed (a hash already taken is skipped). */
  rewriteLoginHashes(updates: { id: string; loginHash: Buffer }[]): Promise<number>;
  /** What cannot be recomputed (the values were never kept): counts, for the report. */
  unrecomputable(): Promise<{ liveCallerBlocks: number; oidcIdentities: number; unusedRecoveryCodes: number }>;
}

/**
 * Every national number a child born on `date` (YYYY-MM-DD) can have: the three month forms
 * (the birth month, bis +20 and +40) times serials 001 to 998, with the check digits of the
 * century of the date. About 3,000 numbers a day.
 */
export function nationalNumbersBornOn(date: string): string[] {
  const [year, month, day] = date.split('-').map(Number);
  const yy = String(year % 100).padStart(2, '0');
  const dd = String(day).padStart(2, '0');
  const numbers: string[] = [];
  for (const offset of [0, 20, 40]) {
    const yymmdd = `${yy}${String(month + offset).padStart(2, '0')}${dd}`;
    for (let serial = 1; serial <= 998; serial += 1) numbers.push(makeNationalNumber(yymmdd, String(serial).padStart(3, '0'), year >= 2000));
  }
  return numbers;
}

/** The days from `from` to `to` (YYYY-MM-DD, both included), oldest first. */
export function* daysBetween(from: string, to: string): Generator<string> {
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= end; t += 86_400_000) yield new Date(t).toISOString().slice(0, 10);
}
