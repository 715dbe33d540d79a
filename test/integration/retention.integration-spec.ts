import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { Database } from '../../apps/server/src/database/database';
import { createDataSource } from '../../apps/server/src/database/data-source';
import { PgRetentionStore } from '../../apps/server/src/retention/persistence/pg-retention-store';
import { RETENTION_LOCK, RetentionPurge } from '../../apps/server/src/retention/retention-purge';
import { testConfig } from '../support/test-config';

/**
 * Each test runs the purge at a `now` in the past (1999-2003) and seeds rows dated around that
 * now: the cut-offs then fall decades before any other test's rows, so this suite never deletes
 * what another suite (running in parallel) relies on.
 */
describe('the retention purge against PostgreSQL', () => {
  const config = testConfig();
  let db: DataSource;

  const purgeAt = (iso: string, options: { callRecordDays?: number; batchSize?: number; dryRun?: boolean; lanes?: number; laneMinCards?: number } = {}) =>
    new RetentionPurge(
      new PgRetentionStore(new Database(db)),
      { timeZone: 'Europe/Brussels', callRecordDays: options.callRecordDays ?? 183, batchSize: options.batchSize ?? 500, lanes: options.lanes, laneMinCards: options.laneMinCards },
      () => new Date(iso),
    ).run({
      dryRun: options.dryRun ?? false,
    });
  const child = async (...cardsIssuedOn: string[]): Promise<string> => {
    const [{ id }] = await db.query(`INSERT INTO children (national_number_hash) VALUES ($1) RETURNING id`, [randomBytes(32)]);
    for (const issuedOn of cardsIssuedOn) await db.query(`INSERT INTO cards (child_id, issued_on) VALUES ($1, $2)`, [id, issuedOn]);
    return id;
  };
  const cascade = async (childId: string, status: 'active' | 'paused' | 'blocked' | 'draft', inactiveSince?: string): Promise<string> => {
    const [{ id }] = await db.query(
      `INSERT INTO cascades (child_id, status, blocked_reason, inactive_since) VALUES ($1, $2, CASE WHEN $2 = 'blocked' THEN 'new-card' END, $3) RETURNING id`,
      [childId, status, status === 'active' ? null : (inactiveSince ?? null)],
    );
    await db.query(`INSERT INTO cascade_numbers (cascade_id, position, e164, country) VALUES ($1, 1, '+32470000061', 'BE')`, [id]);
    return id;
  };
  const account = async (createdAt: string, ...links: { childId: string; linkedAt?: string }[]): Promise<string> => {
    const [{ id }] = await db.query(`INSERT INTO parent_accounts (created_at) VALUES ($1) RETURNING id`, [createdAt]);
    for (const link of links) await db.query(`INSERT INTO parent_children (parent_id, child_id, created_at) VALUES ($1, $2, $3)`, [id, link.childId, link.linkedAt ?? createdAt]);
    return id;
  };
  const exists = async (table: string, id: string) => (await db.query(`SELECT 1 FROM ${table} WHERE id = $1`, [id])).length === 1;

  beforeAll(async () => {
    db = createDataSource(config.database.url);
    await db.initialize();
  });
  afterAll(() => db.destroy());

  describe('cards: deleted the day after 3 years and 6 months, with their cascades', () => {
    it('given cards around the leap day of 2000, then each goes on the day after its anniversary, and a child keeps its cascade while it has a newer card', async () => {
      const a = await child('2000-02-28'); // anniversary 2003-08-28
      const b = await child('2000-02-29'); // anniversary 2003-08-29
      const c = await child('2000-03-01'); // anniversary 2003-09-01
      const d = await child('1999-01-01', '2002-01-01'); // an old card and a current one
      const cascadeA = await cascade(a, 'active');
      const cascadeB = await cascade(b, 'active');
      const cascadeD = await cascade(d, 'active');
      const parent = await account('2000-01-01', { childId: a }, { childId: d });

      await purgeAt('2003-08-29T10:00:00Z'); // the day of b's anniversary, the day after a's
      expect([await exists('children', a), await exists('children', b)]).toEqual([false, true]);
      expect(await exists('cascades', cascadeA)).toBe(false);
      expect(await db.query(`SELECT 1 FROM cascade_numbers WHERE cascade_id = $1`, [cascadeA])).toEqual([]);
      expect(await db.query(`SELECT child_id FROM parent_children WHERE parent_id = $1`, [parent])).toEqual([{ child_id: d }]);
      expect(await exists('cascades', cascadeD)).toBe(true);
      expect(await db.query(`SELECT to_char(issued_on, 'YYYY-MM-DD') AS issued_on FROM cards WHERE child_id = $1`, [d])).toEqual([{ issued_on: '2002-01-01' }]);

      await purgeAt('2003-08-30T10:00:00Z'); // the day after b's anniversary
      expect([await exists('children', b), await exists('cascades', cascadeB), await exists('children', c)]).toEqual([false, false, true]);

      await purgeAt('2003-09-01T10:00:00Z'); // c's anniversary (no 31 August + 42 months clamp involved)
      expect(await exists('children', c)).toBe(true);
      await purgeAt('2003-09-02T10:00:00Z');
      expect(await exists('children', c)).toBe(false);
      expect(await exists('children', d)).toBe(true);
    });

    it('given more expired cards than one batch, then all go, in several short batches', async () => {
      const ids = [];
      for (let i = 0; i < 25; i += 1) ids.push(await child('1998-06-01'));
      const outcome = await purgeAt('2002-06-01T10:00:00Z', { batchSize: 10 });
      expect(outcome).toMatchObject({ ran: true });
      if (!outcome.ran) throw new Error('unreachable');
      expect(outcome.counts.cards).toBeGreaterThanOrEqual(25);
      expect(outcome.batches).toBeGreaterThanOrEqual(3 + 3);
      expect((await db.query(`SELECT count(*)::int AS n FROM children WHERE id = ANY($1)`, [ids]))[0].n).toBe(0);
    });
  });

  describe('cards: purged on two connections at once, over two halves of the expired cards', () => {
    it('given children whose expired cards lie in both halves, and children with a current card, then each expired card and card-less child goes exactly once, with its cascade, numbers and links', async () => {
      // Cards issued in 1990 (cut-off of a purge on 1994-01-10: 1990-07-09), older than any other test's.
      const straddling = [await child('1990-01-05')];
      const alone: string[] = [];
      for (let i = 0; i < 150; i += 1) alone.push(await child('1990-01-05'));
      straddling.push(await child('1990-01-05'));
      // A second expired card, issued later: it sorts in the other half, after every 1990-01-05 card.
      for (const id of straddling) await db.query(`INSERT INTO cards (child_id, issued_on) VALUES ($1, '1990-02-01')`, [id]);
      const kept = await child('1990-01-05', '1993-01-01');
      const cascades = [];
      for (const id of [...straddling, alone[0], alone[75], alone[149], kept]) cascades.push(await cascade(id, 'active'));
      const parent = await account('1990-01-01', { childId: straddling[0] }, { childId: alone[75] }, { childId: kept });

      const outcome = await purgeAt('1994-01-10T10:00:00Z', { batchSize: 100, lanes: 2, laneMinCards: 100 });
      if (!outcome.ran) throw new Error('the purge did not run');
      expect(outcome.counts).toMatchObject({ cards: 2 + 150 + 2 + 1, children: 152, cascades: 5 });
      expect((await db.query(`SELECT count(*)::int AS n FROM children WHERE id = ANY($1)`, [[...straddling, ...alone]]))[0].n).toBe(0);
      expect((await db.query(`SELECT count(*)::int AS n FROM cascades WHERE id = ANY($1)`, [cascades]))[0].n).toBe(1);
      expect(await db.query(`SELECT 1 FROM cascade_numbers WHERE cascade_id = ANY($1)`, [cascades.slice(0, 5)])).toEqual([]);
      expect(await db.query(`SELECT child_id FROM parent_children WHERE parent_id = $1`, [parent])).toEqual([{ child_id: kept }]);
      expect(await db.query(`SELECT to_char(issued_on, 'YYYY-MM-DD') AS issued_on FROM cards WHERE child_id = $1`, [kept])).toEqual([{ issued_on: '1993-01-01' }]);
      expect(await exists('cascades', cascades[5])).toBe(true);
    });
  });

  describe('parent accounts: all cascades inactive for more than 3 years and 6 months, or no child', () => {
    it('given accounts around the cut-off (now 2001-06-15 12:00 UTC, cut-off 1997-12-15 12:00 UTC), then only those past it go', async () => {
      const old = '1990-01-01T00:00:00Z';
      const justPast = await account(old, { childId: await inactiveChild('1997-12-15T11:59:59Z') });
      const exactly = await account(old, { childId: await inactiveChild('1997-12-15T12:00:00Z') });
      const oneActive = await account(old, { childId: await inactiveChild('1990-01-01T00:00:00Z') }, { childId: await activeChild() });
      const noCascadeOldLink = await account(old, { childId: await child(), linkedAt: '1997-01-01T00:00:00Z' });
      const noCascadeRecentLink = await account(old, { childId: await child(), linkedAt: '2000-01-01T00:00:00Z' });
      const orphanOld = await account('2001-06-08T11:59:59Z'); // more than 7 days ago
      const orphanNew = await account('2001-06-08T12:00:00Z'); // exactly 7 days ago

      await purgeAt('2001-06-15T12:00:00Z');
      expect({
        justPast: await exists('parent_accounts', justPast),
        exactly: await exists('parent_accounts', exactly),
        oneActive: await exists('parent_accounts', oneActive),
        noCascadeOldLink: await exists('parent_accounts', noCascadeOldLink),
        noCascadeRecentLink: await exists('parent_accounts', noCascadeRecentLink),
        orphanOld: await exists('parent_accounts', orphanOld),
        orphanNew: await exists('parent_accounts', orphanNew),
      }).toEqual({ justPast: false, exactly: true, oneActive: true, noCascadeOldLink: false, noCascadeRecentLink: true, orphanOld: false, orphanNew: true });
    });

    it('given a cascade that leaves the active state, then the database records since when it is inactive, and clears it on re-activation', async () => {
      const c = await cascade(await child(), 'active');
      expect((await db.query(`SELECT inactive_since FROM cascades WHERE id = $1`, [c]))[0].inactive_since).toBeNull();
      await db.query(`UPDATE cascades SET status = 'blocked', blocked_reason = 'new-card' WHERE id = $1`, [c]);
      const [{ inactive_since: since }] = await db.query(`SELECT inactive_since FROM cascades WHERE id = $1`, [c]);
      expect(Date.now() - new Date(since).getTime()).toBeLessThan(60_000);
      await db.query(`UPDATE cascades SET status = 'active', blocked_reason = NULL WHERE id = $1`, [c]);
      expect((await db.query(`SELECT inactive_since FROM cascades WHERE id = $1`, [c]))[0].inactive_since).toBeNull();
    });

    it('given cascades their parents paused, then a pause counts as inactivity from its start: an account paused past the cut-off goes, one paused since the cut-off stays', async () => {
      const old = '1990-01-01T00:00:00Z';
      const pausedPast = await account(old, { childId: await pausedChild('1997-12-15T11:59:59Z') });
      const pausedExactly = await account(old, { childId: await pausedChild('1997-12-15T12:00:00Z') });
      const pausedRecently = await account(old, { childId: await pausedChild('2001-06-01T00:00:00Z') });
      // One child's cascade paused for years, another's active: the account is in use.
      const pausedAndActive = await account(old, { childId: await pausedChild('1991-01-01T00:00:00Z') }, { childId: await activeChild() });

      await purgeAt('2001-06-15T12:00:00Z');
      expect({
        pausedPast: await exists('parent_accounts', pausedPast),
        pausedExactly: await exists('parent_accounts', pausedExactly),
        pausedRecently: await exists('parent_accounts', pausedRecently),
        pausedAndActive: await exists('parent_accounts', pausedAndActive),
      }).toEqual({ pausedPast: false, pausedExactly: true, pausedRecently: true, pausedAndActive: true });
    });

    it('given an active cascade that is paused, then it is inactive from the pause; a new card blocking it keeps that time; resuming clears it', async () => {
      const inactiveSince = async (id: string): Promise<Date | null> => (await db.query(`SELECT inactive_since FROM cascades WHERE id = $1`, [id]))[0].inactive_since;
      const blockedLater = await cascade(await child(), 'active');
      await db.query(`UPDATE cascades SET status = 'paused' WHERE id = $1`, [blockedLater]);
      const pausedAt = await inactiveSince(blockedLater);
      expect(Date.now() - pausedAt!.getTime()).toBeLessThan(60_000);
      await db.query(`UPDATE cascades SET status = 'blocked', blocked_reason = 'new-card' WHERE id = $1`, [blockedLater]);
      expect(await inactiveSince(blockedLater)).toEqual(pausedAt);

      const resumed = await cascade(await child(), 'paused', '1999-01-01T00:00:00Z');
      expect(await inactiveSince(resumed)).toEqual(new Date('1999-01-01T00:00:00Z'));
      await db.query(`UPDATE cascades SET status = 'active' WHERE id = $1`, [resumed]);
      expect(await inactiveSince(resumed)).toBeNull();
      // The constraint and the trigger hold a paused cascade to the rules of any inactive one: no blocking reason, always a time.
      await expect(db.query(`UPDATE cascades SET status = 'paused', blocked_reason = 'new-card' WHERE id = $1`, [resumed])).rejects.toThrow(/ck_cascades_blocked_reason/);
      await expect(db.query(`UPDATE cascades SET status = 'paused', inactive_since = NULL WHERE id = $1`, [resumed])).resolves.toBeDefined();
      expect(await inactiveSince(resumed)).not.toBeNull();
    });

    async function pausedChild(since: string): Promise<string> {
      const id = await child();
      await cascade(id, 'paused', since);
      return id;
    }
    async function inactiveChild(since: string): Promise<string> {
      const id = await child();
      await cascade(id, 'blocked', since);
      return id;
    }
    async function activeChild(): Promise<string> {
      const id = await child();
      await cascade(id, 'active');
      return id;
    }
  });

  describe('call records: older than CALL_RECORD_RETENTION_DAYS, with their legs; the audit trail after 3 years and 6 months', () => {
    it('given calls around the cut-off, then those that started before it go with their legs', async () => {
      const now = '2001-01-01T00:00:00Z'; // 183 days earlier: 2000-07-02T00:00:00Z
      const call = async (startedAt: string) => {
        const id = randomUUID();
        await db.query(`INSERT INTO call_records (id, started_at) VALUES ($1, $2)`, [id, startedAt]);
        await db.query(`INSERT INTO leg_records (id, call_id, position, result, started_at, ended_at) VALUES ($1, $2, '1', 'busy', $3, $3)`, [`${id}-1`, id, startedAt]);
        return id;
      };
      const before = await call('2000-07-01T23:59:59.999Z');
      const at = await call('2000-07-02T00:00:00Z');
      const after = await call('2000-07-03T00:00:00Z');
      await purgeAt(now);
      expect([await exists('call_records', before), await exists('call_records', at), await exists('call_records', after)]).toEqual([false, true, true]);
      expect(await db.query(`SELECT 1 FROM leg_records WHERE call_id = $1`, [before])).toEqual([]);
      await purgeAt(now, { callRecordDays: 182 });
      expect([await exists('call_records', at), await exists('call_records', after)]).toEqual([false, true]);
    });

    it('given audit events older than 3 years and 6 months, then they go', async () => {
      const [{ id: oldEvent }] = await db.query(`INSERT INTO audit_events (at, actor_kind, action, subject_kind) VALUES ('1995-01-01', 'system', 'test', 'test') RETURNING id`);
      const [{ id: keptEvent }] = await db.query(`INSERT INTO audit_events (at, actor_kind, action, subject_kind) VALUES ('1998-12-01', 'system', 'test', 'test') RETURNING id`);
      await purgeAt('2001-01-01T00:00:00Z');
      expect([await exists('audit_events', oldEvent), await exists('audit_events', keptEvent)]).toEqual([false, true]);
    });

    it('given operators\' caller blocks that ended more than 3 years and 6 months ago, then they go with the audit trail; a later one stays', async () => {
      const block = async (blockedAt: string, until: string, liftedAt: string | null) =>
        (await db.query(`INSERT INTO blocked_callers (caller_hashes, reason, blocked_at, blocked_until, lifted_at) VALUES (ARRAY[$1::bytea], 'abuse', $2, $3, $4) RETURNING id`, [randomBytes(32), blockedAt, until, liftedAt]))[0].id as string;
      const expired = await block('1995-01-01', '1995-01-02', null);
      const liftedEarly = await block('1995-01-01', '2000-01-01', '1995-01-01T12:00:00Z');
      const endedLater = await block('1995-01-01', '1998-12-01', null);
      await purgeAt('2001-01-01T00:00:00Z');
      expect([await exists('blocked_callers', expired), await exists('blocked_callers', liftedEarly), await exists('blocked_callers', endedLater)]).toEqual([false, false, true]);
    });
  });

  it('given --dry-run, then it counts what would go and deletes nothing; the real run then deletes exactly that', async () => {
    const expired = await child('1995-01-01');
    await cascade(expired, 'draft', '1995-01-01');
    const now = '1999-01-01T12:00:00Z';
    const dry = await purgeAt(now, { dryRun: true });
    if (!dry.ran) throw new Error('the purge did not run');
    expect(dry.counts.cards).toBeGreaterThanOrEqual(1);
    expect(dry.counts.cascades).toBeGreaterThanOrEqual(1);
    expect(await exists('children', expired)).toBe(true);
    const real = await purgeAt(now);
    if (!real.ran) throw new Error('the purge did not run');
    expect(real.counts.cards).toBe(dry.counts.cards);
    expect(real.counts.children).toBe(dry.counts.children);
    expect(await exists('children', expired)).toBe(false);
    const after = await purgeAt(now, { dryRun: true });
    expect(after.ran && after.counts.cards).toBe(0);
  });

  it('given another instance holds the retention lock, then this one skips and deletes nothing', async () => {
    const other = new Client({ connectionString: config.database.url });
    await other.connect();
    try {
      await other.query(`SELECT pg_advisory_lock($1)`, [RETENTION_LOCK.toString()]);
      const expired = await child('1995-01-01');
      expect(await purgeAt('1999-06-01T12:00:00Z')).toEqual({ ran: false, reason: 'another-instance-is-purging' });
      expect(await exists('children', expired)).toBe(true);
      await other.query(`SELECT pg_advisory_unlock($1)`, [RETENTION_LOCK.toString()]);
      expect(await purgeAt('1999-06-01T12:00:00Z')).toMatchObject({ ran: true });
      expect(await exists('children', expired)).toBe(false);
    } finally {
      await other.end();
    }
  });
});
