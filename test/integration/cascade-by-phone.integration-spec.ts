import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { AuthorityTokens } from '../../apps/server/src/cards/domain/authority-tokens';
import { keypadForm } from '../../apps/server/src/cards/domain/card-record';
import { ContactCodeVerifier } from '../../apps/server/src/cards/domain/contact-code-verifier';
import { Database } from '../../apps/server/src/database/database';
import { CascadeByPhone } from '../../apps/server/src/portal/domain/cascade-by-phone';
import { LINK_MAX_FAILURES, LinkLockout } from '../../apps/server/src/portal/domain/link-lockout';
import { CURRENT_TERMS_VERSION } from '../../apps/server/src/portal/domain/parent-children';
import { PgLinkAttemptStore } from '../../apps/server/src/portal/persistence/pg-link-attempt-store';
import { PgParentChildrenStore } from '../../apps/server/src/portal/persistence/pg-parent-children-store';
import { Pseudonymizer } from '../../apps/server/src/privacy/pseudonymizer';
import type { PhoneCascade } from '../../apps/server/src/telephony/parent-line/parent-line-machine';
import { cardRecord, cascadeWithOneNumber } from '../support/cards-data';
import { startCardsApp } from '../support/cards-app';
import { testConfig } from '../support/test-config';

/** The parents' line's side of the portal on PostgreSQL: the code on a keypad, the lock-out, and each change under the portal's rules. */
describe('managing a list by phone (CascadeByPhone) against PostgreSQL', () => {
  const config = testConfig();
  const pseudonymizer = new Pseudonymizer(config.pseudonymKey);
  let app: NestFastifyApplication;
  let db: DataSource;
  let desk: CascadeByPhone;
  let token: string;
  let tokenId: string;
  const codeRequests: string[] = [];
  const callerNumber = () => `+3247${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;

  beforeAll(async () => {
    ({ app, db } = await startCardsApp(config));
    ({ token, id: tokenId } = await app.get(AuthorityTokens).issue(`cascade-by-phone-${Date.now()}`));
    const database = app.get(Database);
    desk = new CascadeByPhone(
      { requestCodeByPhone: async (_caller, nationalNumber) => (codeRequests.push(nationalNumber), 'accepted') },
      new PgParentChildrenStore(database, 'fr'),
      app.get(ContactCodeVerifier),
      new LinkLockout(new PgLinkAttemptStore(database)),
      pseudonymizer,
      { serviceNumbers: ['3278150000'], hotlineNumber: '116000' },
    );
  });
  afterAll(async () => {
    await app.get(AuthorityTokens).revoke(tokenId);
    await app.close();
  });

  /** A child with a card (and, if asked, a list): what the caller proves and what they change. */
  async function child(list?: 'active' | 'draft') {
    const card = cardRecord({ contactCode: 'AB12-CD34-XY' });
    const response = await app.inject({ method: 'POST', url: '/api/v1/authority/cards', payload: { cards: [card] }, headers: { authorization: `Bearer ${token}` } });
    expect(response.statusCode).toBe(200);
    const hash = pseudonymizer.hash('national-number', card.nationalNumber);
    const cascadeId = list ? await cascadeWithOneNumber(db, hash, list) : null;
    return { nationalNumber: card.nationalNumber, keys: keypadForm(card.contactCode), cascadeId, hash };
  }

  async function open(nationalNumber: string, keys: string, caller = callerNumber()): Promise<PhoneCascade> {
    const result = await desk.openCascade(caller, nationalNumber, keys);
    if (result.outcome !== 'opened') throw new Error(`expected the list to open, got ${result.outcome}`);
    return result.cascade;
  }

  it('given the code typed on the keypad (letters on their keys), then the child\'s list opens; the code as letters, or another child\'s number, does not', async () => {
    const { nationalNumber, keys } = await child('active');
    expect(keys).toBe('2212233499');
    expect(await open(nationalNumber, keys)).toMatchObject({ status: 'active', numbers: ['+32470000041'] });
    expect(await desk.openCascade(callerNumber(), nationalNumber, 'AB12CD34XY')).toEqual({ outcome: 'refused' });
    expect(await desk.openCascade(callerNumber(), (await child()).nationalNumber, keys.replace(/.$/, '8'))).toEqual({ outcome: 'refused' });
  });

  it('given wrong codes, then each counts against the child\'s number and the caller; at the fifth within the hour the list is locked, even for the right code', async () => {
    const { nationalNumber, keys, hash } = await child('active');
    const caller = callerNumber();
    for (let i = 0; i < LINK_MAX_FAILURES; i += 1) expect(await desk.openCascade(caller, nationalNumber, '00000000')).toEqual({ outcome: 'refused' });
    expect(await desk.openCascade(callerNumber(), nationalNumber, keys)).toEqual({ outcome: 'locked' });
    const rows = await db.query(`SELECT subject_kind, count(*)::int AS n FROM link_attempts WHERE subject_hash = ANY($1::bytea[]) GROUP BY 1 ORDER BY 1`, [
      [hash, pseudonymizer.hash('caller', caller.replace(/\D/g, ''))],
    ]);
    expect(rows).toEqual([
      { subject_kind: 'caller', n: LINK_MAX_FAILURES },
      { subject_kind: 'national-number', n: LINK_MAX_FAILURES },
    ]);
    // The same caller, for another child: locked as an account would be.
    const other = await child('active');
    expect(await desk.openCascade(caller, other.nationalNumber, other.keys)).toEqual({ outcome: 'locked' });
  });

  it('given a child without a list, when a number is added, then a draft list is created in the caller\'s language with it; the portal\'s rules refuse the rest and change nothing', async () => {
    const { nationalNumber, keys } = await child();
    const { childId, status } = await open(nationalNumber, keys);
    expect(status).toBe('none');
    expect(await desk.changeCascade(childId, { kind: 'add', typed: '0470123456' }, 'nl')).toEqual({ outcome: 'changed', cascade: { childId, status: 'draft', numbers: ['+32470123456'] } });
    expect((await db.query(`SELECT language FROM cascades WHERE child_id = $1`, [childId]))[0].language).toBe('nl');
    const refusal = async (typed: string) => {
      const result = await desk.changeCascade(childId, { kind: 'add', typed }, 'nl');
      return result.outcome === 'refused' ? result.problem : 'changed';
    };
    expect(await refusal('123')).toBe('invalid');
    expect(await refusal('090012345')).toBe('not-allowed');
    expect(await refusal('116000')).toBe('not-allowed');
    expect(await refusal('078150000')).toBe('not-allowed');
    expect(await refusal('0014155550123')).toBe('not-allowed');
    expect(await refusal('0032470123456')).toBe('duplicate');
    expect(await refusal('0031612345678')).toBe('changed');
    for (let i = 3; i <= 7; i += 1) expect(await refusal(`04711111${i}${i}`)).toBe('changed');
    expect(await refusal('0470999999')).toBe('full');
    expect((await open(nationalNumber, keys)).numbers).toEqual(['+32470123456', '+31612345678', '+32471111133', '+32471111144', '+32471111155', '+32471111166', '+32471111177']);
  });

  it('given an active list, then a number is deleted only where the caller heard it, the last one is kept, and moving up swaps two places', async () => {
    const { nationalNumber, keys, cascadeId } = await child('active');
    const { childId } = await open(nationalNumber, keys);
    expect(await desk.changeCascade(childId, { kind: 'delete', position: 1, number: '+32470000041' }, 'fr')).toMatchObject({ outcome: 'refused', problem: 'last-number' });
    await desk.changeCascade(childId, { kind: 'add', typed: '0470000042' }, 'fr');
    expect(await desk.changeCascade(childId, { kind: 'move-up', position: 2, number: '+32470000042' }, 'fr')).toMatchObject({ outcome: 'changed', cascade: { numbers: ['+32470000042', '+32470000041'] } });
    // The caller heard the list before the move: the number at place 2 is no longer the one heard.
    expect(await desk.changeCascade(childId, { kind: 'delete', position: 2, number: '+32470000042' }, 'fr')).toMatchObject({ outcome: 'refused', problem: 'changed', cascade: { numbers: ['+32470000042', '+32470000041'] } });
    expect(await desk.changeCascade(childId, { kind: 'delete', position: 2, number: '+32470000041' }, 'fr')).toMatchObject({ outcome: 'changed', cascade: { status: 'active', numbers: ['+32470000042'] } });
    const audit = await db.query(`SELECT actor_id, details FROM audit_events WHERE action = 'cascade.numbers-saved' AND subject_id = $1 ORDER BY at, id`, [cascadeId]);
    expect(audit).toEqual([
      { actor_id: null, details: { numbers: 2, by: 'phone' } },
      { actor_id: null, details: { numbers: 2, by: 'phone' } },
      { actor_id: null, details: { numbers: 1, by: 'phone' } },
    ]);
  });

  it('given a draft list, then activating records the current terms as accepted by phone; pausing and resuming follow, each audited as by phone', async () => {
    const { nationalNumber, keys, cascadeId } = await child('draft');
    const { childId } = await open(nationalNumber, keys);
    expect(await desk.changeCascade(childId, { kind: 'resume' }, 'fr')).toMatchObject({ outcome: 'refused', problem: 'changed' });
    expect(await desk.changeCascade(childId, { kind: 'activate' }, 'fr')).toMatchObject({ outcome: 'changed', cascade: { status: 'active' } });
    expect(await desk.changeCascade(childId, { kind: 'activate' }, 'fr')).toMatchObject({ outcome: 'refused', problem: 'changed' });
    expect(await desk.changeCascade(childId, { kind: 'pause' }, 'fr')).toMatchObject({ outcome: 'changed', cascade: { status: 'paused' } });
    expect(await desk.changeCascade(childId, { kind: 'delete', position: 1, number: '+32470000041' }, 'fr')).toMatchObject({ outcome: 'refused', problem: 'last-number' });
    expect(await desk.changeCascade(childId, { kind: 'resume' }, 'fr')).toMatchObject({ outcome: 'changed', cascade: { status: 'active' } });
    const [cascade] = await db.query(`SELECT terms_version, terms_accepted_at FROM cascades WHERE id = $1`, [cascadeId]);
    expect(cascade.terms_version).toBe(CURRENT_TERMS_VERSION);
    const audit = await db.query(`SELECT action, actor_id, details->>'by' AS by FROM audit_events WHERE subject_id = $1 ORDER BY at, id`, [cascadeId]);
    expect(audit.map((a: { action: string }) => a.action)).toEqual(['cascade.activated', 'cascade.paused', 'cascade.resumed']);
    expect(audit.every((a: { actor_id: string | null; by: string }) => a.actor_id === null && a.by === 'phone')).toBe(true);
  });

  it('passes the lost-code request on to the portal\'s code requests unchanged', async () => {
    const { nationalNumber } = await child('active');
    expect(await desk.requestCodeByPhone(callerNumber(), nationalNumber)).toBe('accepted');
    expect(codeRequests.at(-1)).toBe(nationalNumber);
  });
});
