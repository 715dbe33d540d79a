// Usage: npm run retention [-- --dry-run]
// Runs the daily purge and the portal's housekeeping now (the app also runs it on RETENTION_CRON); --dry-run only counts.
import { loadConfig } from '../config/app-config';
import { Database } from '../database/database';
import { createDataSource } from '../database/data-source';
import { PgHousekeepingStore } from '../retention/persistence/pg-housekeeping-store';
import { PgRetentionStore } from '../retention/persistence/pg-retention-store';
import { HousekeepingOutcome, PortalHousekeeping } from '../retention/portal-housekeeping';
import { RetentionPurge } from '../retention/retention-purge';
import { runCli } from './run-cli';

runCli(async () => {
  const unknown = process.argv.slice(2).filter((a) => a !== '--dry-run');
  if (unknown.length > 0) throw new Error(`unknown argument ${unknown[0]}: usage: npm run retention [-- --dry-run]`);
  const dryRun = process.argv.includes('--dry-run');
  const config = loadConfig();
  const db = createDataSource(config.database.url);
  try {
    await db.initialize();
  } catch (error) {
    throw new Error(`cannot reach PostgreSQL with DATABASE_URL (${(error as Error).message})`);
  }
  try {
    const outcome = await new RetentionPurge(new PgRetentionStore(new Database(db)), config.retention).run({ dryRun });
    if (!outcome.ran) throw new Error('another instance is purging right now (advisory lock held): try again later');
    const c = outcome.counts;
    process.stdout.write(
      `${dryRun ? 'would delete' : 'deleted'}:\n` +
        `  cards issued before ${outcome.cutoffs.cardIssuedBefore}: ${c.cards} (children left without a card: ${c.children}, their cascades: ${c.cascades})\n` +
        `  parent accounts (cascades all inactive since before ${outcome.cutoffs.accountsInactiveSince}, or no child): ${c.parentAccounts}\n` +
        `  call records started before ${outcome.cutoffs.callRecordsStartedBefore} (with their legs): ${c.callRecords}\n` +
        `  audit events before ${outcome.cutoffs.auditEventsBefore}: ${c.auditEvents}\n` +
        (dryRun ? '' : `in ${outcome.batches} batches, the longest ${outcome.maxBatchMs.toFixed(1)} ms, ${outcome.elapsedMs} ms in all\n`),
    );
    const housekeeping = await new PortalHousekeeping(new PgHousekeepingStore(new Database(db)), config.retention).run({ dryRun });
    if (!housekeeping.ran) throw new Error('another instance is housekeeping the portal right now (advisory lock held): try again later');
    process.stdout.write(formatHousekeeping(housekeeping, dryRun));
  } finally {
    await db.destroy();
  }
});

function formatHousekeeping(outcome: Extract<HousekeepingOutcome, { ran: true }>, dryRun: boolean): string {
  const { counts: c, cutoffs } = outcome;
  return (
    `portal housekeeping, ${dryRun ? 'would delete' : 'deleted'}:\n` +
    `  failed tries at linking a child before ${cutoffs.failedAttemptsBefore}: ${c.linkAttempts}\n` +
    `  wrong second-factor codes before ${cutoffs.failedAttemptsBefore}: ${c.secondFactorFailures}\n` +
    `  expired sessions (idle since ${cutoffs.sessionsIdleSince} or begun before ${cutoffs.sessionsCreatedBefore}): ${c.sessions}\n` +
    `  mailed tokens used or expired by ${cutoffs.expiredAtOrBefore}: ${c.parentTokens}\n` +
    `  second-factor challenges expired by ${cutoffs.expiredAtOrBefore}: ${c.secondFactorChallenges}\n` +
    `  used recovery codes: ${c.usedRecoveryCodes}\n`
  );
}
