// Usage: npm run notices [-- --dry-run]
// Sweeps the notices to parents now (the app also does, every NOTICES_SWEEP_MINUTES): records the
// notices due and mails them; --dry-run only counts what would be recorded.
import { CardSealer } from '../cards/domain/card-ingest';
import { loadConfig } from '../config/app-config';
import { Database } from '../database/database';
import { createDataSource } from '../database/data-source';
import { noticeSweep } from '../notices/notices.module';
import { LogMailer } from '../portal/mail/log-mailer';
import { SmtpMailer } from '../portal/mail/smtp-mailer';
import { Encryptor } from '../privacy/encryptor';
import { Pseudonymizer } from '../privacy/pseudonymizer';
import { runCli } from './run-cli';

runCli(async () => {
  const unknown = process.argv.slice(2).filter((a) => a !== '--dry-run');
  if (unknown.length > 0) throw new Error(`unknown argument ${unknown[0]}: usage: npm run notices [-- --dry-run]`);
  const dryRun = process.argv.includes('--dry-run');
  const config = loadConfig();
  const db = createDataSource(config.database.url);
  try {
    await db.initialize();
  } catch (error) {
    throw new Error(`cannot reach PostgreSQL with DATABASE_URL (${(error as Error).message})`);
  }
  const mailer = config.mail.smtp ? new SmtpMailer(config.mail) : new LogMailer();
  try {
    const encryptor = new Encryptor(config.encryption);
    const sealer = new CardSealer(new Pseudonymizer(config.pseudonymKey, config.previousPseudonymKey), encryptor);
    const outcome = await noticeSweep(new Database(db), mailer, encryptor, sealer, config).run({ dryRun });
    if (!outcome.ran) throw new Error('another instance is sweeping the notices right now (advisory lock held): try again later');
    const due = Object.entries(outcome.due).map(([kind, n]) => `  ${kind}: ${n}\n`).join('');
    process.stdout.write(
      `${dryRun ? 'notices that would be recorded' : 'notices recorded'}:\n${due}` +
        (dryRun ? '' : `recorded ${outcome.recorded}, mailed ${outcome.sent}, failed (retried at the next sweep) ${outcome.failed}, abandoned ${outcome.abandoned}, not sent (kind turned off since) ${outcome.turnedOff}\n`) +
        (outcome.stuck > 0 ? `left 'sending' by an interrupted sweep (not sent again): ${outcome.stuck}\n` : ''),
    );
  } finally {
    if (mailer instanceof SmtpMailer) await mailer.onApplicationShutdown();
    await db.destroy();
  }
});
