import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EncryptionKeys } from '../../privacy/encryptor';
import type { CardSealer } from '../domain/card-ingest';
import type { CardProblem } from '../domain/card-record';

export interface SealerWorkerData {
  pseudonymKey: Uint8Array;
  encryption: { current: string; keys: Record<string, Uint8Array> };
  today: string;
}

export interface SealRequest {
  id: number;
  firstLine: number;
  /** Where each expected column (CSV_COLUMNS order) is in a line. */
  columns: number[];
  lines: string[];
}

export interface SealResult {
  id: number;
  /** The good lines' cards as children rows and cards rows (binary COPY), ids included, back to back; `childEnds[i]` is where row i ends. */
  children: Uint8Array;
  childEnds: number[];
  cards: Uint8Array;
  cardEnds: number[];
  rejected: [line: number, problems: CardProblem[] | 'csv'][];
}

/**
 * The sealed rows of one batch of lines, in line order, and the bad lines. Each encoding is one
 * buffer of rows back to back (`ends[i]` is where row i ends), so that COPY is written a whole
 * range of rows at a time: a buffer per row meant two socket writes per row.
 */
export interface SealedBatch {
  count: number;
  children: RowRun;
  cards: RowRun;
  rejected: SealResult['rejected'];
}

/** Encoded rows back to back, and where each ends. */
export interface RowRun {
  bytes: Buffer;
  ends: number[];
}

/** Rows [from, to) of a run, as one buffer (no copy). */
export function rowsOf(run: RowRun, from: number, to: number): Buffer {
  return run.bytes.subarray(from === 0 ? 0 : run.ends[from - 1], to === 0 ? 0 : run.ends[to - 1]);
}

/** One worker per core by default: checking, hashing and sealing is the import's CPU cost. */
export const defaultSealerCount = (): number => Math.max(1, Math.min(4, availableParallelism()));

// Under ts-jest (the integration tests), the worker runs from its TypeScript source, transpiled
// on load with the TypeScript compiler (a development dependency, present wherever .ts runs).
const TS_BOOTSTRAP = `
const ts = require('typescript');
const fs = require('fs');
require.extensions['.ts'] = (module, file) => module._compile(ts.transpileModule(fs.readFileSync(file, 'utf8'), {
  fileName: file, compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
}).outputText, file);
require(require('worker_threads').workerData.entry);
`;

/**
 * Worker threads that check and seal CSV lines for the bulk import, so that sealing uses every
 * core while the main thread reads the file and streams COPY. Batches go round-robin; results
 * come back in the order they were asked for.
 */
export class CardSealers {
  private readonly workers: Worker[];
  private readonly pending = new Map<number, { resolve: (r: SealResult) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private failure: Error | null = null;
  private closing = false;

  constructor(sealer: CardSealer, today: string, count = defaultSealerCount()) {
    const keys: { pseudonymKey: Buffer; encryption: EncryptionKeys } = sealer.keysForWorkerThread();
    const data: SealerWorkerData = { pseudonymKey: keys.pseudonymKey, encryption: keys.encryption, today };
    const compiled = join(__dirname, 'card-seal-worker.js');
    this.workers = Array.from({ length: count }, () => {
      const worker = existsSync(compiled)
        ? new Worker(compiled, { workerData: data })
        : new Worker(TS_BOOTSTRAP, { eval: true, workerData: { ...data, entry: join(__dirname, 'card-seal-worker.ts') } });
      worker.on('message', (result: SealResult) => {
        const waiting = this.pending.get(result.id);
        this.pending.delete(result.id);
        waiting?.resolve(result);
      });
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => {
        if (code !== 0 && !this.closing) this.fail(new Error(`a card sealer thread stopped (exit code ${code})`));
      });
      return worker;
    });
  }

  seal(firstLine: number, columns: number[], lines: string[]): Promise<SealedBatch> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const result = new Promise<SealResult>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    const request: SealRequest = { id, firstLine, columns, lines };
    this.workers[id % this.workers.length].postMessage(request);
    const run = (bytes: Uint8Array, ends: number[]): RowRun => ({ bytes: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), ends });
    return result.then((r) => ({ count: r.cardEnds.length, children: run(r.children, r.childEnds), cards: run(r.cards, r.cardEnds), rejected: r.rejected }));
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
  }
}
