import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { CardSealer } from '../../apps/server/src/cards/domain/card-ingest';
import { CardProblem } from '../../apps/server/src/cards/domain/card-record';
import { importCardsCsv } from '../../apps/server/src/cards/import/card-csv-import';
import { Connection } from '../../apps/server/src/database/database';
import { Encryptor } from '../../apps/server/src/privacy/encryptor';
import { Pseudonymizer } from '../../apps/server/src/privacy/pseudonymizer';
import { cardRecord, daysAgo, randomCode } from '../support/cards-data';
import { testConfig } from '../support/test-config';

// Each import starts its sealer threads, which transpile their TypeScript source under jest:
// seconds on a loaded 2-core machine, so more than jest's default 5 s per test.
jest.setTimeout(30_000);

describe('npm run cards:import (COPY-based bulk import) against PostgreSQL', () => {
  const config = testConfig();
  const pseudonymizer = new Pseudonymizer(config.pseudonymKey);
  const sealer = new CardSealer(pseudonymizer, new Encryptor(config.encryption));
  const dir = mkdtempSync(join(tmpdir(), 'cards-import-'));
  let client: Client;
  let serial = 0;

  const csv = (lines: string[]) => {
    const file = join(dir, `cards-${++serial}.csv`);
    writeFileSync(file, `${lines.join('\r\n')}\r\n`);
    return file;
  };
  const row = (r: Record<string, string>) => [r.nationalNumber, r.contactCode, r.issuedOn, `"${r.firstName.replace(/"/g, '""')}"`, r.lastName].join(',');
  const header = 'nationalNumber,contactCode,issuedOn,firstName,lastName';
  const run = (file: string, chunkSize = 2, actorId = 'test') => {
    const rejected: [number, CardProblem[] | 'csv'][] = [];
    return importCardsCsv(new Connection(client), file, sealer, {
      chunkSize,
      today: new Date().toISOString().slice(0, 10),
      actor: { kind: 'operator', id: actorId },
      onRejected: (line, problems) => rejected.push([line, problems]),
    }).then((summary) => ({ summary, rejected }));
  };
  const storedCount = async (records: { nationalNumber: string }[]) =>
    Number(
      (
        await client.query(`SELECT count(*) FROM cards k JOIN children ch ON ch.id = k.child_id WHERE ch.national_number_hash = ANY($1)`, [
          records.map((r) => pseudonymizer.hash('national-number', r.nationalNumber)),
        ])
      ).rows[0].count,
    );

  const childCount = async (records: { nationalNumber: string }[]) =>
    Number(
      (await client.query(`SELECT count(*) FROM children WHERE national_number_hash = ANY($1)`, [records.map((r) => pseudonymizer.hash('national-number', r.nationalNumber))])).rows[0]
        .count,
    );

  beforeAll(async () => {
    client = new Client({ connectionString: config.database.url });
    await client.connect();
  });
  afterAll(() => client.end());

  it('given a file with good and bad rows, then the good rows are imported in chunks, each bad row is reported by line number and skipped', async () => {
    const good = [cardRecord({ firstName: 'Anne, "Nanou"' }), cardRecord(), cardRecord(), cardRecord(), cardRecord()];
    const future = cardRecord({ issuedOn: daysAgo(-1) });
    const file = csv([
      header,
      row(good[0]),
      row(cardRecord({ nationalNumber: '15031412300' })), // line 3: check digits (00 is never a mod-97 check)
      row(good[1]),
      `${good[2].nationalNumber},"unterminated,2026-01-01,A,B`, // line 5: broken quoting
      row(good[2]),
      row(future), // line 7
      '',
      row(good[3]),
      row(good[4]),
    ]);
    const { summary, rejected } = await run(file);
    expect(summary).toMatchObject({ imported: 5, alreadyPresent: 0, rejected: 3 });
    expect(rejected).toEqual([
      [3, [{ field: 'nationalNumber', problem: 'check-digits' }]],
      [5, 'csv'],
      [7, [{ field: 'issuedOn', problem: 'in-the-future' }]],
    ]);
    expect(await storedCount(good)).toBe(5);
    expect(await storedCount([future])).toBe(0);
    const [stored] = (
      await client.query(`SELECT k.encryption_key_id, k.sealed FROM cards k JOIN children ch ON ch.id = k.child_id WHERE ch.national_number_hash = $1`, [
        pseudonymizer.hash('national-number', good[0].nationalNumber),
      ])
    ).rows;
    expect(sealer.open(pseudonymizer.hash('national-number', good[0].nationalNumber), stored.encryption_key_id, stored.sealed)).toMatchObject({ firstName: 'Anne, "Nanou"', contactCode: good[0].contactCode });
  });

  it('given an import interrupted half-way, when it is run again on the whole file, then only the missing cards are added and none twice', async () => {
    const records = Array.from({ length: 9 }, () => cardRecord());
    await run(csv([header, ...records.slice(0, 4).map(row)]), 3);
    // Chunks of 3: [1-3] all present and [4-6] mixed fall back to the merge; [7-9] all new take the fast path.
    const { summary } = await run(csv([header, ...records.map(row)]), 3);
    expect(summary).toMatchObject({ imported: 5, alreadyPresent: 4, rejected: 0, fastChunks: 1, mergedChunks: 2 });
    expect(await storedCount(records)).toBe(9);
    expect(await childCount(records)).toBe(9);
    const again = await run(csv([header, ...records.map(row)]), 100);
    expect(again.summary).toMatchObject({ imported: 0, alreadyPresent: 9, fastChunks: 0, mergedChunks: 1 });
    expect(await storedCount(records)).toBe(9);
    expect(await childCount(records)).toBe(9);
  });

  it('given a chunk of new children only, then it takes the fast path: time-ordered ids, sealed values that open, the same audit counts as a merge', async () => {
    const records = Array.from({ length: 4 }, () => cardRecord());
    const actorId = `fast-path-${Date.now()}`;
    const { summary } = await run(csv([header, ...records.map(row)]), 10, actorId);
    expect(summary).toMatchObject({ imported: 4, alreadyPresent: 0, fastChunks: 1, mergedChunks: 0 });
    const hashes = records.map((r) => pseudonymizer.hash('national-number', r.nationalNumber));
    const { rows } = await client.query(
      `SELECT ch.national_number_hash, ch.id AS child_id, k.id, k.encryption_key_id, k.sealed, k.superseded_at FROM cards k JOIN children ch ON ch.id = k.child_id WHERE ch.national_number_hash = ANY($1)`,
      [hashes],
    );
    expect(rows).toHaveLength(4);
    for (const stored of rows) {
      expect([stored.child_id, stored.id].map((id: string) => id[14])).toEqual(['7', '7']); // UUID version 7
      expect(stored.superseded_at).toBeNull();
      const record = records[hashes.findIndex((h) => h.equals(stored.national_number_hash))];
      expect(sealer.open(stored.national_number_hash, stored.encryption_key_id, stored.sealed)).toEqual({ firstName: record.firstName, lastName: record.lastName, contactCode: record.contactCode });
    }
    const [audit] = (await client.query(`SELECT details FROM audit_events WHERE action = 'cards.ingested' AND actor_id = $1`, [actorId])).rows;
    expect(audit.details).toEqual({ received: 4, created: 4, alreadyPresent: 0, rejected: 0, blockedCascades: 0 });
  });

  it('given a chunk with two cards of the same new child, then it falls back to the merge: one child, and the older card is superseded', async () => {
    const older = cardRecord({ issuedOn: daysAgo(30) });
    const newer = cardRecord({ nationalNumber: older.nationalNumber, issuedOn: daysAgo(2) });
    const other = cardRecord();
    const { summary } = await run(csv([header, row(older), row(other), row(newer)]), 10);
    expect(summary).toMatchObject({ imported: 3, alreadyPresent: 0, fastChunks: 0, mergedChunks: 1 });
    expect(await childCount([older, other])).toBe(2);
    const { rows } = await client.query(
      `SELECT to_char(k.issued_on, 'YYYY-MM-DD') AS issued_on, k.sealed IS NULL AS erased FROM cards k JOIN children ch ON ch.id = k.child_id WHERE ch.national_number_hash = $1 ORDER BY k.issued_on`,
      [pseudonymizer.hash('national-number', older.nationalNumber)],
    );
    expect(rows).toEqual([
      { issued_on: older.issuedOn, erased: true },
      { issued_on: newer.issuedOn, erased: false },
    ]);
  });

  it('given a chunk with two cards of one new child issued the same day, then the later line of the file is the current card', async () => {
    const day = daysAgo(5);
    const first = cardRecord({ issuedOn: day });
    const second = { ...first, contactCode: randomCode() };
    const otherFirst = cardRecord({ issuedOn: day });
    const otherSecond = { ...otherFirst, contactCode: randomCode() };
    // One child's codes in line order, the other's in reverse: file order decides, not the codes.
    const { summary } = await run(csv([header, row(first), row(otherSecond), row(second), row(otherFirst)]), 10);
    expect(summary).toMatchObject({ imported: 4, mergedChunks: 1 });
    const currentCode = async (nationalNumber: string) => {
      const hash = pseudonymizer.hash('national-number', nationalNumber);
      const { rows } = await client.query(
        `SELECT k.encryption_key_id, k.sealed FROM cards k JOIN children ch ON ch.id = k.child_id WHERE ch.national_number_hash = $1 AND k.sealed IS NOT NULL`,
        [hash],
      );
      expect(rows).toHaveLength(1);
      return sealer.open(hash, rows[0].encryption_key_id, rows[0].sealed).contactCode;
    };
    expect(await currentCode(first.nationalNumber)).toBe(second.contactCode);
    expect(await currentCode(otherFirst.nationalNumber)).toBe(otherFirst.contactCode);
  });

  it('given columns in another order, then they are read by name', async () => {
    const r = cardRecord();
    const { summary } = await run(csv(['lastName,firstName,issuedOn,contactCode,nationalNumber', [r.lastName, r.firstName, r.issuedOn, r.contactCode, r.nationalNumber].join(',')]));
    expect(summary.imported).toBe(1);
  });

  it('given a file without the expected header, then it stops with a clear error before importing anything', async () => {
    const r = cardRecord();
    await expect(run(csv(['nn,code,date,first,last', row(r)]))).rejects.toThrow(/line 1 must be the header nationalNumber,contactCode,issuedOn,firstName,lastName/);
    expect(await storedCount([r])).toBe(0);
  });

  it('given a new card for a child with an active cascade, then the import blocks it like the API does', async () => {
    const first = cardRecord({ issuedOn: daysAgo(200) });
    await run(csv([header, row(first)]));
    await client.query(`INSERT INTO cascades (child_id, status, activated_at) SELECT id, 'active', now() FROM children WHERE national_number_hash = $1`, [pseudonymizer.hash('national-number', first.nationalNumber)]);
    const { summary } = await run(csv([header, row(cardRecord({ nationalNumber: first.nationalNumber, issuedOn: daysAgo(1) }))]));
    expect(summary.blockedCascades).toBe(1);
    const { rows } = await client.query(`SELECT c.status, c.blocked_reason FROM cascades c JOIN children ch ON ch.id = c.child_id WHERE ch.national_number_hash = $1`, [pseudonymizer.hash('national-number', first.nationalNumber)]);
    expect(rows).toEqual([{ status: 'blocked', blocked_reason: 'new-card' }]);
  });
});
