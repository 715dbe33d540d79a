// A worker thread of the bulk import (card-sealers.ts): checks, hashes and seals batches of CSV
// lines, and answers with the rows encoded for the binary COPY. Personal values stay in this
// process; only hashed and sealed rows, line numbers and problem codes go back.
import { parentPort, workerData } from 'node:worker_threads';
import { EncryptionKeys, Encryptor } from '../../privacy/encryptor';
import { Pseudonymizer } from '../../privacy/pseudonymizer';
import { CardSealer } from '../domain/card-ingest';
import { checkCardRecord } from '../domain/card-record';
import { TimeOrderedIds, encodeCardRow, encodeChildRow, encodeStagingRow } from './copy-binary';
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

parentPort!.on('message', (request: SealRequest) => {
  const rows: Buffer[] = [];
  const ends: number[] = [];
  const children: Buffer[] = [];
  const childEnds: number[] = [];
  const cards: Buffer[] = [];
  const cardEnds: number[] = [];
  const rejected: SealResult['rejected'] = [];
  let size = 0;
  let childSize = 0;
  let cardSize = 0;
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
    const row = encodeStagingRow(lineNumber, card.nationalNumberHash, card.ingestKey, card.issuedOn, card.sealed, card.keyId);
    rows.push(row);
    size += row.length;
    ends.push(size);
    // The same card as rows of children and cards, with their ids, for the fast path of a chunk
    // whose children are all new (card-csv-import.ts).
    const childId = ids.next();
    const child = encodeChildRow(childId, card.nationalNumberHash);
    children.push(child);
    childSize += child.length;
    childEnds.push(childSize);
    const cardRow = encodeCardRow(ids.next(), childId, card.issuedOn, card.ingestKey, card.sealed, card.keyId);
    cards.push(cardRow);
    cardSize += cardRow.length;
    cardEnds.push(cardSize);
  });
  const result: SealResult = {
    id: request.id,
    rows: Buffer.concat(rows, size),
    ends,
    children: Buffer.concat(children, childSize),
    childEnds,
    cards: Buffer.concat(cards, cardSize),
    cardEnds,
    rejected,
  };
  parentPort!.postMessage(result);
});
