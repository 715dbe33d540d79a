// Usage: npm run ops -- COMMAND [OPTIONS]   (docs/operations.md, "Operator commands")
//   suspend --reason fraud|court-order     the child's national number is asked for (or read from stdin)
//   resume
//   block-caller --for 30m|12h|7d [--reason abuse|fraud|court-order]   the caller number is asked for
//   unblock-caller
//   audit                                  the child's audit trail (no personal values)
//   call-legs CALL_ID                      a call's record and legs
//   keys reseal [--batch N]                re-seal every value with the current ENCRYPTION_KEYS key
//   keys rehash [--born-since YYYY-MM-DD] [--born-until YYYY-MM-DD] [--batch N]   recompute the keyed hashes with PSEUDONYM_KEY (rotation)
// Every command takes --by NAME (the operator, recorded in the audit trail; default: the system user).
// National numbers and caller numbers are never arguments: they would reach the shell's history and `ps`.
import { userInfo } from 'node:os';
import { createInterface } from 'node:readline';
import { loadConfig, AppConfig } from '../config/app-config';
import { Database } from '../database/database';
import { createDataSource } from '../database/data-source';
import { BLOCK_REASONS, BlockReason, OPERATOR_NAME_PATTERN, OperationError, parseDuration, SUSPENSION_REASONS, SuspensionReason } from '../operations/domain/operations';
import { KeyRotation } from '../operations/key-rotation';
import { OperatorCommands } from '../operations/operator-commands';
import { PgOperationsStore } from '../operations/persistence/pg-operations-store';
import { PgSealedValueStore } from '../operations/persistence/pg-sealed-value-store';
import { PseudonymRotation } from '../operations/pseudonym-rotation';
import { PgPseudonymStore } from '../operations/persistence/pg-pseudonym-store';
import { Mailer } from '../portal/domain/mailer';
import { LogMailer } from '../portal/mail/log-mailer';
import { SmtpMailer } from '../portal/mail/smtp-mailer';
import { Encryptor } from '../privacy/encryptor';
import { Pseudonymizer } from '../privacy/pseudonymizer';
import { runCli } from './run-cli';

const USAGE =
  'usage: npm run ops -- suspend --reason fraud|court-order | resume | block-caller --for DURATION [--reason abuse|fraud|court-order] | unblock-caller | audit | call-legs CALL_ID | keys reseal [--batch N] | keys rehash [--born-since DATE] [--born-until DATE] [--batch N]  (each with [--by NAME])';

interface Args {
  words: string[];
  options: Record<string, string>;
}

function parseArgs(argv: string[]): Args {
  const words: string[] = [];
  const options: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const digits = arg.replace(/[\s.+-]/g, '');
    if (/^\d{9,}$/.test(digits) && !/^[0-9-]{36}$/.test(arg)) {
      throw new OperationError('national numbers and phone numbers are never given as arguments (shell history, ps): the command asks for them, or reads them from stdin');
    }
    if (arg.startsWith('--')) {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new OperationError(`${arg} needs a value: ${USAGE}`);
      options[arg.slice(2)] = value;
      i += 1;
    } else {
      words.push(arg);
    }
  }
  return { words, options };
}

function allowOptions(args: Args, allowed: string[]): void {
  const unknown = Object.keys(args.options).find((o) => !allowed.includes(o) && o !== 'by');
  if (unknown) throw new OperationError(`unknown option --${unknown}: ${USAGE}`);
}

/** One line from the operator: a prompt on a terminal (on stderr), else the next line of stdin. */
async function ask(question: string): Promise<string> {
  const lines = createInterface({ input: process.stdin, terminal: false });
  if (process.stdin.isTTY) process.stderr.write(`${question}: `);
  try {
    for await (const line of lines) return line.trim();
  } finally {
    lines.close();
  }
  throw new OperationError(`${question}: nothing was typed (stdin ended)`);
}

function operatorOf(args: Args): string {
  const name = args.options.by ?? userInfo().username;
  if (!OPERATOR_NAME_PATTERN.test(name)) throw new OperationError('--by NAME: 1 to 64 letters, digits, dots, dashes, underscores or @');
  return name;
}

function mailerFor(config: AppConfig): Mailer {
  return config.mail.smtp ? new SmtpMailer(config.mail) : new LogMailer();
}

const out = (text: string) => process.stdout.write(`${text}\n`);
const iso = (d: Date | null) => (d ? d.toISOString() : '-');

runCli(async () => {
  const args = parseArgs(process.argv.slice(2));
  const [command, sub] = args.words;
  if (!command) throw new OperationError(USAGE);
  const config = loadConfig();
  const operator = operatorOf(args);
  const pseudonymizer = new Pseudonymizer(config.pseudonymKey, config.previousPseudonymKey);
  const encryptor = new Encryptor(config.encryption);
  const source = createDataSource(config.database.url);
  try {
    await source.initialize();
  } catch (error) {
    throw new Error(`cannot reach PostgreSQL with DATABASE_URL (${(error as Error).message})`);
  }
  const db = new Database(source);
  const mailer = mailerFor(config);
  const commands = new OperatorCommands(new PgOperationsStore(db), pseudonymizer, encryptor, mailer);
  try {
    switch (command) {
      case 'suspend': {
        allowOptions(args, ['reason']);
        const reason = args.options.reason as SuspensionReason;
        if (!SUSPENSION_REASONS.includes(reason)) throw new OperationError(`--reason is one of ${SUSPENSION_REASONS.join(', ')}`);
        const done = await commands.suspend(operator, await ask("child's national register number"), reason);
        out(done.changed ? `cascade ${done.cascadeId} suspended (${reason}): finders go to the hotline; ${done.parentsMailed} parent(s) mailed` : `cascade ${done.cascadeId} was already suspended for ${reason}: nothing changed`);
        break;
      }
      case 'resume': {
        allowOptions(args, []);
        const done = await commands.resume(operator, await ask("child's national register number"));
        out(done.changed ? `cascade ${done.cascadeId} resumed; ${done.parentsMailed} parent(s) mailed` : `cascade ${done.cascadeId} was not suspended: nothing changed`);
        break;
      }
      case 'block-caller': {
        allowOptions(args, ['for', 'reason']);
        if (!args.options.for) throw new OperationError('block-caller needs --for DURATION (30m, 12h, 7d)');
        const duration = parseDuration(args.options.for);
        const reason = (args.options.reason ?? 'abuse') as BlockReason;
        if (!BLOCK_REASONS.includes(reason)) throw new OperationError(`--reason is one of ${BLOCK_REASONS.join(', ')}`);
        const block = await commands.blockCaller(operator, await ask('caller number'), duration, reason);
        out(`caller blocked (${reason}) until ${iso(block.blockedUntil)}: block ${block.id}; their calls go to the hotline`);
        break;
      }
      case 'unblock-caller': {
        allowOptions(args, []);
        const lifted = await commands.unblockCaller(operator, await ask('caller number'));
        out(`lifted ${lifted.length} block(s): ${lifted.map((b) => b.id).join(', ')}`);
        break;
      }
      case 'audit': {
        allowOptions(args, []);
        const { child, lines } = await commands.auditTrail(operator, await ask("child's national register number"));
        out(`child ${child.childId}; cascade ${child.cascade ? `${child.cascade.id} (${child.cascade.status}${child.cascade.suspendedReason ? `, suspended: ${child.cascade.suspendedReason}` : ''})` : 'none'}`);
        for (const l of lines) out(`${iso(l.at)}  ${`${l.actorKind}:${l.actorId ?? '-'}`.padEnd(40)}  ${l.action.padEnd(24)}  ${l.subjectKind} ${l.subjectId ?? '-'}  ${JSON.stringify(l.details)}`);
        out(`${lines.length} event(s)`);
        break;
      }
      case 'call-legs': {
        allowOptions(args, []);
        if (!sub) throw new OperationError('call-legs needs CALL_ID (the callId of the logs)');
        const { call, legs } = await commands.callLegs(operator, sub);
        out(`call ${call.id}: started ${iso(call.startedAt)}, number typed ${iso(call.numberEnteredAt)}, connected ${iso(call.connectedAt)}${call.connectedPosition ? ` (${call.connectedPosition})` : ''}, ended ${iso(call.endedAt)}, outcome ${call.outcome ?? '-'}, language ${call.language ?? '-'}, cascade ${call.cascadeId ?? '-'}`);
        for (const l of legs) out(`  leg ${l.position.padEnd(8)} ${l.result.padEnd(12)} ${iso(l.startedAt)} → ${iso(l.endedAt)} (${((l.endedAt.getTime() - l.startedAt.getTime()) / 1000).toFixed(1)} s)`);
        out(`${legs.length} leg(s)`);
        break;
      }
      case 'keys': {
        const batch = args.options.batch ? Number(args.options.batch) : config.retention.batchSize;
        if (!Number.isInteger(batch) || batch < 1 || batch > 100_000) throw new OperationError('--batch is a whole number from 1 to 100000');
        if (sub === 'reseal') {
          allowOptions(args, ['batch']);
          const outcome = await new KeyRotation(new PgSealedValueStore(db), encryptor, batch).resealAll((table, n) => process.stderr.write(`${table}: ${n} re-sealed\n`));
          out(`re-sealed with key '${encryptor.currentKeyId}': ${JSON.stringify(outcome.resealed)}`);
          if (Object.values(outcome.failed).some((n) => n > 0)) out(`would not open (left as they are): ${JSON.stringify(outcome.failed)}`);
          out(`values by key now: ${JSON.stringify(outcome.remaining)}`);
          const others = Object.values(outcome.remaining).flatMap((byKey) => Object.keys(byKey)).filter((k) => k !== encryptor.currentKeyId);
          out(others.length === 0 ? 'every value uses the current key: older keys can be removed from ENCRYPTION_KEYS' : `still sealed with ${[...new Set(others)].join(', ')}: keep those keys (run again; rows the app held were skipped)`);
          await commands.audit(operator, 'keys.resealed', { currentKey: encryptor.currentKeyId, ...outcome.resealed });
        } else if (sub === 'rehash') {
          allowOptions(args, ['born-since', 'born-until', 'batch']);
          if (!config.previousPseudonymKey) throw new OperationError('keys rehash recomputes hashes made with PSEUDONYM_KEY_PREVIOUS: set it to the old key and PSEUDONYM_KEY to the new one (docs/data.md)');
          const bornSince = args.options['born-since'];
          const bornUntil = args.options['born-until'];
          for (const [name, value] of [['born-since', bornSince], ['born-until', bornUntil]]) {
            if (value !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value)))) throw new OperationError(`--${name} is a date, YYYY-MM-DD`);
          }
          const rotation = new PseudonymRotation(new PgPseudonymStore(db), pseudonymizer, encryptor, batch);
          const outcome = await rotation.run({ bornSince, bornUntil, today: new Date().toISOString().slice(0, 10) }, (what) => process.stderr.write(`${what}\n`));
          out(JSON.stringify(outcome, null, 2));
          out(outcome.childrenLeft === 0 ? 'every child is under the new key: remove PSEUDONYM_KEY_PREVIOUS and restart' : `${outcome.childrenLeft} child(ren) still under the old key: keep PSEUDONYM_KEY_PREVIOUS (try an earlier --born-since)`);
          await commands.audit(operator, 'keys.rehashed', { children: outcome.children, childrenLeft: outcome.childrenLeft });
        } else {
          throw new OperationError(USAGE);
        }
        break;
      }
      default:
        throw new OperationError(USAGE);
    }
  } finally {
    // The deliveries handed over in the background end (sent or failed) before the process does.
    if (mailer instanceof SmtpMailer) await mailer.onApplicationShutdown();
    await source.destroy();
  }
});
