import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Connection, isUniqueViolation } from '../../database/database';
import { AuditActor, CardSealer } from '../domain/card-ingest';
import { CardProblem } from '../domain/card-record';
import { CARD_MERGE_LOCK, mergeStagedCards, prepareStaging, recordIngest } from '../persistence/card-merge';
import { CardSealers, SealedBatch, rowsOf } from './card-sealers';
import { COPY_CARDS_SQL, COPY_CHILDREN_SQL, COPY_SIGNATURE, COPY_TRAILER } from './copy-binary';
import { splitCsvLine } from './csv-line';

/** Lines per message to a sealer thread, and how many such batches may wait to be taken back. */
export const SEAL_BATCH_LINES = 2_000;
export const MAX_BATCHES_SEALING = 16;
/** Rows per COPY transaction unless ImportOptions.chunkSize says otherwise. */
export const DEFAULT_CHUNK_SIZE = 50_000;

/** The CSV columns, in the header, in any order (names as the authority's API fields). */
export const CSV_COLUMNS = ['nationalNumber', 'contactCode', 'issuedOn', 'firstName', 'lastName'] as const;

export interface ImportProgress {
  lines: number;
  bytesRead: number;
  totalBytes: number;
  imported: number;
  alreadyPresent: number;
  rejected: number;
  blockedCascades: number;
  /** Chunks stored by the fast path (all children new), and by the staging + merge path. */
  fastChunks: number;
  mergedChunks: number;
}

export interface ImportSummary extends ImportProgress {
  elapsedMs: number;
}

export interface ImportOptions {
  /** Rows per COPY + merge transaction; an interrupted import loses at most the open chunk. */
  chunkSize?: number;
  today: string;
  actor: AuditActor;
  onProgress?: (progress: ImportProgress) => void;
  /** Called once per bad line, with its number and reasons (never its content: it is personal data). */
  onRejected?: (line: number, problems: CardProblem[] | 'csv') => void;
  /** Worker threads that check and seal (default: one per core, at most 4). */
  sealerThreads?: number;
}

/**
 * The initial load: streams a CSV file through the same checks as the API, then into PostgreSQL
 * by chunks. Each chunk is COPYed (binary, pg-copy-streams: COPY is several times faster than
 * multi-row INSERTs and streams without holding the chunk as SQL text) into the session's
 * staging table, then merged like an API batch (card-merge.ts) and committed. Lines are checked,
 * hashed and sealed by worker threads (card-sealers.ts), one per core, while the database merges
 * the previous chunk.
 *
 * A chunk whose children are all new (the initial load) skips the staging table: it is COPYed
 * straight into children and cards (storeAllNew), and merged as above only if a unique
 * constraint says some of it is already there.
 *
 * Re-running after an interruption is safe: cards already stored have the same ingest key and are
 * skipped (ON CONFLICT DO NOTHING), so only the missing ones are added.
 */
export async function importCardsCsv(client: Connection, file: string, sealer: CardSealer, options: ImportOptions): Promise<ImportSummary> {
  const started = Date.now();
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const progress: ImportProgress = { lines: 0, bytesRead: 0, totalBytes: statSync(file).size, imported: 0, alreadyPresent: 0, rejected: 0, blockedCascades: 0, fastChunks: 0, mergedChunks: 0 };
  await client.query(`SET statement_timeout = 0`);
  await prepareStaging(client);
  await prepareImportTables(client);

  const input = createReadStream(file);
  input.on('data', (chunk) => (progress.bytesRead += chunk.length));
  const lines = createInterface({ input, crlfDelay: Infinity });

  let columns: number[] | null = null;
  let rows: SealedRows = { count: 0, children: [], cards: [] };
  let rejectedInChunk = 0;
  let inFlight: Promise<void> = Promise.resolve();
  let sealers: CardSealers | null = null;
  // Batches of lines out to the sealer threads, taken back in file order; a bounded queue keeps
  // memory flat when the database is slower than the sealers.
  const sealing: Promise<SealedBatch>[] = [];
  let batch: string[] = [];
  let batchFirstLine = 0;

  const copy = (sql: string, chunk: Buffer[]) => client.copyIn(sql, [COPY_SIGNATURE, ...chunk, COPY_TRAILER]);
  const flush = (chunk: SealedRows, rejected: number): Promise<void> =>
    client.transaction(async () => {
      const count = chunk.count;
      if (count > 0 && (await storeAllNew(client, chunk, copy))) {
        await recordIngest(client, options.actor, { received: count + rejected, created: count, alreadyPresent: 0, rejected, blockedCascades: 0 });
        progress.imported += count;
        progress.fastChunks += 1;
      } else {
        if (count > 0) await stage(client, chunk, copy);
        const merged = await mergeStagedCards(client, { actor: options.actor, received: count + rejected, rejected, returnKeys: false });
        progress.imported += merged.created;
        progress.alreadyPresent += count - merged.created;
        progress.blockedCascades += merged.blockedCascades;
        progress.mergedChunks += 1;
      }
      options.onProgress?.(progress);
    });

  const take = async (): Promise<void> => {
    const sealed = await sealing.shift()!;
    for (const [lineNumber, problems] of sealed.rejected) {
      progress.rejected += 1;
      rejectedInChunk += 1;
      options.onRejected?.(lineNumber, problems);
    }
    // The batch's rows go to the open chunk as contiguous ranges, cut where a chunk fills up.
    for (let from = 0; from < sealed.count; ) {
      const to = Math.min(sealed.count, from + chunkSize - rows.count);
      rows.children.push(rowsOf(sealed.children, from, to));
      rows.cards.push(rowsOf(sealed.cards, from, to));
      rows.count += to - from;
      from = to;
      if (rows.count >= chunkSize) {
        await inFlight;
        inFlight = flush(rows, rejectedInChunk);
        // Unhandled until awaited: keep the rejection for the next await.
        inFlight.catch(() => undefined);
        rows = { count: 0, children: [], cards: [] };
        rejectedInChunk = 0;
      }
    }
  };
  const send = async (): Promise<void> => {
    if (batch.length === 0) return;
    sealing.push(sealers!.seal(batchFirstLine, columns!, batch));
    sealing[sealing.length - 1].catch(() => undefined);
    batch = [];
    if (sealing.length >= MAX_BATCHES_SEALING) await take();
  };

  try {
    for await (const line of lines) {
      progress.lines += 1;
      if (progress.lines === 1) {
        columns = headerColumns(line);
        sealers = new CardSealers(sealer, options.today, options.sealerThreads);
        continue;
      }
      if (batch.length === 0) batchFirstLine = progress.lines;
      batch.push(line);
      if (batch.length >= SEAL_BATCH_LINES) await send();
    }
    if (columns === null) throw new Error(`${file} is empty: expected a header line ${CSV_COLUMNS.join(',')}`);
    await send();
    while (sealing.length > 0) await take();
  } finally {
    await sealers?.close();
  }
  await inFlight;
  if (rows.count > 0 || rejectedInChunk > 0) await flush(rows, rejectedInChunk);
  return { ...progress, elapsedMs: Date.now() - started };
}

/** A chunk's cards as children rows and cards rows: ranges of rows, each one buffer. */
interface SealedRows {
  count: number;
  children: Buffer[];
  cards: Buffer[];
}

/**
 * The fast path of a chunk whose children are all new (the initial load): its children and cards
 * are COPYed straight into their tables with the ids the sealer threads made, inside a savepoint
 * and under the merge lock. For such a chunk this stores exactly what the merge would (a new
 * child has no older card to supersede and no cascade to block). If any child or card is already
 * there (a re-run after an interruption, a second card for a known child, twice the same child
 * in the chunk), a unique constraint stops the COPY, the savepoint is rolled back (nothing of the
 * attempt stays) and the caller merges the chunk instead: false.
 */
async function storeAllNew(client: Connection, chunk: SealedRows, copy: (sql: string, rows: Buffer[]) => Promise<void>): Promise<boolean> {
  await client.lockForTransaction(CARD_MERGE_LOCK);
  await client.query(`SAVEPOINT all_new`);
  try {
    await copy(COPY_CHILDREN_SQL, chunk.children);
    await copy(COPY_CARDS_SQL, chunk.cards);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    await client.query(`ROLLBACK TO SAVEPOINT all_new`);
    return false;
  }
  await client.query(`RELEASE SAVEPOINT all_new`);
  return true;
}

/**
 * The merge path's input: the chunk's children and cards rows, as encoded for the fast path, go
 * to temporary tables and from there to the merge's staging table, in file order (COPY fills the
 * identity column in the order it reads: a later line of the chunk is a later card).
 */
async function prepareImportTables(client: Connection): Promise<void> {
  await client.query(`CREATE TEMP TABLE IF NOT EXISTS card_import_children (id uuid, national_number_hash bytea) ON COMMIT DELETE ROWS`);
  await client.query(`
    CREATE TEMP TABLE IF NOT EXISTS card_import_cards (
      ord bigint GENERATED ALWAYS AS IDENTITY, id uuid, child_id uuid, issued_on date, ingest_key bytea, sealed bytea, encryption_key_id text
    ) ON COMMIT DELETE ROWS`);
}

async function stage(client: Connection, chunk: SealedRows, copy: (sql: string, rows: Buffer[]) => Promise<void>): Promise<void> {
  await copy(`COPY card_import_children (id, national_number_hash) FROM STDIN (FORMAT binary)`, chunk.children);
  await copy(`COPY card_import_cards (id, child_id, issued_on, ingest_key, sealed, encryption_key_id) FROM STDIN (FORMAT binary)`, chunk.cards);
  await client.query(`
    INSERT INTO card_staging (ord, national_number_hash, ingest_key, issued_on, sealed, encryption_key_id)
    SELECT row_number() OVER (ORDER BY k.ord), ch.national_number_hash, k.ingest_key, k.issued_on, k.sealed, k.encryption_key_id
      FROM card_import_cards k JOIN card_import_children ch ON ch.id = k.child_id`);
}

/** Where each expected column is in the file; a clear error when the header is not ours. */
export function headerColumns(line: string): number[] {
  const header = (splitCsvLine(line.replace(/^\uFEFF/, '')) ?? []).map((h) => h.trim());
  const missing = CSV_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0 || header.length !== CSV_COLUMNS.length) {
    throw new Error(`line 1 must be the header ${CSV_COLUMNS.join(',')} (any order); missing: ${missing.join(', ') || 'none'}, found ${header.length} columns`);
  }
  return CSV_COLUMNS.map((c) => header.indexOf(c));
}
