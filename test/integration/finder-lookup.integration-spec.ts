import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PgCallRecordStore } from '../../apps/server/src/calls/persistence/pg-call-record-store';
import { CallCaps, openCallMaxAgeMs } from '../../apps/server/src/cascades/domain/call-caps';
import { FinderLookupService } from '../../apps/server/src/cascades/finder-lookup.service';
import { PgCascadeStore } from '../../apps/server/src/cascades/persistence/pg-cascade-store';
import { PgEnrolmentStore } from '../../apps/server/src/cascades/persistence/pg-enrolment-store';
import { Database } from '../../apps/server/src/database/database';
import { createDataSource } from '../../apps/server/src/database/data-source';
import { Pseudonymizer } from '../../apps/server/src/privacy/pseudonymizer';
import { testConfig } from '../support/test-config';
import { randomNationalNumber } from '../support/national-numbers';

describe('the finder look-up against PostgreSQL', () => {
  const config = testConfig();
  const pseudonymizer = new Pseudonymizer(config.pseudonymKey);
  let db: DataSource;
  let records: PgCallRecordStore;
  let enrolment: PgEnrolmentStore;
  const nationalNumber = randomNationalNumber;
  const caller = () => `3249${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
  const service = (max = 5, now = () => new Date()) => new FinderLookupService(new PgCascadeStore(new Database(db)), records, pseudonymizer, max, now);
  const newCall = async () => {
    const id = randomUUID();
    await records.callStarted(id, new Date());
    return id;
  };

  beforeAll(async () => {
    db = createDataSource(config.database.url);
    await db.initialize();
    records = new PgCallRecordStore(new Database(db));
    enrolment = new PgEnrolmentStore(new Database(db), pseudonymizer);
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

  it('given a card past its three years, then its cascade still rings until its record is due for deletion (3 years and 6 months), and not the day after', async () => {
    const nn = nationalNumber();
    await enrolment.enrol({ nationalNumber: nn, issuedOn: '2023-05-10', status: 'active', language: 'fr', numbers: [{ e164: '+32470000031', country: 'BE' }] });
    const on = (day: string) => () => new Date(`${day}T12:00:00Z`);
    expect((await service(5, on('2026-05-11')).lookUp(await newCall(), nn, caller())).kind).toBe('found');
    expect((await service(5, on('2026-11-10')).lookUp(await newCall(), nn, caller())).kind).toBe('found');
    expect(await service(5, on('2026-11-11')).lookUp(await newCall(), nn, caller())).toEqual({ kind: 'unavailable', reason: 'expired' });
  });

  it('given an active cascade an operator suspended, then the look-up says blocked (the hotline), and once resumed it rings again', async () => {
    const nn = nationalNumber();
    const { cascadeId } = await enrolment.enrol({ nationalNumber: nn, issuedOn: '2026-01-10', status: 'active', language: 'fr', numbers: [{ e164: '+32470000051', country: 'BE' }] });
    await db.query(`UPDATE cascades SET suspended_at = now(), suspended_reason = 'court-order' WHERE id = $1`, [cascadeId]);
    expect(await service().lookUp(await newCall(), nn, caller())).toEqual({ kind: 'unavailable', reason: 'blocked' });
    await db.query(`UPDATE cascades SET suspended_at = NULL, suspended_reason = NULL WHERE id = $1`, [cascadeId]);
    expect((await service().lookUp(await newCall(), nn, caller())).kind).toBe('found');
  });

  it('given a caller number an operator blocked until a time, then its look-ups are throttled (the hotline) until then, in either form, and another caller is not', async () => {
    const nn = nationalNumber();
    await enrolment.enrol({ nationalNumber: nn, issuedOn: '2026-01-10', status: 'active', language: 'fr', numbers: [{ e164: '+32470000061', country: 'BE' }] });
    const who = caller();
    const until = new Date(Date.now() + 3_600_000);
    await db.query(`INSERT INTO blocked_callers (caller_hashes, reason, blocked_until) VALUES ($1::bytea[], 'abuse', $2)`, [[pseudonymizer.hash('caller', who), pseudonymizer.hash('caller', `+${who}`)], until]);
    expect(await service().lookUp(await newCall(), nn, who)).toEqual({ kind: 'throttled', limit: 'caller-blocked' });
    expect(await service().lookUp(await newCall(), nn, `+${who}`)).toEqual({ kind: 'throttled', limit: 'caller-blocked' });
    expect((await service().lookUp(await newCall(), nn, caller())).kind).toBe('found');
    const afterwards = () => new Date(until.getTime() + 1000);
    expect((await service(5, afterwards).lookUp(await newCall(), nn, who)).kind).toBe('found');
  });

  it('given a pseudonym key rotation in progress, then a child stored under the previous key is found, and one stored under the new key too', async () => {
    const newKey = Buffer.alloc(32, 7);
    const rotating = new Pseudonymizer(newKey, config.pseudonymKey);
    const lookUp = new FinderLookupService(new PgCascadeStore(new Database(db)), records, rotating, 5);
    const underOld = nationalNumber();
    await enrolment.enrol({ nationalNumber: underOld, issuedOn: '2026-01-10', status: 'active', language: 'fr', numbers: [{ e164: '+32470000071', country: 'BE' }] });
    const underNew = nationalNumber();
    await new PgEnrolmentStore(new Database(db), rotating).enrol({ nationalNumber: underNew, issuedOn: '2026-01-10', status: 'active', language: 'fr', numbers: [{ e164: '+32470000072', country: 'BE' }] });
    expect((await lookUp.lookUp(await newCall(), underOld, caller())).kind).toBe('found');
    expect((await lookUp.lookUp(await newCall(), underNew, caller())).kind).toBe('found');
    // Without the previous key, the child stored under it is not found.
    expect((await new FinderLookupService(new PgCascadeStore(new Database(db)), records, new Pseudonymizer(newKey), 5).lookUp(await newCall(), underOld, caller())).kind).toBe('unavailable');
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

  describe('the call caps, counted in PostgreSQL', () => {
    const generous: CallCaps = { maxCallsPerCascade: 100, maxCallsPerCaller: 100, maxLegsPerCascadePerDay: 1000, maxLegsPerDay: 10_000_000, openCallMaxAgeMs: openCallMaxAgeMs(3600) };
    const capped = (caps: Partial<CallCaps>, now = () => new Date()) =>
      new FinderLookupService(new PgCascadeStore(new Database(db)), records, pseudonymizer, 1000, now, { admission: records, limits: { ...generous, ...caps } });
    const activeCascade = async () => {
      const nn = nationalNumber();
      const { cascadeId } = await enrolment.enrol({ nationalNumber: nn, issuedOn: '2026-01-10', status: 'active', language: 'fr', numbers: [{ e164: '+32470000041', country: 'BE' }] });
      return { nn, cascadeId };
    };
    const kinds = (results: { kind: string; limit?: string }[]) => results.map((r) => (r.kind === 'throttled' ? `throttled ${r.limit}` : r.kind)).sort();
    const endCall = (callId: string) => records.callEnded(callId, 'connected-parent', new Date(), {});
    const leg = (callId: string, n: number, position = '1', result = 'busy') =>
      records.legEnded({ legId: `${callId}:leg:${n}`, callId, position, result, startedAt: new Date(), endedAt: new Date() });

    it('given one call in progress for a cascade and a cap of 1, then a second caller goes to the hotline, and once the first call ends a third gets through', async () => {
      const { nn } = await activeCascade();
      const lookUp = capped({ maxCallsPerCascade: 1 });
      const first = await newCall();
      expect((await lookUp.lookUp(first, nn, caller())).kind).toBe('found');
      expect(await lookUp.lookUp(await newCall(), nn, caller())).toEqual({ kind: 'throttled', limit: 'calls-per-cascade' });
      await endCall(first);
      expect((await lookUp.lookUp(await newCall(), nn, caller())).kind).toBe('found');
    });

    it('given a caller with a call in progress, then their second call, even for another cascade, goes to the hotline; another caller is not affected', async () => {
      const [a, b] = [await activeCascade(), await activeCascade()];
      const lookUp = capped({ maxCallsPerCaller: 1 });
      const who = caller();
      expect((await lookUp.lookUp(await newCall(), a.nn, who)).kind).toBe('found');
      expect(await lookUp.lookUp(await newCall(), b.nn, who)).toEqual({ kind: 'throttled', limit: 'calls-per-caller' });
      expect((await lookUp.lookUp(await newCall(), b.nn, caller())).kind).toBe('found');
    });

    it('given two look-ups from the same caller at the same moment and a cap of 1, then exactly one passes (eight such callers at once)', async () => {
      const { nn } = await activeCascade();
      const lookUp = capped({ maxCallsPerCaller: 1 });
      const rounds = await Promise.all(
        Array.from({ length: 8 }, async () => {
          const who = caller();
          const calls = await Promise.all([newCall(), newCall()]);
          return kinds(await Promise.all(calls.map((id) => lookUp.lookUp(id, nn, who))));
        }),
      );
      expect(rounds).toEqual(Array(8).fill(['found', 'throttled calls-per-caller']));
    });

    it('given six look-ups for one cascade at the same moment and the default cap of 2, then exactly two pass and the others go to the hotline', async () => {
      const { nn } = await activeCascade();
      const lookUp = capped({ maxCallsPerCascade: 2 });
      const calls = await Promise.all(Array.from({ length: 6 }, () => newCall()));
      const results = await Promise.all(calls.map((id) => lookUp.lookUp(id, nn, caller())));
      expect(kinds(results)).toEqual(['found', 'found', ...Array(4).fill('throttled calls-per-cascade')]);
      // Only the admitted calls count as the cascade's calls in progress.
      const [{ admitted }] = await db.query(`SELECT count(*)::int AS admitted FROM call_records WHERE id = ANY($1)  AND cascade_id IS NOT NULL`, [calls]);
      expect(admitted).toBe(2);
    });

    it('given a call left open by a crashed node for longer than twice the maximum call length, then it no longer holds the cascade or the caller; one open for less still does', async () => {
      // MAX_CALL_MINUTES 60: the wait and the conversation are bounded by an hour each.
      const bound = openCallMaxAgeMs(3600);
      for (const [ageMs, expected] of [[bound - 10 * 60_000, 'throttled'], [bound + 5 * 60_000, 'found']] as const) {
        const { nn } = await activeCascade();
        const who = caller();
        const startedAt = new Date(Date.now() - ageMs);
        const open = await newCall();
        await db.query(`UPDATE call_records SET started_at = $2 WHERE id = $1`, [open, startedAt]);
        expect((await capped({ maxCallsPerCascade: 1, maxCallsPerCaller: 1 }, () => startedAt).lookUp(open, nn, who)).kind).toBe('found');
        expect((await capped({ maxCallsPerCascade: 1, maxCallsPerCaller: 1 }).lookUp(await newCall(), nn, who)).kind).toBe(expected);
      }
    });

    it('given 3 parent legs dialled for a cascade today and a daily cap of 3, then its next call goes to the hotline; hotline legs and skipped numbers do not count', async () => {
      const { nn } = await activeCascade();
      const lookUp = capped({ maxLegsPerCascadePerDay: 3 });
      const call = await newCall();
      expect((await lookUp.lookUp(call, nn, caller())).kind).toBe('found');
      await leg(call, 1);
      await leg(call, 2, '2', 'no-answer');
      await leg(call, 3, '3', 'not-allowed');
      await leg(call, 4, 'hotline', 'connected');
      await endCall(call);
      expect((await lookUp.lookUp(await newCall(), nn, caller())).kind).toBe('found');
      const [last] = await db.query(`SELECT id FROM call_records WHERE national_number_hash = $1 ORDER BY started_at DESC LIMIT 1`, [pseudonymizer.hash('national-number', nn)]);
      await leg(last.id, 1);
      await endCall(last.id);
      expect(await lookUp.lookUp(await newCall(), nn, caller())).toEqual({ kind: 'throttled', limit: 'legs-per-cascade-per-day' });
    });

    it('given the service dialled its daily number of parent legs, then every cascade goes to the hotline', async () => {
      const { nn } = await activeCascade();
      const [{ dialled }] = await db.query(`SELECT count(*)::int AS dialled FROM leg_records WHERE started_at >= now() - interval '1 day' AND position <> 'hotline' AND result <> 'not-allowed'`);
      const lookUp = capped({ maxLegsPerDay: dialled + 1 });
      const call = await newCall();
      expect((await lookUp.lookUp(call, nn, caller())).kind).toBe('found');
      await leg(call, 1);
      await endCall(call);
      expect(await lookUp.lookUp(await newCall(), (await activeCascade()).nn, caller())).toEqual({ kind: 'throttled', limit: 'legs-per-day' });
    });
  });
});
