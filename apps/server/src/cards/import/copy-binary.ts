/**
 * PostgreSQL's binary COPY format, for the card staging table: no text escaping of bytea (the
 * hashes and sealed values would double in size as hex) and no parsing on the server side.
 * https://www.postgresql.org/docs/15/sql-copy.html#id-1.9.3.55.9.4
 */
export const COPY_SIGNATURE = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]);
export const COPY_TRAILER = Buffer.from([0xff, 0xff]);

const PG_EPOCH_DAY = Date.UTC(2000, 0, 1) / 86_400_000;

/** One staging row: ord int4, national_number_hash bytea, ingest_key bytea, issued_on date, sealed bytea, encryption_key_id text. */
export function encodeStagingRow(ord: number, hash: Buffer, ingestKey: Buffer, issuedOn: string, sealed: Buffer, keyId: string): Buffer {
  const keyIdBytes = Buffer.from(keyId, 'utf8');
  const size = 2 + (4 + 4) + (4 + hash.length) + (4 + ingestKey.length) + (4 + 4) + (4 + sealed.length) + (4 + keyIdBytes.length);
  const row = Buffer.allocUnsafe(size);
  let at = row.writeInt16BE(6, 0);
  at = row.writeInt32BE(4, at);
  at = row.writeInt32BE(ord, at);
  for (const bytes of [hash, ingestKey]) {
    at = row.writeInt32BE(bytes.length, at);
    at += bytes.copy(row, at);
  }
  at = row.writeInt32BE(4, at);
  const [y, m, d] = issuedOn.split('-').map(Number);
  at = row.writeInt32BE(Date.UTC(y, m - 1, d) / 86_400_000 - PG_EPOCH_DAY, at);
  for (const bytes of [sealed, keyIdBytes]) {
    at = row.writeInt32BE(bytes.length, at);
    at += bytes.copy(row, at);
  }
  return row;
}
