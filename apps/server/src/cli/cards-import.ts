// Usage: npm run cards:import -- FILE.csv [--chunk-size N]
// The initial load of cards from the issuing authority (header: nationalNumber,contactCode,
// issuedOn,firstName,lastName). Bad lines are reported by number and skipped; re-running is safe.
import { CardSealer } from '../cards/domain/card-ingest';
import { importCardsCsv, ImportProgress } from '../cards/import/card-csv-import';
import { loadConfig } from '../config/app-config';
import { DedicatedConnection } from '../database/database';
import { Encryptor } from '../privacy/encryptor';
import { Pseudonymizer } from '../privacy/pseudonymizer';
import { calendarDay } from '../retention/retention-policy';
import { runCli } from './run-cli';

runCli(async () => {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--') && args[args.indexOf(a) - 1] !== '--chunk-size');
  const chunkArg = args.includes('--chunk-size') ? Number(args[args.indexOf('--chunk-size') + 1]) : undefined;
  if (!file) throw new Error('usage: npm run cards:import -- FILE.csv [--chunk-size N]');
  if (chunkArg !== undefined && (!Number.isInteger(chunkArg) || chunkArg < 1 || chunkArg > 1_000_000)) throw new Error('--chunk-size must be a whole number from 1 to 1000000');
  const config = loadConfig();
  const sealer = new CardSealer(new Pseudonymizer(config.pseudonymKey), new Encryptor(config.encryption));
  let connection: DedicatedConnection;
  try {
    connection = await DedicatedConnection.open(config.database.url, 'alloparents-cards-import');
  } catch (error) {
    throw new Error(`cannot reach PostgreSQL with DATABASE_URL (${(error as Error).message})`);
  }
  const tty = process.stderr.isTTY;
  let lastDraw = 0;
  const draw = (p: ImportProgress, final = false) => {
    const now = Date.now();
    if (!final && now - lastDraw < (tty ? 200 : 5000)) return;
    lastDraw = now;
    const ratio = p.totalBytes ? Math.min(1, p.bytesRead / p.totalBytes) : 1;
    const bar = '#'.repeat(Math.round(ratio * 30)).padEnd(30, '.');
    const text = `[${bar}] ${(ratio * 100).toFixed(0).padStart(3)}%  lines ${p.lines}  imported ${p.imported}  already present ${p.alreadyPresent}  rejected ${p.rejected}`;
    process.stderr.write(tty ? `\r${text}` : `${text}\n`);
  };
  try {
    const summary = await importCardsCsv(connection, file, sealer, {
      chunkSize: chunkArg,
      today: calendarDay(new Date(), config.retention.timeZone),
      actor: { kind: 'operator', id: 'cards:import' },
      onProgress: (p) => draw(p),
      onRejected: (line, problems) => {
        const why = problems === 'csv' ? 'not 5 CSV fields (quoting?)' : problems.map((p) => `${p.field} ${p.problem}`).join(', ');
        process.stderr.write(`${tty ? '\n' : ''}line ${line}: skipped: ${why}\n`);
      },
    });
    draw(summary, true);
    const seconds = summary.elapsedMs / 1000;
    process.stderr.write(`${tty ? '\n' : ''}`);
    process.stdout.write(
      `${summary.lines - 1} rows read in ${seconds.toFixed(1)} s: ${summary.imported} imported, ${summary.alreadyPresent} already present, ` +
        `${summary.rejected} rejected (see above), ${summary.blockedCascades} active or paused cascades blocked for a new card; ` +
        `${Math.round((summary.imported + summary.alreadyPresent) / Math.max(seconds, 0.001))} cards/s\n`,
    );
  } finally {
    await connection.end();
  }
});
