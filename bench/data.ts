// The data benchmark: run with `npm run bench:data` (bench/data.sh prepares a fresh database).
// Not a test: it prints figures, recorded in docs/performance.md.
//
// Each figure is measured next to its ceiling, in the same run, on the same machine and the
// same data, so that the ratio means the same on every machine (machines of one kind differ up
// to 2× in absolute figures):
//   - the import against a raw COPY of the same sealed rows into the same tables (the
//     database's ceiling) and against the sealing alone (the privacy rules' CPU ceiling);
//   - the look-up against the same statement in a bare pg client loop;
//   - the purge against a plain batched DELETE of the same rows, from the same restored state.
// Figure and ceiling run back to back, in rounds (A, B, A, B), after a warm-up; the ratio is the
// median of the rounds' ratios, printed with each round's and their spread.
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, WriteStream } from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from 'pg';
import { DataSource, DataSourceOptions } from 'typeorm';
import { CardSealer } from '../apps/server/src/cards/domain/card-ingest';
import { DEFAULT_CHUNK_SIZE, MAX_BATCHES_SEALING, SEAL_BATCH_LINES, headerColumns, importCardsCsv } from '../apps/server/src/cards/import/card-csv-import';
import { CardSealers, SealedBatch, defaultSealerCount, rowsOf } from '../apps/server/src/cards/import/card-sealers';
import { COPY_CARDS_SQL, COPY_CHILDREN_SQL, COPY_SIGNATURE, COPY_TRAILER } from '../apps/server/src/cards/import/copy-binary';
import { makeNationalNumber } from '../apps/server/src/cascades/domain/national-number';
import { CASCADE_BY_HASH, CASCADE_BY_HASH_SQL, PgCascadeStore } from '../apps/server/src/cascades/persistence/pg-cascade-store';
import { loadConfig } from '../apps/server/src/config/app-config';
import { createDataSource } from '../apps/server/src/database/data-source';
import { Connection, Database } from '../apps/server/src/database/database';
import { Encryptor } from '../apps/server/src/privacy/encryptor';
import { Pseudonymizer } from '../apps/server/src/privacy/pseudonymizer';
import { addDays, calendarDay, cardRecordCutoff } from '../apps/server/src/retention/retention-policy';
import { PgRetentionStore } from '../apps/server/src/retention/persistence/pg-retention-store';
import { LANE_MIN_CARDS, PURGE_LANES, RetentionPurge } from '../apps/server/src/retention/retention-purge';
import { ResultRow, load, log, machine, median, percentile, positiveInteger, printTable, ratioWithRounds, spread, thousands } from './report';

const CARDS = positiveInteger('the card count (first argument or BENCH_CARDS)', process.argv[2] ?? process.env.BENCH_CARDS, 2_000_000);
const LOOKUPS = positiveInteger('BENCH_LOOKUPS', process.env.BENCH_LOOKUPS, 100_000);
const ROUNDS = positiveInteger('BENCH_ROUNDS', process.env.BENCH_ROUNDS, 2);
const CASCADES = Math.floor(CARDS / 2);
/** The look-ups run in this many blocks, the app's and the bare loop's alternating. */
const LOOKUP_BLOCKS = 10;
/** The warm-up import (not measured): the first cards of the file. */
const WARMUP_CARDS = Math.min(50_000, Math.max(2_000, Math.floor(CARDS / 10)));

const ms = (ns: bigint) => Number(ns) / 1e6;
const secondsSince = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;

// --- CPU time (a run on a shared machine still shows what each card costs) ---------------------

interface CpuSnapshot {
  node: number;
  backends: Map<number, number>;
}
interface Cpu {
  node: number;
  server: number;
}

/**
 * CPU used so far (ms) by this process (all threads) and by each PostgreSQL backend of the bench
 * database (from /proc: the server is local).
 */
async function cpuNow(client: Client): Promise<CpuSnapshot> {
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
function cpuSince(before: CpuSnapshot, after: CpuSnapshot, excluded: number[] = []): Cpu {
  let server = 0;
  for (const [pid, used] of after.backends) if (!excluded.includes(pid)) server += used - (before.backends.get(pid) ?? 0);
  return { node: after.node - before.node, server };
}
const perCard = (cpu: Cpu, cards: number) =>
  `CPU ${((1000 * (cpu.node + cpu.server)) / cards).toFixed(1)} µs/card (Node ${((1000 * cpu.node) / cards).toFixed(1)}, PostgreSQL ${((1000 * cpu.server) / cards).toFixed(1)})`;

// --- the same starting state for figure and ceiling --------------------------------------------

let checkpointBy: 'sql' | 'runuser' | 'none' | undefined;
/**
 * CHECKPOINT before each timed phase: each starts with no dirty pages and a fresh WAL cycle, so a
 * checkpoint triggered by the WAL volume (max_wal_size) falls at the same point of each run
 * instead of in one and not the other. The bench's role may not checkpoint (PostgreSQL 15: a
 * superuser or pg_checkpoint); bench/data.sh runs as root, so it asks the postgres account.
 */
async function checkpoint(client: Client): Promise<void> {
  if (checkpointBy === undefined || checkpointBy === 'sql') {
    try {
      await client.query('CHECKPOINT');
      checkpointBy = 'sql';
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== '42501') throw error;
    }
  }
  if (checkpointBy === undefined || checkpointBy === 'runuser') {
    try {
      execFileSync('runuser', ['-u', 'postgres', '--', 'psql', '-qAtX', '-c', 'CHECKPOINT'], { stdio: 'ignore', timeout: 120_000 });
      checkpointBy = 'runuser';
      return;
    } catch {
      checkpointBy = 'none';
      log('note: no CHECKPOINT between phases (needs a superuser, pg_checkpoint or root): the ratios will be noisier');
    }
  }
}

/** The tables the import fills, emptied as a freshly migrated database has them. */
async function emptyCardTables(client: Client): Promise<void> {
  await client.query(`SET client_min_messages = warning`); // no NOTICE per cascaded table
  await client.query(`TRUNCATE children, audit_events RESTART IDENTITY CASCADE`);
  await client.query(`VACUUM ANALYZE children, cards, audit_events`);
  await checkpoint(client);
}

// --- the CSV ----------------------------------------------------------------------------------

async function write(out: WriteStream, line: string): Promise<void> {
  if (!out.write(line)) await once(out, 'drain');
}
async function end(out: WriteStream): Promise<void> {
  out.end();
  await once(out, 'finish');
}

/** CARDS distinct children, one card each, alternately issued in the two bands; the first WARMUP_CARDS lines also go to the warm-up file. */
async function writeCsv(file: string, warmupFile: string, bands: [string, string]): Promise<string[]> {
  const header = 'nationalNumber,contactCode,issuedOn,firstName,lastName\n';
  const numbers: string[] = [];
  const out = createWriteStream(file);
  const warm = createWriteStream(warmupFile);
  await write(out, header);
  await write(warm, header);
  for (let day = 0, n = 0; n < CARDS; day += 1) {
    const birth = addDays('2014-01-01', day);
    const yymmdd = birth.slice(2, 4) + birth.slice(5, 7) + birth.slice(8, 10);
    for (let sss = 1; sss <= 998 && n < CARDS; sss += 1, n += 1) {
      const nn = makeNationalNumber(yymmdd, String(sss).padStart(3, '0'), true);
      numbers.push(nn);
      const line = `${nn},C${String(n).padStart(9, '0')},${bands[n % 2]},Lina,Peeters\n`;
      await write(out, line);
      if (n < WARMUP_CARDS) await write(warm, line);
    }
  }
  await end(out);
  await end(warm);
  return numbers;
}

// --- import: sealing alone, raw COPY, the import ----------------------------------------------

interface Timed {
  cards: number;
  seconds: number;
  cpu: Cpu;
}
const rate = (t: Timed) => t.cards / t.seconds;

/**
 * The import's pipeline without the database: the file read line by line, batches of
 * SEAL_BATCH_LINES to the same sealer threads (as many, the same bounded queue), taken back in
 * order. What is left is the card checks, the two HMACs and the AES-GCM seal of every card: the
 * privacy rules' CPU ceiling. The sealed batches are kept for the raw COPY.
 */
async function sealAlone(file: string, sealer: CardSealer, today: string): Promise<Timed & { batches: SealedBatch[] }> {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  const batches: SealedBatch[] = [];
  const sealing: Promise<SealedBatch>[] = [];
  let sealers: CardSealers | null = null;
  let columns: number[] = [];
  let batch: string[] = [];
  let firstLine = 0;
  let lineNumber = 0;
  let cards = 0;
  const take = async () => {
    const sealed = await sealing.shift()!;
    if (sealed.rejected.length > 0) throw new Error(`the bench's CSV has ${sealed.rejected.length} rejected lines`);
    cards += sealed.count;
    batches.push(sealed);
  };
  const send = async () => {
    if (batch.length === 0) return;
    sealing.push(sealers!.seal(firstLine, columns, batch));
    sealing[sealing.length - 1].catch(() => undefined);
    batch = [];
    if (sealing.length >= MAX_BATCHES_SEALING) await take();
  };
  try {
    for await (const line of lines) {
      lineNumber += 1;
      if (lineNumber === 1) {
        columns = headerColumns(line);
        sealers = new CardSealers(sealer, today);
        continue;
      }
      if (batch.length === 0) firstLine = lineNumber;
      batch.push(line);
      if (batch.length >= SEAL_BATCH_LINES) await send();
    }
    await send();
    while (sealing.length > 0) await take();
  } finally {
    await sealers?.close();
  }
  const seconds = secondsSince(t0);
  const used = process.cpuUsage(cpu0);
  return { cards, seconds, cpu: { node: (used.user + used.system) / 1000, server: 0 }, batches };
}

/**
 * The database's ceiling: the same sealed rows COPYed (binary) straight into children and cards,
 * with all their indexes and the foreign key, in transactions of the import's chunk size, from
 * the same empty tables — the import's fast path without the checks, the sealing, the lock, the
 * savepoint and the audit row.
 */
async function rawCopy(client: Client, batches: SealedBatch[]): Promise<Timed> {
  const chunks: { children: Buffer[]; cards: Buffer[] }[] = [{ children: [], cards: [] }];
  let inChunk = 0;
  let cards = 0;
  for (const sealed of batches) {
    for (let from = 0; from < sealed.count; ) {
      const to = Math.min(sealed.count, from + DEFAULT_CHUNK_SIZE - inChunk);
      chunks[chunks.length - 1].children.push(rowsOf(sealed.children, from, to));
      chunks[chunks.length - 1].cards.push(rowsOf(sealed.cards, from, to));
      inChunk += to - from;
      cards += to - from;
      from = to;
      if (inChunk === DEFAULT_CHUNK_SIZE) {
        chunks.push({ children: [], cards: [] });
        inChunk = 0;
      }
    }
  }
  const connection = new Connection(client);
  const copy = (sql: string, rows: Buffer[]) => connection.copyIn(sql, [COPY_SIGNATURE, ...rows, COPY_TRAILER]);
  const cpu0 = await cpuNow(client);
  const t0 = process.hrtime.bigint();
  for (const chunk of chunks) {
    if (chunk.children.length === 0) continue;
    await connection.transaction(async () => {
      await copy(COPY_CHILDREN_SQL, chunk.children);
      await copy(COPY_CARDS_SQL, chunk.cards);
    });
  }
  const seconds = secondsSince(t0);
  return { cards, seconds, cpu: cpuSince(cpu0, await cpuNow(client)) };
}

async function theImport(client: Client, file: string, sealer: CardSealer, today: string): Promise<Timed & { note: string }> {
  const cpu0 = await cpuNow(client);
  const t0 = process.hrtime.bigint();
  const summary = await importCardsCsv(new Connection(client), file, sealer, { today, actor: { kind: 'operator', id: 'bench' } });
  const seconds = secondsSince(t0);
  if (summary.rejected > 0 || summary.mergedChunks > 0) throw new Error(`unexpected import: ${summary.rejected} rejected, ${summary.mergedChunks} merged chunks`);
  return { cards: summary.imported, seconds, cpu: cpuSince(cpu0, await cpuNow(client)), note: `${summary.fastChunks} chunks, fast path` };
}

// --- purge: the app's and a plain DELETE, from the same restored rows -------------------------

const PURGED_TABLES = ['children', 'cards', 'cascades', 'cascade_numbers', 'parent_children'] as const;

/**
 * Keeps a copy of every row the purge will delete (expired children, their cards, cascades,
 * numbers and guardian links), in their physical order, so that before each purge the same rows
 * can be put back: both purges start from the same state (dead rows vacuumed, the same rows
 * inserted in the same order, fresh statistics, a checkpoint).
 */
async function snapshotExpired(client: Client, cutoff: string): Promise<{ cards: number; childOrder: string[]; remaining: Record<string, number> }> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(cutoff)) throw new Error(`unexpected cut-off ${cutoff}`);
  await client.query(`DROP TABLE IF EXISTS bench_purge_children, bench_purge_cards, bench_purge_cascades, bench_purge_cascade_numbers, bench_purge_parent_children`);
  await client.query(`
    CREATE TABLE bench_purge_children AS SELECT ch.* FROM children ch
     WHERE EXISTS (SELECT 1 FROM cards k WHERE k.child_id = ch.id AND k.issued_on < '${cutoff}')
       AND NOT EXISTS (SELECT 1 FROM cards k WHERE k.child_id = ch.id AND k.issued_on >= '${cutoff}') ORDER BY ch.ctid`);
  await client.query(`CREATE TABLE bench_purge_cards AS SELECT k.* FROM cards k WHERE k.child_id IN (SELECT id FROM bench_purge_children) ORDER BY k.ctid`);
  await client.query(`CREATE TABLE bench_purge_cascades AS SELECT c.* FROM cascades c WHERE c.child_id IN (SELECT id FROM bench_purge_children) ORDER BY c.ctid`);
  await client.query(`CREATE TABLE bench_purge_cascade_numbers AS SELECT n.* FROM cascade_numbers n WHERE n.cascade_id IN (SELECT id FROM bench_purge_cascades) ORDER BY n.ctid`);
  await client.query(`CREATE TABLE bench_purge_parent_children AS SELECT pc.* FROM parent_children pc WHERE pc.child_id IN (SELECT id FROM bench_purge_children) ORDER BY pc.ctid`);
  // The copy is complete only if nothing else hangs on these rows, and the purge deletes exactly them.
  const [check] = (
    await client.query<{ expired: number; copied: number; calls: number; tests: number }>(`
      SELECT (SELECT count(*)::int FROM cards WHERE issued_on < '${cutoff}') AS expired, (SELECT count(*)::int FROM bench_purge_cards) AS copied,
             (SELECT count(*)::int FROM call_records WHERE cascade_id IN (SELECT id FROM bench_purge_cascades)) AS calls,
             (SELECT count(*)::int FROM cascade_tests WHERE cascade_id IN (SELECT id FROM bench_purge_cascades)) AS tests`)
  ).rows;
  if (check.expired !== check.copied || check.calls > 0 || check.tests > 0) throw new Error(`the purge's rows cannot be restored exactly: ${JSON.stringify(check)}`);
  const { rows } = await client.query<{ child_id: string }>(`SELECT child_id FROM bench_purge_cards ORDER BY issued_on, id`);
  const remaining: Record<string, number> = {};
  for (const table of PURGED_TABLES) {
    const [{ n }] = (await client.query<{ n: number }>(`SELECT (SELECT count(*) FROM ${table}) - (SELECT count(*) FROM bench_purge_${table}) AS n`)).rows;
    remaining[table] = Number(n);
  }
  return { cards: check.copied, childOrder: rows.map((r) => r.child_id), remaining };
}

async function restoreExpired(client: Client, childIds: string[]): Promise<void> {
  // Whatever is left of them goes (their dependants with them: ON DELETE CASCADE), in transactions
  // of 50,000 children (before the first run: all of them), then the dead rows.
  const [{ left }] = (await client.query<{ left: boolean }>(`SELECT EXISTS (SELECT 1 FROM children WHERE id IN (SELECT id FROM bench_purge_children)) AS left`)).rows;
  for (let i = 0; left && i < childIds.length; i += 50_000) await client.query(`DELETE FROM children WHERE id = ANY($1::uuid[])`, [childIds.slice(i, i + 50_000)]);
  await client.query(`VACUUM ${PURGED_TABLES.join(', ')}`);
  for (const table of PURGED_TABLES) {
    await client.query(`INSERT INTO ${table} ${table === 'cards' ? 'OVERRIDING SYSTEM VALUE ' : ''}SELECT * FROM bench_purge_${table}`);
  }
  await client.query(`VACUUM ANALYZE ${PURGED_TABLES.join(', ')}`);
  await checkpoint(client);
}

/** After a purge, each table holds exactly what it held minus the copied rows. */
async function assertPurged(client: Client, remaining: Record<string, number>, who: string): Promise<void> {
  for (const table of PURGED_TABLES) {
    const [{ n }] = (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows;
    if (n !== remaining[table]) throw new Error(`after ${who}, ${table} holds ${n} rows instead of ${remaining[table]}`);
  }
}

interface PurgeRun extends Timed {
  batches: number;
  longestMs: number;
  over100: number;
  during: number[];
}

// --- main -------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const config = loadConfig(); // DATABASE_URL points at alloparents_bench (bench/data.sh)
  const pseudonymizer = new Pseudonymizer(config.pseudonymKey);
  const sealer = new CardSealer(pseudonymizer, new Encryptor(config.encryption));
  const today = new Date().toISOString().slice(0, 10);
  const expiredBand = addDays(today, -1000); // past retention 1,277 days after issue
  const validBand = addDays(today, -10);

  const client = new Client({ connectionString: config.database.url });
  await client.connect();
  await client.query(`SET statement_timeout = 0`);
  const { rows: [{ server_version: version }] } = await client.query(`SHOW server_version`);
  const loadBefore = load();
  log(`machine: ${machine([`PostgreSQL ${version}`])}`);
  // The server settings that move these figures, so that runs on differently tuned servers are not compared blindly.
  const settings = await client.query<{ name: string; setting: string }>(
    `SELECT name, current_setting(name) AS setting FROM unnest(ARRAY['shared_buffers', 'max_wal_size', 'checkpoint_timeout', 'wal_compression', 'synchronous_commit', 'autovacuum']) AS name`,
  );
  log(`PostgreSQL settings: ${settings.rows.map((r) => `${r.name}=${r.setting}`).join(', ')}`);
  log(`sizes: ${thousands(CARDS)} cards, ${thousands(CASCADES)} cascades, ${thousands(LOOKUPS)} look-ups per variant, ${ROUNDS} rounds; warm-up import of ${thousands(WARMUP_CARDS)} cards`);
  log(`load average before (1, 5, 15 min): ${loadBefore}`);
  // No autovacuum on the bench's tables, whatever the server's setting: the bench vacuums and
  // analyzes them itself at the same point before each timed phase, so that a background vacuum
  // cannot fall in one run and not in the other.
  for (const table of ['children', 'cards', 'cascades', 'cascade_numbers', 'parent_children', 'audit_events']) await client.query(`ALTER TABLE ${table} SET (autovacuum_enabled = off)`);

  // 1. The CSV: CARDS distinct children, one card each; every other one issued 1,000 days ago.
  const dir = mkdtempSync(join(os.tmpdir(), 'bench-'));
  const file = join(dir, 'cards.csv');
  const warmupFile = join(dir, 'warmup.csv');
  const numbers = await writeCsv(file, warmupFile, [expiredBand, validBand]);

  // 2. The import against its two ceilings, in rounds: sealing alone, raw COPY, the import (the
  //    last round's import stays for the look-ups and the purge). Each database phase starts from
  //    emptied tables and a checkpoint.
  log(`\n1. import (${defaultSealerCount()} sealer threads, chunks of ${thousands(DEFAULT_CHUNK_SIZE)}); warm-up on ${thousands(WARMUP_CARDS)} cards`);
  {
    const warm = await sealAlone(warmupFile, sealer, today);
    await emptyCardTables(client);
    await rawCopy(client, warm.batches);
    await emptyCardTables(client);
    await theImport(client, warmupFile, sealer, today);
  }
  const importRounds: { seal: Timed; copy: Timed; imported: Timed }[] = [];
  for (let round = 1; round <= ROUNDS; round += 1) {
    const seal = await sealAlone(file, sealer, today);
    await emptyCardTables(client);
    const copy = await rawCopy(client, seal.batches);
    seal.batches.length = 0;
    await emptyCardTables(client);
    const imported = await theImport(client, file, sealer, today);
    importRounds.push({ seal, copy, imported });
    log(`   round ${round} (load ${load()}):`);
    log(`     sealing alone  ${thousands(rate(seal)).padStart(9)} cards/s (${seal.seconds.toFixed(1)} s; ${perCard(seal.cpu, seal.cards)})`);
    log(`     raw COPY       ${thousands(rate(copy)).padStart(9)} cards/s (${copy.seconds.toFixed(1)} s; ${perCard(copy.cpu, copy.cards)})`);
    log(`     import         ${thousands(rate(imported)).padStart(9)} cards/s (${imported.seconds.toFixed(1)} s; ${perCard(imported.cpu, imported.cards)}; ${imported.note})`);
    log(`     import / raw COPY ${(rate(imported) / rate(copy)).toFixed(2)}, import / sealing alone ${(rate(imported) / rate(seal)).toFixed(2)}; ` +
      `sealing then COPY one after the other would reach ${thousands(1 / (1 / rate(seal) + 1 / rate(copy)))} cards/s`);
  }
  rmSync(dir, { recursive: true, force: true });

  // 3. Cascades (plain SQL), two numbers each, for every other child in hash order (unrelated to
  //    the file's order, so about half of them in each band: the purge removes about half of them).
  const t1 = Date.now();
  await client.query(`
    INSERT INTO cascades (child_id, status, activated_at, language)
    SELECT id, 'active', now(), 'fr' FROM (SELECT id, row_number() OVER (ORDER BY national_number_hash) AS r FROM children) c WHERE r % 2 = 0 LIMIT $1`, [CASCADES]);
  await client.query(`
    INSERT INTO cascade_numbers (cascade_id, position, e164, country)
    SELECT id, p, '+3247' || lpad((p * 1000000 + (hashtext(id::text) & 999999))::text, 7, '0'), 'BE' FROM cascades, generate_series(1, 2) p`);
  await client.query(`VACUUM ANALYZE`);
  const [{ count: cascades }] = (await client.query(`SELECT count(*)::int AS count FROM cascades`)).rows;
  log(`\ncascades: ${thousands(cascades)} with 2 numbers each, in ${((Date.now() - t1) / 1000).toFixed(1)} s`);

  // 4. Look-ups. The app's: HMAC, then PgCascadeStore on its own one-connection pool (as the
  //    call flow does them; the purge's CPU can then be told apart). The ceiling: the same
  //    statement, sent the same way (a named prepared statement, parameters bound), by a bare pg
  //    client with the hash ready. Also shown: the bare client with the statement unnamed
  //    (planned at every call).
  //    In LOOKUP_BLOCKS blocks, each variant on the same numbers, the order rotating per block.
  const db = createDataSource(config.database.url);
  await db.initialize();
  const lookUpOptions = createDataSource(config.database.url).options as DataSourceOptions & { extra: Record<string, unknown> };
  const lookUpDb = new DataSource({ ...lookUpOptions, extra: { ...lookUpOptions.extra, max: 1 } });
  await lookUpDb.initialize();
  const [{ pid: lookUpPid }] = await lookUpDb.query(`SELECT pg_backend_pid() AS pid`);
  const directory = new PgCascadeStore(new Database(lookUpDb));
  const bare = new Client({ connectionString: config.database.url });
  await bare.connect();
  const hashOf = (nn: string) => pseudonymizer.hash('national-number', nn);
  const randomNumber = () => numbers[Math.floor(Math.random() * numbers.length)];
  const appLookUp = async (nn: string): Promise<number> => {
    const start = process.hrtime.bigint();
    await directory.findByNationalNumberHash([hashOf(nn)]);
    return ms(process.hrtime.bigint() - start);
  };
  const variants = {
    app: async (nn: string, _hash: Buffer) => appLookUp(nn),
    bare: async (_nn: string, hash: Buffer) => {
      const start = process.hrtime.bigint();
      await bare.query({ name: CASCADE_BY_HASH, text: CASCADE_BY_HASH_SQL, values: [[hash]] });
      return ms(process.hrtime.bigint() - start);
    },
    unnamed: async (_nn: string, hash: Buffer) => {
      const start = process.hrtime.bigint();
      await bare.query(CASCADE_BY_HASH_SQL, [[hash]]);
      return ms(process.hrtime.bigint() - start);
    },
  };
  type Variant = keyof typeof variants;
  const order: Variant[] = ['app', 'bare', 'unnamed'];
  const times: Record<Variant, number[][]> = { app: [], bare: [], unnamed: [] };
  const perBlock = Math.ceil(LOOKUPS / LOOKUP_BLOCKS);
  for (const variant of order) for (let i = 0; i < Math.min(2000, LOOKUPS); i += 1) await variants[variant](randomNumber(), hashOf(randomNumber())); // warm-up
  const loadBeforeLookUps = load();
  for (let block = 0; block < LOOKUP_BLOCKS; block += 1) {
    const picks = Array.from({ length: perBlock }, randomNumber);
    const hashes = picks.map(hashOf);
    for (let k = 0; k < order.length; k += 1) {
      const variant = order[(block + k) % order.length];
      const samples: number[] = [];
      for (let i = 0; i < perBlock; i += 1) samples.push(await variants[variant](picks[i], hashes[i]));
      times[variant].push(samples);
    }
  }
  const sortedOf = (blocks: number[][]) => blocks.flat().sort((a, b) => a - b);
  const lookUp = Object.fromEntries(order.map((v) => [v, sortedOf(times[v])])) as Record<Variant, number[]>;
  // The spread: the p99 ratio in the first and in the second half of the blocks.
  const halves = [0, 1].map((h) => {
    const part = (v: Variant) => sortedOf(times[v].filter((_, b) => (b < LOOKUP_BLOCKS / 2) === (h === 0)));
    return percentile(part('app'), 99) / percentile(part('bare'), 99);
  });
  const describe = (sorted: number[]) =>
    `p50 ${percentile(sorted, 50).toFixed(3)} ms, p99 ${percentile(sorted, 99).toFixed(3)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms`;
  log(`\n2. look-ups (${thousands(perBlock * LOOKUP_BLOCKS)} random per variant, sequential, ${LOOKUP_BLOCKS} blocks alternating; load ${loadBeforeLookUps} → ${load()})`);
  log(`   app (HMAC + PgCascadeStore, TypeORM's pg pool)  ${describe(lookUp.app)}`);
  log(`   bare pg client, same statement (named)          ${describe(lookUp.bare)}`);
  log(`   bare pg client, statement unnamed (planned each) ${describe(lookUp.unnamed)}`);

  // 5. The purge of the expired half, 300 days ahead, against a plain batched DELETE of the same
  //    rows, each from the same restored state, each with the app's look-ups running beside it.
  const purgeNow = new Date(`${addDays(today, 300)}T02:17:00Z`);
  const cutoff = cardRecordCutoff(calendarDay(purgeNow, config.retention.timeZone));
  const expired = await snapshotExpired(client, cutoff);
  const lanes = expired.cards >= LANE_MIN_CARDS ? PURGE_LANES : 1;
  const size = config.retention.batchSize;
  const beside = async (work: () => Promise<Omit<PurgeRun, 'during'>>): Promise<PurgeRun> => {
    const during: number[] = [];
    let purging = true;
    const lookups = (async () => {
      while (purging) during.push(await appLookUp(randomNumber()));
    })();
    try {
      return { ...(await work()), during: during.sort((a, b) => a - b) };
    } finally {
      purging = false;
      await lookups;
    }
  };
  const appPurge = () =>
    beside(async () => {
      const purge = new RetentionPurge(new PgRetentionStore(new Database(db)), config.retention, () => purgeNow);
      const cpu0 = await cpuNow(client);
      const outcome = await purge.run({ dryRun: false });
      const cpu = cpuSince(cpu0, await cpuNow(client), [lookUpPid]);
      if (!outcome.ran) throw new Error('the purge did not run (lock held)');
      return { cards: outcome.counts.cards, seconds: outcome.elapsedMs / 1000, cpu, batches: outcome.batches, longestMs: outcome.maxBatchMs, over100: outcome.batchesOver100Ms };
    });
  // The same rows, in the purge's (issued_on, id) order, cut into as many lanes as the purge
  // uses, each on its own connection with the purge's commit setting: DELETE of the children in
  // batches of RETENTION_BATCH_SIZE, their cards, cascades, numbers and links going by the
  // foreign keys' ON DELETE CASCADE.
  const plainDelete = () =>
    beside(async () => {
      const clients = await Promise.all(
        Array.from({ length: lanes }, async () => {
          const c = new Client({ connectionString: config.database.url });
          await c.connect();
          await c.query(`SET synchronous_commit = off`);
          return c;
        }),
      );
      let batches = 0;
      let longestMs = 0;
      let over100 = 0;
      const perLane = Math.ceil(expired.childOrder.length / lanes);
      const cpu0 = await cpuNow(client);
      const t0 = process.hrtime.bigint();
      await Promise.all(
        clients.map(async (c, lane) => {
          const ids = expired.childOrder.slice(lane * perLane, (lane + 1) * perLane);
          for (let i = 0; i < ids.length; i += size) {
            const b0 = process.hrtime.bigint();
            await c.query(`DELETE FROM children WHERE id = ANY($1::uuid[])`, [ids.slice(i, i + size)]);
            const took = ms(process.hrtime.bigint() - b0);
            batches += 1;
            longestMs = Math.max(longestMs, took);
            if (took > 100) over100 += 1;
          }
        }),
      );
      const seconds = secondsSince(t0);
      const cpu = cpuSince(cpu0, await cpuNow(client), [lookUpPid]);
      await Promise.all(clients.map((c) => c.end()));
      return { cards: expired.cards, seconds, cpu, batches, longestMs, over100 };
    });
  log(`\n3. purge of ${thousands(expired.cards)} expired cards (${lanes} connection${lanes > 1 ? 's' : ''}, batches up to ${thousands(size)}), each run from the same restored rows, look-ups beside it`);
  const purgeRounds: { app: PurgeRun; plain: PurgeRun }[] = [];
  const describePurge = (r: PurgeRun) =>
    `${thousands(rate(r)).padStart(9)} cards/s (${r.seconds.toFixed(1)} s, ${r.batches} batches, longest ${r.longestMs.toFixed(1)} ms, ${r.over100} over 100 ms; ${perCard(r.cpu, r.cards)}; ` +
    `look-ups beside it: ${r.during.length}, p99 ${percentile(r.during, 99).toFixed(3)} ms)`;
  for (let round = 1; round <= ROUNDS; round += 1) {
    await restoreExpired(client, expired.childOrder);
    const app = await appPurge();
    await assertPurged(client, expired.remaining, 'the purge');
    await restoreExpired(client, expired.childOrder);
    const plain = await plainDelete();
    await assertPurged(client, expired.remaining, 'the plain DELETE');
    purgeRounds.push({ app, plain });
    log(`   round ${round} (load ${load()}):`);
    log(`     purge          ${describePurge(app)}`);
    log(`     plain DELETE   ${describePurge(plain)}`);
  }

  // 6. The table.
  const importRatios = importRounds.map((r) => rate(r.imported) / rate(r.copy));
  const sealRatios = importRounds.map((r) => rate(r.imported) / rate(r.seal));
  const purgeRatios = purgeRounds.map((r) => rate(r.app) / rate(r.plain));
  const lookUpRatio = percentile(lookUp.app, 99) / percentile(lookUp.bare, 99);
  const med = (values: number[]) => thousands(median(values));
  const rows: ResultRow[] = [
    {
      measure: `import, ${thousands(CARDS)} cards`,
      figure: `${med(importRounds.map((r) => rate(r.imported)))} cards/s`,
      ceiling: `raw COPY of the same sealed rows: ${med(importRounds.map((r) => rate(r.copy)))} cards/s`,
      ratio: ratioWithRounds(importRatios),
      target: '≥ 0.5',
      verdict: median(importRatios) >= 0.5 ? 'met' : 'missed',
    },
    {
      measure: 'import, against the privacy rules',
      figure: `${med(importRounds.map((r) => rate(r.imported)))} cards/s`,
      ceiling: `sealing alone (checks, 2 HMAC, AES-GCM; ${defaultSealerCount()} threads): ${med(importRounds.map((r) => rate(r.seal)))} cards/s`,
      ratio: ratioWithRounds(sealRatios),
      target: '—',
      verdict: '',
    },
    {
      measure: `look-up p99 (p50), ${thousands(perBlock * LOOKUP_BLOCKS)} random`,
      figure: `${percentile(lookUp.app, 99).toFixed(3)} ms (${percentile(lookUp.app, 50).toFixed(3)})`,
      ceiling: `bare pg loop, same statement: ${percentile(lookUp.bare, 99).toFixed(3)} ms (${percentile(lookUp.bare, 50).toFixed(3)})`,
      ratio: `${lookUpRatio.toFixed(2)} × (p50 ${(percentile(lookUp.app, 50) / percentile(lookUp.bare, 50)).toFixed(2)} ×; halves ${halves.map((h) => h.toFixed(2)).join(', ')}; spread ${spread(halves).toFixed(1)} %)`,
      target: '≤ 2 ×',
      verdict: lookUpRatio <= 2 ? 'met' : 'missed',
    },
    {
      measure: `purge, ${thousands(expired.cards)} expired cards`,
      figure: `${med(purgeRounds.map((r) => rate(r.app)))} cards/s (${median(purgeRounds.map((r) => r.app.seconds)).toFixed(1)} s)`,
      ceiling: `plain batched DELETE of the same rows: ${med(purgeRounds.map((r) => rate(r.plain)))} cards/s (${median(purgeRounds.map((r) => r.plain.seconds)).toFixed(1)} s)`,
      ratio: ratioWithRounds(purgeRatios),
      target: '≥ 0.5',
      verdict: median(purgeRatios) >= 0.5 ? 'met' : 'missed',
    },
    {
      measure: 'longest purge transaction',
      figure: `${Math.max(...purgeRounds.map((r) => r.app.longestMs)).toFixed(1)} ms`,
      ceiling: `plain DELETE: ${Math.max(...purgeRounds.map((r) => r.plain.longestMs)).toFixed(1)} ms`,
      ratio: '—',
      target: '—',
      verdict: '',
    },
    {
      measure: 'look-up p99 during the purge',
      figure: `${median(purgeRounds.map((r) => percentile(r.app.during, 99))).toFixed(3)} ms`,
      ceiling: `during the plain DELETE: ${median(purgeRounds.map((r) => percentile(r.plain.during, 99))).toFixed(3)} ms`,
      ratio: '—',
      target: '—',
      verdict: '',
    },
  ];
  log(`\nresults (ratios: median of the rounds; machine: ${machine([`PostgreSQL ${version}`])}; load average before ${loadBefore}, after ${load()})\n`);
  printTable(rows);
  await db.destroy();
  await lookUpDb.destroy();
  await bare.end();
  await client.end();
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
