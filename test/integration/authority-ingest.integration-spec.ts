import { randomInt } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { AuthorityTokens } from '../../apps/server/src/cards/domain/authority-tokens';
import { CardSealer } from '../../apps/server/src/cards/domain/card-ingest';
import { ContactCodeVerifier } from '../../apps/server/src/cards/domain/contact-code-verifier';
import { makeNationalNumber } from '../../apps/server/src/cascades/domain/national-number';
import { Pseudonymizer } from '../../apps/server/src/privacy/pseudonymizer';
import { cardRecord, daysAgo, randomCode, cascadeWithOneNumber } from '../support/cards-data';
import { randomNationalNumber } from '../support/national-numbers';
import { startCardsApp } from '../support/cards-app';
import { testConfig } from '../support/test-config';

describe('POST /api/v1/authority/cards against PostgreSQL', () => {
  const config = testConfig();
  const pseudonymizer = new Pseudonymizer(config.pseudonymKey);
  let app: NestFastifyApplication;
  let db: DataSource;
  let token: string;
  let tokenId: string;

  const post = (body: unknown, bearer: string | null = token) =>
    app.inject({ method: 'POST', url: '/api/v1/authority/cards', payload: body as object, headers: bearer === null ? {} : { authorization: `Bearer ${bearer}` } });
  const hashOf = (nn: string) => pseudonymizer.hash('national-number', nn);
  const cardsOf = (nn: string): Promise<{ issued_on: string; sealed: Buffer | null; encryption_key_id: string | null; superseded_at: Date | null }[]> =>
    db.query(
      `SELECT to_char(k.issued_on, 'YYYY-MM-DD') AS issued_on, k.sealed, k.encryption_key_id, k.superseded_at
         FROM cards k JOIN children ch ON ch.id = k.child_id WHERE ch.national_number_hash = $1 ORDER BY k.seq`,
      [hashOf(nn)],
    );
  const cascadeOf = async (nn: string): Promise<{ status: string; blocked_reason: string | null; id: string }> =>
    (await db.query(`SELECT c.id, c.status, c.blocked_reason FROM cascades c JOIN children ch ON ch.id = c.child_id WHERE ch.national_number_hash = $1`, [hashOf(nn)]))[0];

  const cascadeFor = (nn: string, status: 'active' | 'draft') => cascadeWithOneNumber(db, hashOf(nn), status);

  beforeAll(async () => {
    ({ app, db } = await startCardsApp(config));
    ({ token, id: tokenId } = await app.get(AuthorityTokens).issue(`test-${Date.now()}-${Math.floor(Math.random() * 1e6)}`));
  });
  afterAll(async () => {
    await app.get(AuthorityTokens).revoke(tokenId);
    await app.close();
  });

  describe('authentication', () => {
    it.each([
      ['no Authorization header', null],
      ['a malformed token', 'not-a-token'],
      ['an unknown token', `apt_${'A'.repeat(43)}`],
    ])('given %s, then 401 and nothing is stored', async (_case, bearer) => {
      const record = cardRecord();
      const response = await post({ cards: [record] }, bearer);
      expect(response.statusCode).toBe(401);
      expect(await cardsOf(record.nationalNumber)).toHaveLength(0);
    });

    it('given a revoked token, then 401; the database holds only its hash', async () => {
      const tokens = app.get(AuthorityTokens);
      const issued = await tokens.issue(`revoked-${Date.now()}`);
      expect((await post({ cards: [cardRecord()] }, issued.token)).statusCode).toBe(200);
      expect(await tokens.revoke(issued.id)).toBe(1);
      expect((await post({ cards: [cardRecord()] }, issued.token)).statusCode).toBe(401);
      const dump = JSON.stringify(await db.query(`SELECT * FROM authority_tokens WHERE id = $1`, [issued.id]));
      expect(dump).not.toContain(issued.token.slice(4));
      expect((await tokens.list()).find((t) => t.id === issued.id)?.revokedAt).toBeInstanceOf(Date);
    });
  });

  it('given valid cards, then they are stored with the national number as a keyed hash and the names and code sealed, under the current key id', async () => {
    const record = cardRecord({ firstName: '  Zoë ', lastName: "D'Hondt", contactCode: 'ab12-cd34' });
    const response = await post({ cards: [record] });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ received: 1, accepted: [{ index: 0, outcome: 'created' }], rejected: [], blockedCascades: 0 });
    const [card] = await cardsOf(record.nationalNumber);
    expect(card).toMatchObject({ issued_on: record.issuedOn, encryption_key_id: config.encryption.current, superseded_at: null });
    expect(app.get(CardSealer).open(hashOf(record.nationalNumber), card.encryption_key_id!, card.sealed!)).toEqual({ firstName: 'Zoë', lastName: "D'Hondt", contactCode: 'AB12CD34' });
    const dump = JSON.stringify(await db.query(`SELECT ch.*, k.*, encode(k.sealed, 'escape') AS raw FROM cards k JOIN children ch ON ch.id = k.child_id WHERE ch.national_number_hash = $1`, [hashOf(record.nationalNumber)]));
    for (const secret of [record.nationalNumber, 'Zoë', 'Hondt', 'AB12CD34']) expect(dump).not.toContain(secret);
  });

  it('given a batch with good and bad records, then the good ones are stored and each bad one is rejected with its reasons', async () => {
    const good = cardRecord();
    const nn = randomNationalNumber();
    const badCheckDigits = nn.slice(0, 9) + String((Number(nn.slice(9)) + 1) % 100).padStart(2, '0');
    const batch = [
      cardRecord({ nationalNumber: badCheckDigits }),
      good,
      cardRecord({ issuedOn: daysAgo(-2) }),
      cardRecord({ issuedOn: '2026-02-30' }),
      cardRecord({ issuedOn: daysAgo(3 * 365 + 200) }),
      cardRecord({ nationalNumber: '1503141230', contactCode: 'x', firstName: '', lastName: 'A'.repeat(101) }),
      'not a record',
      cardRecord({ nationalNumber: 15031412345, firstName: 'Li\u0007na' }),
      cardRecord({ nationalNumber: '150314123xx', lastName: '1234' }),
    ];
    const response = await post({ cards: batch });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.accepted).toEqual([{ index: 1, outcome: 'created' }]);
    expect(body.rejected).toEqual([
      { index: 0, problems: [{ field: 'nationalNumber', problem: 'check-digits' }] },
      { index: 2, problems: [{ field: 'issuedOn', problem: 'in-the-future' }] },
      { index: 3, problems: [{ field: 'issuedOn', problem: 'date' }] },
      { index: 4, problems: [{ field: 'issuedOn', problem: 'past-retention' }] },
      {
        index: 5,
        problems: [
          { field: 'nationalNumber', problem: 'length' },
          { field: 'contactCode', problem: 'format' },
          { field: 'firstName', problem: 'missing' },
          { field: 'lastName', problem: 'length' },
        ],
      },
      { index: 6, problems: [{ field: 'record', problem: 'not-an-object' }] },
      { index: 7, problems: [{ field: 'nationalNumber', problem: 'not-a-string' }, { field: 'firstName', problem: 'characters' }] },
      { index: 8, problems: [{ field: 'nationalNumber', problem: 'not-digits' }, { field: 'lastName', problem: 'characters' }] },
    ]);
    expect(await cardsOf(good.nationalNumber)).toHaveLength(1);
    expect(await cardsOf(badCheckDigits)).toHaveLength(0);
    expect(response.body).not.toContain(good.nationalNumber);
  });

  it('given a card issued before the child was born, then it is rejected', async () => {
    const response = await post({ cards: [cardRecord({ nationalNumber: makeNationalNumber('251212', String(randomInt(1, 999)).padStart(3, '0'), true), issuedOn: '2025-12-01' })] });
    expect(response.json().rejected).toEqual([{ index: 0, problems: [{ field: 'issuedOn', problem: 'before-birth' }] }]);
  });

  it('given the same batch sent twice, then the second answer stores nothing new and reports every record as already present', async () => {
    const batch = [cardRecord(), cardRecord(), cardRecord()];
    batch.push({ ...batch[0] }); // the same record twice in one batch
    const first = (await post({ cards: batch })).json();
    expect(first.accepted.map((a: { outcome: string }) => a.outcome)).toEqual(['created', 'created', 'created', 'already-present']);
    const [{ count: before }] = await db.query(`SELECT count(*)::int AS count FROM cards`);
    const second = (await post({ cards: batch })).json();
    expect(second.accepted.map((a: { outcome: string }) => a.outcome)).toEqual(['already-present', 'already-present', 'already-present', 'already-present']);
    const [{ count: after }] = await db.query(`SELECT count(*)::int AS count FROM cards`);
    expect(after).toBe(before);
    for (const record of batch.slice(0, 3)) expect(await cardsOf(record.nationalNumber)).toHaveLength(1);
  });

  it('given a child whose cascade is active, when a new card arrives, then the cascade is blocked (new-card), the old code opens nothing and the new one does; a retry does not block it again', async () => {
    const verifier = app.get(ContactCodeVerifier);
    const oldCard = cardRecord({ issuedOn: daysAgo(400) });
    expect((await post({ cards: [oldCard] })).json().accepted).toEqual([{ index: 0, outcome: 'created' }]);
    const cascadeId = await cascadeFor(oldCard.nationalNumber, 'active');
    expect(await verifier.verify(oldCard.nationalNumber, oldCard.contactCode)).not.toBeNull();

    const newCard = cardRecord({ nationalNumber: oldCard.nationalNumber, issuedOn: daysAgo(2), firstName: 'Lina', lastName: 'Peeters' });
    const response = (await post({ cards: [newCard] })).json();
    expect(response).toMatchObject({ accepted: [{ index: 0, outcome: 'created' }], blockedCascades: 1 });
    expect(await cascadeOf(oldCard.nationalNumber)).toMatchObject({ id: cascadeId, status: 'blocked', blocked_reason: 'new-card' });
    expect(await verifier.verify(oldCard.nationalNumber, oldCard.contactCode)).toBeNull();
    expect(await verifier.verify(oldCard.nationalNumber, newCard.contactCode.toLowerCase())).toMatchObject({ childId: expect.any(String) });
    // The old card stays (its date counts for retention) with its names and code erased.
    expect((await cardsOf(oldCard.nationalNumber)).map((c) => [c.issued_on, c.sealed === null, c.superseded_at === null])).toEqual([
      [oldCard.issuedOn, true, false],
      [newCard.issuedOn, false, true],
    ]);

    const [audit] = await db.query(`SELECT actor_kind, actor_id, details FROM audit_events WHERE action = 'cascade.blocked' AND subject_id = $1`, [cascadeId]);
    expect(audit).toEqual({ actor_kind: 'authority', actor_id: tokenId, details: { reason: 'new-card' } });

    // A parent re-activates the cascade; the authority retries the same batch: nothing changes.
    await db.query(`UPDATE cascades SET status = 'active', blocked_reason = NULL WHERE id = $1`, [cascadeId]);
    expect((await post({ cards: [newCard] })).json()).toMatchObject({ accepted: [{ index: 0, outcome: 'already-present' }], blockedCascades: 0 });
    expect((await cascadeOf(oldCard.nationalNumber)).status).toBe('active');
  });

  it('given an older card arriving after a newer one, then it is kept as history with its code erased, and the cascade stays active', async () => {
    const verifier = app.get(ContactCodeVerifier);
    const current = cardRecord({ issuedOn: daysAgo(10) });
    await post({ cards: [current] });
    await cascadeFor(current.nationalNumber, 'active');
    const late = cardRecord({ nationalNumber: current.nationalNumber, issuedOn: daysAgo(300) });
    expect((await post({ cards: [late] })).json()).toMatchObject({ accepted: [{ index: 0, outcome: 'created' }], blockedCascades: 0 });
    expect((await cascadeOf(current.nationalNumber)).status).toBe('active');
    expect(await verifier.verify(current.nationalNumber, late.contactCode)).toBeNull();
    expect(await verifier.verify(current.nationalNumber, current.contactCode)).not.toBeNull();
  });

  it('given a card reissued on the same day with another code, then it is a new card and only its code opens; the database refuses the same card twice', async () => {
    const verifier = app.get(ContactCodeVerifier);
    const misprinted = cardRecord({ issuedOn: daysAgo(3) });
    const reissued = { ...misprinted, contactCode: randomCode() };
    expect((await post({ cards: [misprinted] })).json().accepted).toEqual([{ index: 0, outcome: 'created' }]);
    expect((await post({ cards: [reissued, misprinted] })).json().accepted).toEqual([
      { index: 0, outcome: 'created' },
      { index: 1, outcome: 'already-present' },
    ]);
    expect((await cardsOf(misprinted.nationalNumber)).map((c) => [c.issued_on, c.sealed === null])).toEqual([
      [misprinted.issuedOn, true],
      [reissued.issuedOn, false],
    ]);
    expect(await verifier.verify(misprinted.nationalNumber, misprinted.contactCode)).toBeNull();
    expect(await verifier.verify(misprinted.nationalNumber, reissued.contactCode)).not.toBeNull();
    // Not only the merge's ON CONFLICT: the constraint itself (child, issue day, ingest key).
    await expect(
      db.query(`INSERT INTO cards (child_id, issued_on, ingest_key) SELECT child_id, issued_on, ingest_key FROM cards k JOIN children ch ON ch.id = k.child_id WHERE ch.national_number_hash = $1 LIMIT 1`, [
        hashOf(misprinted.nationalNumber),
      ]),
    ).rejects.toMatchObject({ code: '23505', constraint: 'uq_cards_child_issued_ingest' });
  });

  it('given a draft cascade, when a new card arrives, then it stays a draft and only the new code is valid', async () => {
    const first = cardRecord({ issuedOn: daysAgo(100) });
    await post({ cards: [first] });
    await cascadeFor(first.nationalNumber, 'draft');
    const second = cardRecord({ nationalNumber: first.nationalNumber, issuedOn: daysAgo(1) });
    expect((await post({ cards: [second] })).json().blockedCascades).toBe(0);
    expect(await cascadeOf(first.nationalNumber)).toMatchObject({ status: 'draft', blocked_reason: null });
    expect(await app.get(ContactCodeVerifier).verify(first.nationalNumber, first.contactCode)).toBeNull();
  });

  it('given an unknown child or a wrong code, then verification fails the same way', async () => {
    const verifier = app.get(ContactCodeVerifier);
    const record = cardRecord();
    await post({ cards: [record] });
    expect(await verifier.verify(randomNationalNumber(), record.contactCode)).toBeNull();
    expect(await verifier.verify(record.nationalNumber, randomCode())).toBeNull();
    expect(await verifier.verify(record.nationalNumber, record.contactCode)).not.toBeNull();
  });

  it.each([
    ['a body that is not {cards: [...]}', [cardRecord()], 400, 'not-a-batch'],
    ['an empty batch', { cards: [] }, 400, 'empty-batch'],
    ['10,001 records', { cards: Array.from({ length: 10_001 }, () => cardRecord()) }, 413, 'batch-too-large'],
  ])('given %s, then %i and nothing is stored', async (_case, body, status, error) => {
    const [{ count: before }] = await db.query(`SELECT count(*)::int AS count FROM cards`);
    const response = await post(body);
    expect(response.statusCode).toBe(status);
    expect(response.json().error).toBe(error);
    const [{ count: after }] = await db.query(`SELECT count(*)::int AS count FROM cards`);
    expect(after).toBe(before);
  });

  it('given a batch of 10,000 cards, then all are stored in one request', async () => {
    const batch = Array.from({ length: 10_000 }, () => cardRecord());
    const response = await post({ cards: batch });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.received).toBe(10_000);
    expect(body.rejected).toEqual([]);
    // Random numbers may repeat inside the batch or match an earlier run's child with the same code: never twice.
    expect(body.accepted).toHaveLength(10_000);
    const hashes = batch.map((r) => hashOf(r.nationalNumber));
    const [{ count }] = await db.query(`SELECT count(DISTINCT ch.id)::int AS count FROM children ch JOIN cards k ON k.child_id = ch.id WHERE ch.national_number_hash = ANY($1)`, [hashes]);
    expect(count).toBe(new Set(batch.map((r) => r.nationalNumber)).size);
    await db.query(`DELETE FROM children WHERE national_number_hash = ANY($1)`, [hashes]);
  }, 60_000);
});
