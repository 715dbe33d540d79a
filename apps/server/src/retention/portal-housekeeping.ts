import type { ClientBase } from 'pg';
import { DataSource } from 'typeorm';
import { withSessionLock } from '../database/pg-client';
import { PortalHousekeepingCutoffs, portalHousekeepingCutoffs } from './portal-housekeeping-policy';

/** How many rows each rule deleted (or would delete, in a dry run). Counts only: never whose. */
export interface HousekeepingCounts {
  linkAttempts: number;
  secondFactorFailures: number;
  sessions: number;
  parentTokens: number;
  secondFactorChallenges: number;
  usedRecoveryCodes: number;
}

export type HousekeepingOutcome =
  | { ran: false; reason: 'another-instance-is-housekeeping' }
  | { ran: true; dryRun: boolean; counts: HousekeepingCounts; cutoffs: Record<string, string>; batches: number; elapsedMs: number };

/** Session advisory lock id ('allohskp'): one housekeeping at a time across every instance. */
export const HOUSEKEEPING_LOCK = 0x616c6c6f_68736b70n;

/**
 * The rules: which rows of which table are dead at the cut-offs. Every condition matches what
 * the portal's own check refuses, so deleting the row changes no answer (a used recovery code is
 * refused as used or as unknown alike).
 */
const RULES: { key: keyof HousekeepingCounts; table: string; where: string; params: (c: PortalHousekeepingCutoffs) => Date[] }[] = [
  { key: 'linkAttempts', table: 'link_attempts', where: 'failed_at < $1', params: (c) => [c.failedAttemptsBefore] },
  { key: 'secondFactorFailures', table: 'second_factor_failures', where: 'failed_at < $1', params: (c) => [c.failedAttemptsBefore] },
  { key: 'sessions', table: 'portal_sessions', where: 'last_seen_at <= $1 OR created_at <= $2', params: (c) => [c.sessionsIdleSince, c.sessionsCreatedBefore] },
  { key: 'parentTokens', table: 'parent_tokens', where: 'used_at <= $1 OR expires_at <= $1', params: (c) => [c.expiredAtOrBefore] },
  { key: 'secondFactorChallenges', table: 'second_factor_challenges', where: 'expires_at <= $1', params: (c) => [c.expiredAtOrBefore] },
  { key: 'usedRecoveryCodes', table: 'parent_recovery_codes', where: 'used_at <= $1', params: (c) => [c.expiredAtOrBefore] },
];

/**
 * The portal's daily housekeeping, beside the retention purge: failed tries, expired sessions,
 * used or expired mailed tokens, expired second-factor challenges and used recovery codes.
 * Deletes in batches of `batchSize` rows, each its own short transaction (autocommit).
 */
export class PortalHousekeeping {
  constructor(
    private readonly db: DataSource,
    private readonly settings: { batchSize: number },
    private readonly now: () => Date = () => new Date(),
  ) {}

  async run(options: { dryRun: boolean }): Promise<HousekeepingOutcome> {
    const outcome = await withSessionLock(this.db, HOUSEKEEPING_LOCK, (client) => this.housekeep(client, options.dryRun));
    return outcome ?? { ran: false, reason: 'another-instance-is-housekeeping' };
  }

  private async housekeep(client: ClientBase, dryRun: boolean): Promise<HousekeepingOutcome> {
    const started = Date.now();
    const c = portalHousekeepingCutoffs(this.now());
    const counts: HousekeepingCounts = { linkAttempts: 0, secondFactorFailures: 0, sessions: 0, parentTokens: 0, secondFactorChallenges: 0, usedRecoveryCodes: 0 };
    let batches = 0;
    const size = this.settings.batchSize;
    for (const rule of RULES) {
      const params = rule.params(c);
      if (dryRun) {
        const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${rule.table} WHERE ${rule.where}`, params);
        counts[rule.key] = Number(rows[0].n);
        batches += 1;
        continue;
      }
      for (;;) {
        // ctid: one plan for every table, whatever its key; valid within the one statement.
        const { rows } = await client.query<{ n: string }>(
          `WITH gone AS (DELETE FROM ${rule.table} WHERE ctid = ANY(ARRAY(SELECT ctid FROM ${rule.table} WHERE (${rule.where}) LIMIT $${params.length + 1})) RETURNING 1)
           SELECT count(*) AS n FROM gone`,
          [...params, size],
        );
        batches += 1;
        counts[rule.key] += Number(rows[0].n);
        if (Number(rows[0].n) < size) break;
      }
    }
    const cutoffs = {
      failedAttemptsBefore: c.failedAttemptsBefore.toISOString(),
      sessionsIdleSince: c.sessionsIdleSince.toISOString(),
      sessionsCreatedBefore: c.sessionsCreatedBefore.toISOString(),
      expiredAtOrBefore: c.expiredAtOrBefore.toISOString(),
    };
    return { ran: true, dryRun, counts, cutoffs, batches, elapsedMs: Date.now() - started };
  }
}
