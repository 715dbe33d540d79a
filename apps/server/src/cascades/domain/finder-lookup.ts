import { Language } from '../../languages';
import { CapLimit } from './call-caps';
import { cardStillRings } from './card-validity';
import { CascadeStatus } from './cascade-status';

export interface CascadeLeg {
  position: number;
  number: string;
}

/**
 * Which limit throttled a look-up: a caller number an operator blocked, the distinct numbers one
 * caller asks for, or one of the call caps.
 */
export type LookupLimit = 'caller-blocked' | 'numbers-per-hour' | CapLimit;

/**
 * What the call flow learns from a look-up. Every "unavailable" sounds the same to the finder;
 * "throttled" too (the finder is put through to the hotline).
 */
export type FinderLookupResult =
  | { kind: 'found'; cascadeId: string; legs: CascadeLeg[]; childFirstName: string | null; language: Language }
  | { kind: 'unavailable'; reason: 'unknown' | Exclude<CascadeStatus, 'active'> | 'expired' | 'no-numbers' }
  | { kind: 'throttled'; limit: LookupLimit };

/** A child's cascade as stored, before the rules are applied. */
export interface StoredCascade {
  cascadeId: string;
  status: CascadeStatus;
  language: Language;
  latestCardIssuedOn: string | null;
  legs: CascadeLeg[];
  childFirstName: string | null;
}

/** Port: the cascade store as the call flow needs it. */
export interface CascadeDirectory {
  /** The child stored under one of these keyed hashes (the first that matches, in order). */
  findByNationalNumberHash(hashes: Buffer[]): Promise<StoredCascade | null>;
}

/** What the ledger knows about a caller when a look-up is noted. */
export interface LookupNote {
  /** Distinct national numbers the caller asked for since `since`, this one included. */
  distinctNumbers: number;
  /** An operator blocked this caller number and the block runs at `at`. */
  callerBlocked: boolean;
}

/** Port: the call records as the abuse rule needs them. */
export interface LookupLedger {
  /**
   * Records that this call asked for this national number; returns how many distinct numbers the
   * caller asked for since `since`, and whether the caller (under any of `callerHashes`: the
   * current pseudonym key's hash first) is blocked at `at`.
   */
  noteLookup(callId: string, callerHashes: Buffer[], nationalNumberHash: Buffer, at: Date, since: Date): Promise<LookupNote>;
}

/** The rules that decide whether a found cascade may ring: active, a card whose record is still kept (3 years and 6 months), at least one number. */
export function decide(stored: StoredCascade | null, today: string): FinderLookupResult {
  if (!stored) return { kind: 'unavailable', reason: 'unknown' };
  // Only an active cascade rings: a draft, a paused and a blocked one all send the finder to the hotline.
  if (stored.status !== 'active') return { kind: 'unavailable', reason: stored.status };
  if (!stored.latestCardIssuedOn || !cardStillRings(stored.latestCardIssuedOn, today)) return { kind: 'unavailable', reason: 'expired' };
  if (stored.legs.length === 0) return { kind: 'unavailable', reason: 'no-numbers' };
  const legs = [...stored.legs].sort((a, b) => a.position - b.position);
  return { kind: 'found', cascadeId: stored.cascadeId, legs, childFirstName: stored.childFirstName, language: stored.language };
}
