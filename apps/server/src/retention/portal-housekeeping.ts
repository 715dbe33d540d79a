import { Connection } from '../database/database';
import { HOUSEKEEPING_RULES, HousekeepingCounts, PgHousekeepingStore } from './persistence/pg-housekeeping-store';
import { portalHousekeepingCutoffs } from './portal-housekeeping-policy';

export type { HousekeepingCounts } from './persistence/pg-housekeeping-store';
export { HOUSEKEEPING_LOCK } from './persistence/pg-housekeeping-store';

export type HousekeepingOutcome =
  | { ran: false; reason: 'another-instance-is-housekeeping' }
  | { ran: true; dryRun: boolean; counts: HousekeepingCounts; cutoffs: Record<string, string>; batches: number; elapsedMs: number };

/**
 * The portal's daily housekeeping, beside the retention purge: failed tries, expired sessions,
 * used or expired mailed tokens, expired second-factor challenges and used recovery codes.
 * Deletes in batches of `batchSize` rows, each its own short transaction (autocommit).
 */
export class PortalHousekeeping {
  constructor(
    private readonly store: PgHousekeepingStore,
    private readonly settings: { batchSize: number },
    private readonly now: () => Date = () => new Date(),
  ) {}

  async run(options: { dryRun: boolean }): Promise<HousekeepingOutcome> {
    const outcome = await this.store.exclusively((on) => this.housekeep(on, options.dryRun));
    return outcome ?? { ran: false, reason: 'another-instance-is-housekeeping' };
  }

  private async housekeep(on: Connection, dryRun: boolean): Promise<HousekeepingOutcome> {
    const started = Date.now();
    const c = portalHousekeepingCutoffs(this.now());
    const counts: HousekeepingCounts = { linkAttempts: 0, secondFactorFailures: 0, sessions: 0, parentTokens: 0, secondFactorChallenges: 0, usedRecoveryCodes: 0 };
    let batches = 0;
    const size = this.settings.batchSize;
    for (const rule of HOUSEKEEPING_RULES) {
      if (dryRun) {
        counts[rule] = await this.store.count(on, rule, c);
        batches += 1;
        continue;
      }
      for (;;) {
        const deleted = await this.store.deleteBatch(on, rule, c, size);
        batches += 1;
        counts[rule] += deleted;
        if (deleted < size) break;
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
