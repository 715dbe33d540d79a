import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PgCallRecords } from '../../apps/server/src/calls/pg-call-records';
import { FinderLookupService } from '../../apps/server/src/cascades/finder-lookup.service';
import { PgCascadeDirectory } from '../../apps/server/src/cascades/persistence/pg-cascade-directory';
import { PgCascadeEnrolment } from '../../apps/server/src/cascades/persistence/pg-cascade-enrolment';
import { createDataSource } from '../../apps/server/src/database/data-source';
import { Pseudonymizer } from '../../apps/server/src/privacy/pseudonymizer';
import { testConfig } from '../support/test-config';
import { randomNationalNumber } from '../support/national-numbers';

describe('the finder look-up against PostgreSQL', () => {
  const config = testConfig();
  const pseudonymizer = new Pseudonymizer(config.pseudonymKey);
  let db: DataSource;
  let records: PgCallRecords;
  let enrolment: PgCascadeEnrolment;
  const nationalNumber = randomNationalNumber;
  const caller = () => `3249${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
  const service = (max = 5, now = () => new Date()) => new FinderLookupService(new PgCascadeDirectory(db), records, pseudonymizer, max, now);
  const newCall = async () => {
    const id = randomUUID();
    await records.callStarted(id, new Date());
    return id;
  };

  beforeAll(async () => {
    db = createDataSource(config.database.url);
    await db.initialize();
    records = new PgCallRecords(db);
    enrolment = new PgCascadeEnrolment(db, pseudonymizer);
  });
  afterAll(() => db.destroy());

  it('given an active cascade, then its numbers come back in order, and the national number is stored only as a keyed hash', async () => {
    const nn = nationalNumber();
    await enrolment.enrol({ nationalNumber: nn, issuedOn: '2026-01-10', status: 'active', language: 'de', numbers: [{ e164: '+32470000011', country: 'BE' }, { e164: '+32470000012', country: 'BE' }] });
    const callId = await newCall();
    const result = await service().lookUp(callId, nn, caller());
    expect(result).toMatchObject({ kind: 'found', language: 'de', legs: [{ position: 1, number: '+32470000011' }, { position: 2, number: '+32470000012' }] });
    const [stored] = await db.query(`SELECT national_number_hash, caller_hash FROM call_records WHERE id = $1`, [callId]);
    expect(Buffer.from(stored.national_number_hash).equals(pseudonymizer.hash('national-number', nn))).toBe(true);
    const dump = JSON.stringify(await db.query(`SELECT * FROM children c JOIN call_records r ON r.national_number_hash = c.national_number_hash WHERE r.id = $1`, [callId]));
    expect(dump).not.toContain(nn);
  });

  it.each([
    ['blocked', { status: 'blocked' as const, issuedOn: '2026-01-10' }],
    ['draft', { status: 'draft' as const, issuedOn: '2026-01-10' }],
    ['expired', { status: 'active' as const, issuedOn: '2020-01-10' }],
  ])('given a %s cascade, then the look-up says unavailable', async (reason, options) => {
    const nn = nationalNumber();
    await enrolment.enrol({ nationalNumber: nn, language: 'fr', numbers: [{ e164: '+32470000021', country: 'BE' }], ...options });
    expect(await service().lookUp(await newCall(), nn, caller())).toEqual({ kind: 'unavailable', reason });
  });

  it('given an unknown number, then the look-up says unavailable', async () => {
    expect(await service().lookUp(await newCall(), nationalNumber(), caller())).toEqual({ kind: 'unavailable', reason: 'unknown' });
  });

  it('given one caller asks for more distinct numbers than allowed within an hour, then further look-ups are throttled, while asking again for the same number is not', async () => {
    const who = caller();
    const numbers = [nationalNumber(), nationalNumber(), nationalNumber()];
    const lookUp = service(2);
    expect((await lookUp.lookUp(await newCall(), numbers[0], who)).kind).toBe('unavailable');
    expect((await lookUp.lookUp(await newCall(), numbers[1], who)).kind).toBe('unavailable');
    expect((await lookUp.lookUp(await newCall(), numbers[1], who)).kind).toBe('unavailable');
    expect(await lookUp.lookUp(await newCall(), numbers[2], who)).toEqual({ kind: 'throttled', limit: 'numbers-per-hour' });
    // Another caller is not affected.
    expect((await lookUp.lookUp(await newCall(), numbers[2], caller())).kind).toBe('unavailable');
  });

  it('given a cascade, then the database refuses an eighth number, a duplicate number and a position outside 1..7', async () => {
    const nn = nationalNumber();
    const { cascadeId } = await enrolment.enrol({ nationalNumber: nn, issuedOn: '2026-01-10', status: 'active', language: 'fr', numbers: [{ e164: '+32470000031', country: 'BE' }] });
    const insert = (position: number, e164: string) => db.query(`INSERT INTO cascade_numbers (cascade_id, position, e164, country) VALUES ($1, $2, $3, 'BE')`, [cascadeId, position, e164]);
    await expect(insert(8, '+32470000032')).rejects.toThrow(/ck_cascade_numbers_position/);
    await expect(insert(2, '+32470000031')).rejects.toThrow(/uq_cascade_numbers_e164/);
    await expect(insert(1, '+32470000033')).rejects.toThrow(/uq_cascade_numbers_position/);
    await expect(insert(2, '0470000033')).rejects.toThrow(/ck_cascade_numbers_e164/);
  });
});
