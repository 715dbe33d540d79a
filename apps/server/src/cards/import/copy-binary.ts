import { randomBytes } from 'node:crypto';

/**
 * PostgreSQL's binary COPY format, for the bulk import's children and cards rows: no text
 * escaping of bytea (the hashes and sealed values would double in size as hex) and no parsing on
 * the server side.
 * https://www.postgresql.org/docs/15/sql-copy.html#id-1.9.3.55.9.4
 */
export const COPY_SIGNATURE = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]);
export const COPY_TRAILER = Buffer.from([0xff, 0xff]);

/** The COPY statements the rows below are encoded for (their column lists are the encoders' order). */
export const COPY_CHILDREN_SQL = `COPY children (id, national_number_hash) FROM STDIN (FORMAT binary)`;
export const COPY_CARDS_SQL = `COPY cards (id, child_id, issued_on, ingest_key, sealed, encryption_key_id) FROM STDIN (FORMAT binary)`;

const PG_EPOCH_DAY = Date.UTC(2000, 0, 1) / 86_400_000;

/** One children row for the import's fast path: id uuid, national_number_hash bytea. */
export function encodeChildRow(id: Buffer, hash: Buffer): Buffer {
  const row = Buffer.allocUnsafe(2 + (4 + 16) + (4 + hash.length));
  let at = row.writeInt16BE(2, 0);
  at = row.writeInt32BE(16, at);
  at += id.copy(row, at);
  at = row.writeInt32BE(hash.length, at);
  hash.copy(row, at);
  return row;
}

/** One cards row for the import's fast path: id uuid, child_id uuid, issued_on date, ingest_key bytea, sealed bytea, encryption_key_id text. */
export function encodeCardRow(id: Buffer, childId: Buffer, issuedOn: string, ingestKey: Buffer, sealed: Buffer, keyId: string): Buffer {
  const keyIdBytes = Buffer.from(keyId, 'utf8');
  const size = 2 + (4 + 16) * 2 + (4 + 4) + (4 + ingestKey.length) + (4 + sealed.length) + (4 + keyIdBytes.length);
  const row = Buffer.allocUnsafe(size);
  let at = row.writeInt16BE(6, 0);
  for (const uuid of [id, childId]) {
    at = row.writeInt32BE(16, at);
    at += uuid.copy(row, at);
  }
  at = row.writeInt32BE(4, at);
  const [y, m, d] = issuedOn.split('-').map(Number);
  at = row.writeInt32BE(Date.UTC(y, m - 1, d) / 86_400_000 - PG_EPOCH_DAY, at);
  for (const bytes of [ingestKey, sealed, keyIdBytes]) {
    at = row.writeInt32BE(bytes.length, at);
    at += bytes.copy(row, at);
  }
  return row;
}

/**
 * Time-ordered UUIDs (version 7 layout, RFC 9562: 48 bits of Unix milliseconds, version, 12 bits
 * counting within the millisecond, variant, 62 random bits), the same layout as the database's
 * uuid_time_ordered(): rows loaded together append to the ends of the primary keys.
 */
export class TimeOrderedIds {
  private lastMs = 0;
  private counter = 0;
  private random = Buffer.alloc(0);
  private at = 0;

  next(): Buffer {
    let ms = Date.now();
    if (ms <= this.lastMs) {
      ms = this.lastMs;
      this.counter += 1;
      if (this.counter > 0xfff) {
        ms += 1; // borrowed from the next millisecond: stays increasing
        this.counter = 0;
      }
    } else this.counter = 0;
    this.lastMs = ms;
    if (this.at + 8 > this.random.length) {
      this.random = randomBytes(8 * 1024);
      this.at = 0;
    }
    const id = Buffer.allocUnsafe(16);
    id.writeUIntBE(ms, 0, 6);
    id.writeUInt16BE(0x7000 | this.counter, 6);
    this.random.copy(id, 8, this.at, this.at + 8);
    this.at += 8;
    id[8] = (id[8] & 0x3f) | 0x80;
    return id;
  }
}
