// The data benchmark (issue 4): run with `npm run bench:data` (bench/data.sh prepares a fresh
// database). Not a test: it prints figures, recorded in docs/performance.md.
import { mkdtempSync, createWriteStream, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { Client } from 'pg';
import { DataSource, DataSourceOptions } from 'typeorm';
import { CardSealer } from '../apps/server/src/cards/domain/card-ingest';
import { importCardsCsv } from '../apps/server/src/cards/import/card-csv-import';
import { makeNationalNumber } from '../apps/server/src/cascades/domain/national-number';
import { PgCascadeDirectory } from '../apps/server/src/cascades/persistence/pg-cascade-directory';
import { loadConfig } from '../apps/server/src/config/app-config';
import { createDataSource } from '../apps/server/src/database/data-source';
import { Encryptor } from '../apps/server/src/privacy/encryptor';
import { Pseudonymizer } from '../apps/server/src/privacy/pseudonymizer';
import { addDays } from '../apps/server/src/retention/retention-policy';
import { RetentionPurge } from '../apps/server/src/retention/retention-purge';

const CARDS = Number(process.argv[2] ?? 2_000_000);
const CASCADES = CARDS / 2;
const LOOKUPS = 100_000;

const log = (line: string) => process.stdout.write(`${line}\n`);
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const ms = (ns: bigint) => Number(ns) / 1e6;

/**
 * CPU used so far (ms) by this process (all threads) and by each PostgreSQL backend of the bench
 * database (from /proc: the server is local), so that a run on a machine shared with other work
 * still shows what each card costs; wall-clock rates alone depend on the load.
 */
async function cpuNow(client: Client): Promise<{ node: number; backends: Map<number, number> }> {
  const { rows } = await client.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`);
  const backends = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      backends.set(pid, (Number(fields[11]) + Number(fields[12])) * 10); // utime + stime, 100 ticks/s
    } catch {
      // gone meanwhile
    }
  }
  const usage = process.cpuUsage();
  return { node: (usage.user + usage.system) / 1000, backends };
}
function cpuSince(before: { node: number; backends: Map<number, number> }, after: { node: number; backends: Map<number, number> }, excluded: number[] = []): { node: number; server: number } {
  let server = 0;
  for (const [pid, ms] of after.backends) if (!excluded.includes(pid)) server += ms - (before.backends.get(pid) ?? 0);
  return { node: after.node - before.node, server };
}
const perCard = (cpu: { node: number; server: number }, cards: number) =>
  `CPU ${((1000 * (cpu.node + cpu.server)) / cards).toFixed(1)} µs/card (Node ${((1000 * cpu.node) / cards).toFixed(1)}, PostgreSQL ${((1000 * cpu.server) / cards).toFixed(1)})`;

async function main(): Promise<void> {
  const config = loadConfig(); // DATABASE_URL points at alloparents_bench (bench/data.sh)
  const pseudonymizer = new Pseudonymizer(config.pseudonymKey);
  const sealer = new CardSealer(pseudonymizer, new Encryptor(config.encryption));
  const today = new Date().toISOString().slice(0, 10);
  const expiredBand = addDays(today, -1000); // past retention 1,277 days after issue
  const validBand = addDays(today, -10);

  const client = new Client({ connectionString: config.database.url });
  await client.connect();
  const { rows: [{ server_version: version }] } = await client.query(`SHOW server_version`);
  log(`machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB memory, PostgreSQL ${version}, Node ${process.version}`);
  // The server settings that move these figures, so that runs on differently tuned servers are not compared blindly.
  const settings = await client.query<{ name: string; setting: string }>(
    `SELECT name, current_setting(name) AS setting FROM unnest(ARRAY['shared_buffers', 'max_wal_size', 'checkpoint_timeout', 'wal_compression', 'synchronous_commit', 'autovacuum']) AS name`,
  );
  log(`PostgreSQL settings: ${settings.rows.map((r) => `${r.name}=${r.setting}`).join(', ')}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);

  // 1. The CSV: CARDS distinct children, one card each; the first half issued 1,000 days ago.
  const dir = mkdtempSync(join(os.tmpdir(), 'bench-'));
  const file = join(dir, 'cards.csv');
  const numbers: string[] = [];
  const out = createWriteStream(file);
  out.write('nationalNumber,contactCode,issuedOn,firstName,lastName\n');
  for (let day = 0, n = 0; n < CARDS; day += 1) {
    const birth = addDays('2014-01-01', day);
    const yymmdd = birth.slice(2, 4) + birth.slice(5, 7) + birth.slice(8, 10);
    for (let sss = 1; sss <= 998 && n < CARDS; sss += 1, n += 1) {
      const nn = makeNationalNumber(yymmdd, String(sss).padStart(3, '0'), true);
      numbers.push(nn);
      const issuedOn = n % 2 === 0 ? expiredBand : validBand;
      if (!out.write(`${nn},C${String(n).padStart(9, '0')},${issuedOn},Lina,Peeters\n`)) await once(out, 'drain');
    }
  }
  out.end();
  await once(out, 'finish');

  // 2. The import, through the real path.
  const cpu0 = await cpuNow(client);
  const t0 = Date.now();
  const summary = await importCardsCsv(client, file, sealer, { today, actor: { kind: 'operator', id: 'bench' } });
  const importSeconds = (Date.now() - t0) / 1000;
  log(`import: ${summary.imported} cards in ${importSeconds.toFixed(1)} s = ${Math.round(summary.imported / importSeconds)} cards/s (rejected ${summary.rejected}; chunks: ${summary.fastChunks} fast path, ${summary.mergedChunks} merged)`);
  log(`import ${perCard(cpuSince(cpu0, await cpuNow(client)), summary.imported)}`);
  rmSync(dir, { recursive: true, force: true });

  // 3. Cascades (the portal's write path does not exist yet: plain SQL), two numbers each, for
  //    every other child in hash order (unrelated to the file's order, so about half of them in
  //    each band: the purge removes about half of them).
  const t1 = Date.now();
  await client.query(`SET statement_timeout = 0`);
  await client.query(`
    INSERT INTO cascades (child_id, status, activated_at, language)
    SELECT id, 'active', now(), 'fr' FROM (SELECT id, row_number() OVER (ORDER BY national_number_hash) AS r FROM children) c WHERE r % 2 = 0 LIMIT $1`, [CASCADES]);
  await client.query(`
    INSERT INTO cascade_numbers (cascade_id, position, e164, country)
    SELECT id, p, '+3247' || lpad((p * 1000000 + (hashtext(id::text) & 999999))::text, 7, '0'), 'BE' FROM cascades, generate_series(1, 2) p`);
  await client.query(`VACUUM ANALYZE`);
  const [{ count: cascades }] = (await client.query(`SELECT count(*)::int AS count FROM cascades`)).rows;
  log(`cascades: ${cascades} with 2 numbers each, in ${((Date.now() - t1) / 1000).toFixed(1)} s`);

  // 4. Look-ups exactly as the call flow does them: HMAC, then PgCascadeDirectory.
  const db = createDataSource(config.database.url);
  await db.initialize();
  // The look-ups have their own one-connection pool, so the purge's CPU can be told apart.
  const lookUpOptions = createDataSource(config.database.url).options as DataSourceOptions & { extra: Record<string, unknown> };
  const lookUpDb = new DataSource({ ...lookUpOptions, extra: { ...lookUpOptions.extra, max: 1 } });
  await lookUpDb.initialize();
  const [{ pid: lookUpPid }] = await lookUpDb.query(`SELECT pg_backend_pid() AS pid`);
  const directory = new PgCascadeDirectory(lookUpDb);
  const lookUp = async (): Promise<number> => {
    const nn = numbers[Math.floor(Math.random() * numbers.length)];
    const start = process.hrtime.bigint();
    await directory.findByNationalNumberHash(pseudonymizer.hash('national-number', nn));
    return ms(process.hrtime.bigint() - start);
  };
  for (let i = 0; i < 2000; i += 1) await lookUp(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < LOOKUPS; i += 1) times.push(await lookUp());
  times.sort((a, b) => a - b);
  log(`look-up (${LOOKUPS} random, sequential): p50 ${percentile(times, 50).toFixed(3)} ms, p99 ${percentile(times, 99).toFixed(3)} ms, max ${times[times.length - 1].toFixed(1)} ms`);

  // 5. The purge of the expired half, with look-ups running beside it.
  const purgeNow = new Date(`${addDays(today, 300)}T02:17:00Z`);
  const purge = new RetentionPurge(db, config.retention, () => purgeNow);
  const during: number[] = [];
  let purging = true;
  const lookups = (async () => {
    while (purging) during.push(await lookUp());
  })();
  const cpu1 = await cpuNow(client);
  const outcome = await purge.run({ dryRun: false });
  const cpu2 = await cpuNow(client);
  purging = false;
  await lookups;
  during.sort((a, b) => a - b);
  if (!outcome.ran) throw new Error('the purge did not run (lock held)');
  log(
    `purge: ${outcome.counts.cards} cards, ${outcome.counts.children} children, ${outcome.counts.cascades} cascades in ${(outcome.elapsedMs / 1000).toFixed(1)} s ` +
      `(${outcome.batches} batches of ${config.retention.batchSize}, longest ${outcome.maxBatchMs.toFixed(1)} ms, ${outcome.batchesOver100Ms} over 100 ms)`,
  );
  if (outcome.ran) log(`purge ${perCard(cpuSince(cpu1, cpu2, [lookUpPid]), outcome.counts.cards)} (PostgreSQL: the purge's connections only; Node: the look-ups' too)`);
  log(`look-up during the purge (${during.length}): p50 ${percentile(during, 50).toFixed(3)} ms, p99 ${percentile(during, 99).toFixed(3)} ms, max ${during[during.length - 1].toFixed(1)} ms`);
  log(`load average at the end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  await db.destroy();
  await lookUpDb.destroy();
  await client.end();
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
