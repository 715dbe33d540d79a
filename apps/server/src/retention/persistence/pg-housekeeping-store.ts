import { Connection, Database } from '../../database/database';
import { PortalHousekeepingCutoffs } from '../portal-housekeeping-policy';

/** How many rows each rule deleted (or would delete, in a dry run). Counts only: never whose. */
export interface HousekeepingCounts {
  linkAttempts: number;
  secondFactorFailures: number;
  sessions: number;
  parentTokens: number;
  secondFactorChallenges: number;
  usedRecoveryCodes: number;
}

/** Session advisory lock id ('allohskp'): one housekeeping at a time across every instance. */
export const HOUSEKEEPING_LOCK = 0x616c6c6f_68736b70n;

/**
 * The rules: which rows of which table are dead at the cut-offs. Every condition matches what
 * the portal's own check refuses, so deleting the row changes no answer (a used recovery code is
 * refused as used or as unknown alike).
 */
const RULES: Record<keyof HousekeepingCounts, { table: string; where: string; params: (c: PortalHousekeepingCutoffs) => Date[] }> = {
  linkAttempts: { table: 'link_attempts', where: 'failed_at < $1', params: (c) => [c.failedAttemptsBefore] },
  secondFactorFailures: { table: 'second_factor_failures', where: 'failed_at < $1', params: (c) => [c.failedAttemptsBefore] },
  sessions: { table: 'portal_sessions', where: 'last_seen_at <= $1 OR created_at <= $2', params: (c) => [c.sessionsIdleSince, c.sessionsCreatedBefore] },
  parentTokens: { table: 'parent_tokens', where: 'used_at <= $1 OR expires_at <= $1', params: (c) => [c.expiredAtOrBefore] },
  secondFactorChallenges: { table: 'second_factor_challenges', where: 'expires_at <= $1', params: (c) => [c.expiredAtOrBefore] },
  usedRecoveryCodes: { table: 'parent_recovery_codes', where: 'used_at <= $1', params: (c) => [c.expiredAtOrBefore] },
};

/** The rules, in the order the housekeeping applies them. */
export const HOUSEKEEPING_RULES = Object.keys(RULES) as (keyof HousekeepingCounts)[];

/** The portal housekeeping's statements (the job, portal-housekeeping.ts, decides the batches). */
export class PgHousekeepingStore {
  constructor(private readonly db: Database) {}

  /** `work` on one connection holding the housekeeping's lock; undefined at once when another instance holds it. */
  exclusively<T>(work: (on: Connection) => Promise<T>): Promise<T | undefined> {
    return this.db.exclusively(HOUSEKEEPING_LOCK, work);
  }

  /** How many rows `rule` would delete at the cut-offs. */
  async count(on: Connection, rule: keyof HousekeepingCounts, cutoffs: PortalHousekeepingCutoffs): Promise<number> {
    const { table, where, params } = RULES[rule];
    const { rows } = await on.query<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE ${where}`, params(cutoffs));
    return Number(rows[0].n);
  }

  /** Deletes up to `size` rows `rule` finds dead at the cut-offs, in one statement (one short transaction); how many. */
  async deleteBatch(on: Connection, rule: keyof HousekeepingCounts, cutoffs: PortalHousekeepingCutoffs, size: number): Promise<number> {
    const { table, where, params } = RULES[rule];
    const values = params(cutoffs);
    // ctid: one plan for every table, whatever its key; valid within the one statement.
    const { rows } = await on.query<{ n: string }>(
      `WITH gone AS (DELETE FROM ${table} WHERE ctid = ANY(ARRAY(SELECT ctid FROM ${table} WHERE (${where}) LIMIT $${values.length + 1})) RETURNING 1)
       SELECT count(*) AS n FROM gone`,
      [...values, size],
    );
    return Number(rows[0].n);
  }
}
