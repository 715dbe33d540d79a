// A worker thread of the bulk import (card-sealers.ts): checks, hashes and seals batches of CSV
// lines, and answers with the rows encoded for the binary COPY. Personal values stay in this
// process; only hashed and sealed rows, line numbers and problem codes go back.
import { parentPort, workerData } from 'node:worker_threads';
import { EncryptionKeys, Encryptor } from '../../privacy/encryptor';
import { Pseudonymizer } from '../../privacy/pseudonymizer';
import { CardSealer } from '../domain/card-ingest';
import { checkCardRecord } from '../domain/card-record';
import { TimeOrderedIds, encodeCardRow, encodeChildRow } from './copy-binary';
import { splitCsvLine } from './csv-line';
import type { SealRequest, SealResult, SealerWorkerData } from './card-sealers';

const data = workerData as SealerWorkerData;
// Buffers cross the thread boundary as plain Uint8Arrays.
const buffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
const keys: Record<string, Buffer> = {};
for (const [id, key] of Object.entries(data.encryption.keys)) keys[id] = buffer(key);
const encryption: EncryptionKeys = { current: data.encryption.current, keys };
const sealer = new CardSealer(new Pseudonymizer(buffer(data.pseudonymKey)), new Encryptor(encryption));
const ids = new TimeOrderedIds();
const FIELDS = ['nationalNumber', 'contactCode', 'issuedOn', 'firstName', 'lastName'] as const;

/** Rows appended back to back, and where each ends; sent as one buffer (moved, not copied). */
class RowsOut {
  private readonly rows: Buffer[] = [];
  readonly ends: number[] = [];
  private size = 0;

  add(row: Buffer): void {
    this.rows.push(row);
    this.size += row.length;
    this.ends.push(this.size);
  }

  /** One buffer of its own (never a slice of Node's shared pool), so it can be transferred. */
  bytes(): ArrayBuffer {
    const buffer = new ArrayBuffer(this.size);
    const all = new Uint8Array(buffer);
    let at = 0;
    for (const row of this.rows) {
      all.set(row, at);
      at += row.length;
    }
    return buffer;
  }
}

parentPort!.on('message', (request: SealRequest) => {
  // Each good line as a children row and a cards row, with their time-ordered ids: the fast path
  // COPYs them straight into those tables; the merge path into temporary ones (card-csv-import.ts).
  const children = new RowsOut();
  const cards = new RowsOut();
  const rejected: SealResult['rejected'] = [];
  request.lines.forEach((line, i) => {
    const lineNumber = request.firstLine + i;
    if (line.trim() === '') return;
    const fields = splitCsvLine(line);
    if (!fields || fields.length !== FIELDS.length) {
      rejected.push([lineNumber, 'csv']);
      return;
    }
    const record: Record<string, string> = {};
    FIELDS.forEach((name, j) => (record[name] = fields[request.columns[j]]));
    const check = checkCardRecord(record, data.today);
    if (!check.valid) {
      rejected.push([lineNumber, check.problems]);
      return;
    }
    const card = sealer.prepare(check.card);
    const childId = ids.next();
    children.add(encodeChildRow(childId, card.nationalNumberHash));
    cards.add(encodeCardRow(ids.next(), childId, card.issuedOn, card.ingestKey, card.sealed, card.keyId));
  });
  const [childBytes, cardBytes] = [children.bytes(), cards.bytes()];
  const result: SealResult = { id: request.id, children: new Uint8Array(childBytes), childEnds: children.ends, cards: new Uint8Array(cardBytes), cardEnds: cards.ends, rejected };
  parentPort!.postMessage(result, [childBytes, cardBytes]);
});
