import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { Database } from '../../apps/server/src/database/database';
import { createDataSource } from '../../apps/server/src/database/data-source';
import { PgHousekeepingStore } from '../../apps/server/src/retention/persistence/pg-housekeeping-store';
import { HOUSEKEEPING_LOCK, HousekeepingCounts, PortalHousekeeping } from '../../apps/server/src/retention/portal-housekeeping';
import { testConfig, testEnvironment } from '../support/test-config';

/**
 * The housekeeping runs at a `now` in 2001 over rows dated around it: its cut-offs fall decades
 * before any other suite's rows, so it never deletes what a suite running in parallel relies on.
 */
describe("the portal's daily housekeeping against PostgreSQL (failed tries, sessions, tokens, challenges, used recovery codes)", () => {
  const config = testConfig();
  const NOW = '2001-06-15T12:00:00.000Z';
  const at = (deltaMs: number) => new Date(new Date(NOW).getTime() + deltaMs);
  const MIN = 60_000;
  const HOUR = 3_600_000;
  let db: DataSource;

  const housekeepAt = (iso: string, options: { dryRun?: boolean; batchSize?: number } = {}) =>
    new PortalHousekeeping(new PgHousekeepingStore(new Database(db)), { batchSize: options.batchSize ?? 500 }, () => new Date(iso)).run({ dryRun: options.dryRun ?? false });
  const parent = async (): Promise<string> => (await db.query(`INSERT INTO parent_accounts DEFAULT VALUES RETURNING id`))[0].id;
  const count = async (table: string, parentId: string) => (await db.query(`SELECT count(*)::int AS n FROM ${table} WHERE parent_id = $1`, [parentId]))[0].n as number;

  /** Seeds one account's rows, each just inside or just past its cut-off; returns what should go. */
  async function seed(parentId: string): Promise<HousekeepingCounts> {
    const hash = () => randomBytes(32);
    const attempt = (failedAt: Date) =>
      db.query(`INSERT INTO link_attempts (subject_kind, subject_hash, failed_at) VALUES ('account', $1, $2)`, [Buffer.from(parentId.replace(/-/g, ''), 'hex'), failedAt]);
    await attempt(at(-24 * HOUR - 1)); // goes
    await attempt(at(-24 * HOUR)); // stays: exactly a day old
    const failure = (failedAt: Date) => db.query(`INSERT INTO second_factor_failures (parent_id, failed_at) VALUES ($1, $2)`, [parentId, failedAt]);
    await failure(at(-30 * HOUR)); // goes
    await failure(at(-HOUR)); // stays
    const session = (createdAt: Date, lastSeenAt: Date) => db.query(`INSERT INTO portal_sessions (id_hash, parent_id, created_at, last_seen_at) VALUES ($1, $2, $3, $4)`, [hash(), parentId, createdAt, lastSeenAt]);
    await session(at(-HOUR), at(-15 * MIN)); // goes: idle 15 minutes
    await session(at(-12 * HOUR), at(-MIN)); // goes: 12 hours old though in use
    await session(at(-HOUR), at(-15 * MIN + 1000)); // stays
    const token = (expiresAt: Date, usedAt: Date | null) =>
      db.query(`INSERT INTO parent_tokens (token_hash, parent_id, purpose, created_at, expires_at, used_at) VALUES ($1, $2, 'reset-password', $3, $4, $5)`, [hash(), parentId, at(-2 * HOUR), expiresAt, usedAt]);
    await token(at(0), null); // goes: expired now
    await token(at(HOUR), at(-MIN)); // goes: used
    await token(at(1000), null); // stays: still valid
    const challenge = (expiresAt: Date) => db.query(`INSERT INTO second_factor_challenges (token_hash, parent_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`, [hash(), parentId, at(-10 * MIN), expiresAt]);
    await challenge(at(-MIN)); // goes
    await challenge(at(MIN)); // stays
    const code = (usedAt: Date | null) => db.query(`INSERT INTO parent_recovery_codes (parent_id, code_hash, used_at) VALUES ($1, $2, $3)`, [parentId, hash(), usedAt]);
    await code(at(-HOUR)); // goes: used
    await code(null); // stays
    return { linkAttempts: 1, secondFactorFailures: 1, sessions: 2, parentTokens: 2, secondFactorChallenges: 1, usedRecoveryCodes: 1 };
  }

  const remaining = async (parentId: string) => ({
    linkAttempts: (await db.query(`SELECT count(*)::int AS n FROM link_attempts WHERE subject_hash = $1`, [Buffer.from(parentId.replace(/-/g, ''), 'hex')]))[0].n,
    secondFactorFailures: await count('second_factor_failures', parentId),
    sessions: await count('portal_sessions', parentId),
    parentTokens: await count('parent_tokens', parentId),
    secondFactorChallenges: await count('second_factor_challenges', parentId),
    usedRecoveryCodes: await count('parent_recovery_codes', parentId),
  });

  beforeAll(async () => {
    db = createDataSource(config.database.url);
    await db.initialize();
  });
  afterAll(() => db.destroy());

  it('given rows on either side of each cut-off, when a dry run counts, then it names exactly the dead ones and deletes nothing; the real run deletes exactly those', async () => {
    const parentId = await parent();
    const doomed = await seed(parentId);
    const before = await remaining(parentId);
    expect(before).toEqual({ linkAttempts: 2, secondFactorFailures: 2, sessions: 3, parentTokens: 3, secondFactorChallenges: 2, usedRecoveryCodes: 2 });

    const dry = await housekeepAt(NOW, { dryRun: true });
    expect(dry).toMatchObject({ ran: true, dryRun: true, counts: doomed });
    expect(await remaining(parentId)).toEqual(before);

    const real = await housekeepAt(NOW);
    expect(real).toMatchObject({ ran: true, dryRun: false, counts: doomed });
    expect(await remaining(parentId)).toEqual({ linkAttempts: 1, secondFactorFailures: 1, sessions: 1, parentTokens: 1, secondFactorChallenges: 1, usedRecoveryCodes: 1 });
    // What stays is what the portal still accepts or counts.
    expect(await db.query(`SELECT used_at FROM parent_recovery_codes WHERE parent_id = $1`, [parentId])).toEqual([{ used_at: null }]);
    expect(await db.query(`SELECT used_at FROM parent_tokens WHERE parent_id = $1`, [parentId])).toEqual([{ used_at: null }]);

    expect(await housekeepAt(NOW, { dryRun: true })).toMatchObject({ counts: { linkAttempts: 0, secondFactorFailures: 0, sessions: 0, parentTokens: 0, secondFactorChallenges: 0, usedRecoveryCodes: 0 } });
  });

  it('given more dead rows than one batch, then all go, in several short batches', async () => {
    const parentId = await parent();
    await db.query(`INSERT INTO second_factor_failures (parent_id, failed_at) SELECT $1, $2 FROM generate_series(1, 25)`, [parentId, at(-48 * HOUR)]);
    const outcome = await housekeepAt(NOW, { batchSize: 10 });
    expect(outcome).toMatchObject({ ran: true, counts: { secondFactorFailures: 25 } });
    expect(outcome.ran && outcome.batches).toBeGreaterThanOrEqual(3 + 5); // 3 batches for the failures, at least one per other rule
    expect(await count('second_factor_failures', parentId)).toBe(0);
  });

  it('given another instance holds the housekeeping lock, then this one skips and deletes nothing', async () => {
    const parentId = await parent();
    await db.query(`INSERT INTO second_factor_failures (parent_id, failed_at) VALUES ($1, $2)`, [parentId, at(-48 * HOUR)]);
    const other = new Client({ connectionString: config.database.url });
    await other.connect();
    try {
      await other.query(`SELECT pg_advisory_lock($1)`, [HOUSEKEEPING_LOCK.toString()]);
      expect(await housekeepAt(NOW)).toEqual({ ran: false, reason: 'another-instance-is-housekeeping' });
      expect(await count('second_factor_failures', parentId)).toBe(1);
      await other.query(`SELECT pg_advisory_unlock($1)`, [HOUSEKEEPING_LOCK.toString()]);
      expect(await housekeepAt(NOW)).toMatchObject({ ran: true });
      expect(await count('second_factor_failures', parentId)).toBe(0);
    } finally {
      await other.end();
    }
  });

  it('given `npm run retention -- --dry-run`, then it lists the housekeeping counts with their cut-offs and deletes nothing', async () => {
    const parentId = await parent();
    await db.query(`INSERT INTO second_factor_failures (parent_id, failed_at) VALUES ($1, now() - interval '2 days')`, [parentId]);
    const cli = resolve(__dirname, '../../dist/apps/server/src/cli/retention.js');
    const { stdout } = await promisify(execFile)(process.execPath, [cli, '--dry-run'], { env: { ...process.env, ...testEnvironment() }, timeout: 30_000 });
    expect(stdout).toContain('portal housekeeping, would delete:');
    for (const line of [/failed tries at linking a child before \d{4}-\d\d-\d\dT[\d:.]+Z: \d+/, /wrong second-factor codes before .*Z: [1-9]\d*/, /expired sessions \(idle since .*\): \d+/, /mailed tokens used or expired by .*: \d+/, /second-factor challenges expired by .*: \d+/, /used recovery codes: \d+/]) {
      expect(stdout).toMatch(line);
    }
    expect(await count('second_factor_failures', parentId)).toBe(1);
  });
});
