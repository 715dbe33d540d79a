import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { AuthorityTokens } from '../../apps/server/src/cards/domain/authority-tokens';
import { ContactCodeVerifier } from '../../apps/server/src/cards/domain/contact-code-verifier';
import { Pseudonymizer } from '../../apps/server/src/privacy/pseudonymizer';
import { cardRecord, daysAgo, cascadeWithOneNumber } from '../support/cards-data';
import { startCardsApp } from '../support/cards-app';
import { randomNationalNumber } from '../support/national-numbers';
import { testConfig } from '../support/test-config';

describe('POST /api/v1/authority/cards/revocations against PostgreSQL', () => {
  const config = testConfig();
  const pseudonymizer = new Pseudonymizer(config.pseudonymKey);
  let app: NestFastifyApplication;
  let db: DataSource;
  let token: string;
  let tokenId: string;

  const post = (url: string, body: unknown, bearer: string | null = token) =>
    app.inject({ method: 'POST', url, payload: body as object, headers: bearer === null ? {} : { authorization: `Bearer ${bearer}` } });
  const ingest = (cards: unknown[]) => post('/api/v1/authority/cards', { cards });
  const revoke = (revocations: unknown, bearer?: string | null) => post('/api/v1/authority/cards/revocations', { revocations }, bearer);
  const hashOf = (nn: string) => pseudonymizer.hash('national-number', nn);
  const cardsOf = (nn: string): Promise<{ issued_on: string; sealed: Buffer | null; revoked: boolean }[]> =>
    db.query(
      `SELECT to_char(k.issued_on, 'YYYY-MM-DD') AS issued_on, k.sealed, k.revoked_at IS NOT NULL AS revoked
         FROM cards k JOIN children ch ON ch.id = k.child_id WHERE ch.national_number_hash = $1 ORDER BY k.seq`,
      [hashOf(nn)],
    );
  const cascadeOf = async (nn: string): Promise<{ id: string; status: string; blocked_reason: string | null }> =>
    (await db.query(`SELECT c.id, c.status, c.blocked_reason FROM cascades c JOIN children ch ON ch.id = c.child_id WHERE ch.national_number_hash = $1`, [hashOf(nn)]))[0];
  const auditOf = (subjectId: string): Promise<{ action: string; actor_kind: string; details: unknown }[]> =>
    db.query(`SELECT action, actor_kind, details FROM audit_events WHERE subject_id = $1 ORDER BY at, id`, [subjectId]);
  const cascadeFor = (nn: string, status: 'active' | 'draft') => cascadeWithOneNumber(db, hashOf(nn), status);

  beforeAll(async () => {
    ({ app, db } = await startCardsApp(config));
    ({ token, id: tokenId } = await app.get(AuthorityTokens).issue(`revocations-${Date.now()}`));
  });
  afterAll(async () => {
    await app.get(AuthorityTokens).revoke(tokenId);
    await app.close();
  });

  it('given no valid token, then 401 and the card still opens', async () => {
    const card = cardRecord();
    await ingest([card]);
    expect((await revoke([{ nationalNumber: card.nationalNumber, issuedOn: card.issuedOn }], null)).statusCode).toBe(401);
    expect((await revoke([{ nationalNumber: card.nationalNumber, issuedOn: card.issuedOn }], `apt_${'A'.repeat(43)}`)).statusCode).toBe(401);
    expect(await app.get(ContactCodeVerifier).verify(card.nationalNumber, card.contactCode)).not.toBeNull();
  });

  it("given the child's current card, then its code stops working, its names are erased, the active cascade is blocked as card-revoked, and both go to the audit trail", async () => {
    const verifier = app.get(ContactCodeVerifier);
    const card = cardRecord({ issuedOn: daysAgo(100) });
    await ingest([card]);
    const cascadeId = await cascadeFor(card.nationalNumber, 'active');

    const response = await revoke([{ nationalNumber: card.nationalNumber, issuedOn: card.issuedOn }]);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ received: 1, accepted: [{ index: 0, outcome: 'revoked' }], rejected: [], blockedCascades: 1 });
    expect(await cardsOf(card.nationalNumber)).toEqual([{ issued_on: card.issuedOn, sealed: null, revoked: true }]);
    expect(await verifier.verify(card.nationalNumber, card.contactCode)).toBeNull();
    expect(await cascadeOf(card.nationalNumber)).toEqual({ id: cascadeId, status: 'blocked', blocked_reason: 'card-revoked' });
    expect(await auditOf(cascadeId)).toEqual([expect.objectContaining({ action: 'cascade.blocked', actor_kind: 'authority', details: { reason: 'card-revoked' } })]);
    const [{ count }] = await db.query(
      `SELECT count(*)::int AS count FROM audit_events a JOIN cards k ON k.id = a.subject_id JOIN children ch ON ch.id = k.child_id
        WHERE a.action = 'card.revoked' AND ch.national_number_hash = $1`,
      [hashOf(card.nationalNumber)],
    );
    expect(count).toBe(1);
  });

  it('given the same batch again, then every record is already-revoked and nothing changes (idempotent)', async () => {
    const card = cardRecord();
    await ingest([card]);
    const cascadeId = await cascadeFor(card.nationalNumber, 'active');
    const batch = [{ nationalNumber: card.nationalNumber, issuedOn: card.issuedOn }];
    expect((await revoke(batch)).json()).toMatchObject({ accepted: [{ index: 0, outcome: 'revoked' }], blockedCascades: 1 });
    const auditBefore = await auditOf(cascadeId);
    expect((await revoke(batch)).json()).toEqual({ received: 1, accepted: [{ index: 0, outcome: 'already-revoked' }], rejected: [], blockedCascades: 0 });
    expect(await auditOf(cascadeId)).toEqual(auditBefore);
  });

  it('given a new card after the revocation, then the cascade stays blocked until re-activated, and only the new code opens it', async () => {
    const verifier = app.get(ContactCodeVerifier);
    const lost = cardRecord({ issuedOn: daysAgo(200) });
    await ingest([lost]);
    await cascadeFor(lost.nationalNumber, 'active');
    await revoke([{ nationalNumber: lost.nationalNumber, issuedOn: lost.issuedOn }]);

    const replacement = cardRecord({ nationalNumber: lost.nationalNumber, issuedOn: daysAgo(1) });
    expect((await ingest([replacement])).json()).toMatchObject({ accepted: [{ index: 0, outcome: 'created' }], blockedCascades: 0 });
    expect(await cascadeOf(lost.nationalNumber)).toMatchObject({ status: 'blocked', blocked_reason: 'card-revoked' });
    expect(await verifier.verify(lost.nationalNumber, lost.contactCode)).toBeNull();
    expect(await verifier.verify(lost.nationalNumber, replacement.contactCode)).not.toBeNull();
    // The lost card sent again (a retried batch) does not come back to life.
    expect((await ingest([lost])).json().accepted).toEqual([{ index: 0, outcome: 'already-present' }]);
    expect(await verifier.verify(lost.nationalNumber, lost.contactCode)).toBeNull();
  });

  it('given an older card than the current one, then it is revoked but the cascade keeps ringing', async () => {
    const old = cardRecord({ issuedOn: daysAgo(500) });
    const current = cardRecord({ nationalNumber: old.nationalNumber, issuedOn: daysAgo(20) });
    await ingest([old, current]);
    await cascadeFor(old.nationalNumber, 'active');
    expect((await revoke([{ nationalNumber: old.nationalNumber, issuedOn: old.issuedOn }])).json()).toMatchObject({ accepted: [{ index: 0, outcome: 'revoked' }], blockedCascades: 0 });
    expect(await cascadeOf(old.nationalNumber)).toMatchObject({ status: 'active', blocked_reason: null });
    expect(await app.get(ContactCodeVerifier).verify(old.nationalNumber, current.contactCode)).not.toBeNull();
  });

  it('given a cascade already blocked by a new card that is then revoked, then its reason becomes card-revoked', async () => {
    const first = cardRecord({ issuedOn: daysAgo(300) });
    await ingest([first]);
    await cascadeFor(first.nationalNumber, 'active');
    const second = cardRecord({ nationalNumber: first.nationalNumber, issuedOn: daysAgo(5) });
    expect((await ingest([second])).json().blockedCascades).toBe(1);
    expect((await cascadeOf(first.nationalNumber)).blocked_reason).toBe('new-card');
    expect((await revoke([{ nationalNumber: second.nationalNumber, issuedOn: second.issuedOn }])).json().blockedCascades).toBe(1);
    expect(await cascadeOf(first.nationalNumber)).toMatchObject({ status: 'blocked', blocked_reason: 'card-revoked' });
  });

  it('given a draft cascade, then the code is voided and the draft stays a draft (it never rang)', async () => {
    const card = cardRecord();
    await ingest([card]);
    await cascadeFor(card.nationalNumber, 'draft');
    expect((await revoke([{ nationalNumber: card.nationalNumber, issuedOn: card.issuedOn }])).json()).toMatchObject({ blockedCascades: 0 });
    expect(await cascadeOf(card.nationalNumber)).toMatchObject({ status: 'draft' });
    expect(await app.get(ContactCodeVerifier).verify(card.nationalNumber, card.contactCode)).toBeNull();
  });

  it('given a mixed batch, then bad records are rejected with their reasons, unknown cards are not-found, and the good ones are revoked; nothing personal is echoed', async () => {
    const card = cardRecord();
    await ingest([card]);
    const unknownChild = randomNationalNumber();
    const wrongCheckDigits = card.nationalNumber.slice(0, 9) + String((Number(card.nationalNumber.slice(9)) % 97) + 1).padStart(2, '0');
    const batch = [
      { nationalNumber: card.nationalNumber, issuedOn: card.issuedOn },
      { nationalNumber: wrongCheckDigits, issuedOn: card.issuedOn },
      { nationalNumber: card.nationalNumber, issuedOn: '2026-02-30' },
      'not an object',
      { nationalNumber: unknownChild, issuedOn: card.issuedOn },
      { nationalNumber: card.nationalNumber, issuedOn: daysAgo(3000) },
      { issuedOn: 20260101 },
    ];
    const response = await revoke(batch);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      received: 7,
      accepted: [
        { index: 0, outcome: 'revoked' },
        { index: 4, outcome: 'not-found' },
        { index: 5, outcome: 'not-found' },
      ],
      rejected: [
        { index: 1, problems: [{ field: 'nationalNumber', problem: 'check-digits' }] },
        { index: 2, problems: [{ field: 'issuedOn', problem: 'date' }] },
        { index: 3, problems: [{ field: 'record', problem: 'not-an-object' }] },
        { index: 6, problems: [{ field: 'nationalNumber', problem: 'missing' }, { field: 'issuedOn', problem: 'not-a-string' }] },
      ],
      blockedCascades: 0,
    });
    expect(response.body).not.toContain(card.nationalNumber);
    expect(response.body).not.toContain(unknownChild);
  });

  it.each([
    ['no batch', {}, 400, 'not-a-batch'],
    ['an empty batch', { revocations: [] }, 400, 'empty-batch'],
    ['more than 10,000 revocations', { revocations: Array.from({ length: 10_001 }, () => ({ nationalNumber: '00000000000', issuedOn: '2026-01-01' })) }, 413, 'batch-too-large'],
  ])('given %s, then %i with a clear error and nothing changes', async (_case, body, status, error) => {
    const response = await post('/api/v1/authority/cards/revocations', body);
    expect(response.statusCode).toBe(status);
    expect(response.json()).toMatchObject({ error });
  });
});
