import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { PgCallRecordStore } from '../../apps/server/src/calls/persistence/pg-call-record-store';
import { CardSealer } from '../../apps/server/src/cards/domain/card-ingest';
import { ContactCodeVerifier } from '../../apps/server/src/cards/domain/contact-code-verifier';
import { PgCardStore } from '../../apps/server/src/cards/persistence/pg-card-store';
import { FinderLookupService } from '../../apps/server/src/cascades/finder-lookup.service';
import { makeNationalNumber } from '../../apps/server/src/cascades/domain/national-number';
import { PgCascadeStore } from '../../apps/server/src/cascades/persistence/pg-cascade-store';
import { PgEnrolmentStore } from '../../apps/server/src/cascades/persistence/pg-enrolment-store';
import { Database } from '../../apps/server/src/database/database';
import { createDataSource } from '../../apps/server/src/database/data-source';
import { accountAad } from '../../apps/server/src/portal/domain/accounts';
import { totpAad } from '../../apps/server/src/portal/domain/totp';
import { Encryptor, EncryptionKeys } from '../../apps/server/src/privacy/encryptor';
import { Pseudonymizer } from '../../apps/server/src/privacy/pseudonymizer';
import { randomNationalNumber } from '../support/national-numbers';
import { runOps } from '../support/ops-command';
import { PrivatePostgres } from '../support/private-postgres';
import { run } from '../support/processes';
import { REPO_ROOT } from '../support/repo-root';

jest.setTimeout(180_000);

const b64 = (key: Buffer) => key.toString('base64');
const today = () => new Date().toISOString().slice(0, 10);

/**
 * Key rotation and the restore drill, on a PostgreSQL cluster of their own (initdb): they rewrite
 * every sealed value and hash of their database, which the shared test database must not see.
 */
describe('keys and backups on a private PostgreSQL cluster', () => {
  const postgres = new PrivatePostgres('alloparents_keys');
  let db: DataSource;
  const k1 = randomBytes(32);
  const k2 = randomBytes(32);
  const oldPseudonymKey = randomBytes(32);
  const newPseudonymKey = randomBytes(32);
  const ring = (current: string, keys: Record<string, Buffer>): EncryptionKeys => ({ current, keys });
  const envFor = (extra: Record<string, string>) => ({ DATABASE_URL: postgres.url, PSEUDONYM_KEY: b64(oldPseudonymKey), ENCRYPTION_KEYS: `k1:${b64(k1)}`, ...extra });
  const lookUp = async (pseudonymizer: Pseudonymizer, encryptor: Encryptor, nn: string, on = db) => {
    const records = new PgCallRecordStore(new Database(on));
    const callId = randomUUID();
    await records.callStarted(callId, new Date());
    return new FinderLookupService(new PgCascadeStore(new Database(on), new CardSealer(pseudonymizer, encryptor)), records, pseudonymizer, 100).lookUp(callId, nn, '32490000001');
  };
  const enrolWith = (pseudonymizer: Pseudonymizer, encryptor: Encryptor, nationalNumber: string, firstName: string, on = db) =>
    new PgEnrolmentStore(new Database(on), pseudonymizer, new CardSealer(pseudonymizer, encryptor)).enrol({
      nationalNumber,
      issuedOn: today(),
      status: 'active',
      language: 'fr',
      numbers: [{ e164: '+32470009999', country: 'BE' }],
      child: { firstName, lastName: 'Peeters', contactCode: 'ABCDEFGHJKLM' },
    });
  const parentWith = async (pseudonymizer: Pseudonymizer, encryptor: Encryptor) => {
    const id = randomUUID();
    const email = `p-${id.slice(0, 8)}@example.test`;
    const account = encryptor.seal(JSON.stringify({ email }), accountAad(id));
    await db.query(`INSERT INTO parent_accounts (id, login_hash, sealed, encryption_key_id) VALUES ($1, $2, $3, $4)`, [id, pseudonymizer.hash('parent-login', email), account.sealed, account.keyId]);
    const totp = encryptor.seal('JBSWY3DPEHPK3PXP', totpAad(id));
    await db.query(`INSERT INTO parent_totp (parent_id, encryption_key_id, sealed_secret) VALUES ($1, $2, $3)`, [id, totp.keyId, totp.sealed]);
    return { id, email };
  };

  beforeAll(async () => {
    await postgres.create();
    db = createDataSource(postgres.url);
    await db.initialize();
  });
  afterAll(async () => {
    await db?.destroy();
    await postgres.destroy();
  });

  it('given values sealed with k1 and k2 put first, when keys reseal runs in batches, then every value is sealed with k2 and opens with k2 alone, so k1 can be removed', async () => {
    const pseudonymizer = new Pseudonymizer(oldPseudonymKey);
    const onlyK1 = new Encryptor(ring('k1', { k1 }));
    const children: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      children.push(randomNationalNumber());
      await enrolWith(pseudonymizer, onlyK1, children[i], `Lina${i}`);
    }
    const parents = [await parentWith(pseudonymizer, onlyK1), await parentWith(pseudonymizer, onlyK1), await parentWith(pseudonymizer, onlyK1)];

    const result = await runOps(['keys', 'reseal', '--batch', '2', '--by', 'ops-team'], '', envFor({ ENCRYPTION_KEYS: `k2:${b64(k2)},k1:${b64(k1)}` }));
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toContain(`re-sealed with key 'k2': {"cards":5,"parent_accounts":3,"parent_totp":3}`);
    expect(result.stdout).toContain('every value uses the current key: older keys can be removed from ENCRYPTION_KEYS');
    const [left] = await db.query(
      `SELECT (SELECT count(*) FROM cards WHERE encryption_key_id <> 'k2')::int + (SELECT count(*) FROM parent_accounts WHERE encryption_key_id <> 'k2')::int + (SELECT count(*) FROM parent_totp WHERE encryption_key_id <> 'k2')::int AS n`,
    );
    expect(left.n).toBe(0);

    const onlyK2 = new Encryptor(ring('k2', { k2 }));
    for (const [i, nn] of children.entries()) expect(await lookUp(pseudonymizer, onlyK2, nn)).toMatchObject({ kind: 'found', childFirstName: `Lina${i}` });
    for (const parent of parents) {
      const [account] = await db.query(`SELECT sealed, encryption_key_id FROM parent_accounts WHERE id = $1`, [parent.id]);
      expect(JSON.parse(onlyK2.open(account.encryption_key_id, account.sealed, accountAad(parent.id)).toString()).email).toBe(parent.email);
      const [totp] = await db.query(`SELECT sealed_secret, encryption_key_id FROM parent_totp WHERE parent_id = $1`, [parent.id]);
      expect(onlyK2.open(totp.encryption_key_id, totp.sealed_secret, totpAad(parent.id)).toString()).toBe('JBSWY3DPEHPK3PXP');
    }
    const [audit] = await db.query(`SELECT actor_id, details FROM audit_events WHERE action = 'keys.resealed'`);
    expect(audit).toEqual({ actor_id: 'ops-team', details: { currentKey: 'k2', cards: 5, parent_accounts: 3, parent_totp: 3 } });

    // Run again with k2 alone: nothing left to do.
    const again = await runOps(['keys', 'reseal'], '', envFor({ ENCRYPTION_KEYS: `k2:${b64(k2)}` }));
    expect(again.stdout).toContain(`re-sealed with key 'k2': {"cards":0,"parent_accounts":0,"parent_totp":0}`);
  });

  it('given a value sealed with a key no longer listed, then keys reseal leaves it as it is, reports it, and says to keep that key', async () => {
    const k0 = randomBytes(32);
    const { childId } = await enrolWith(new Pseudonymizer(oldPseudonymKey), new Encryptor(ring('k0', { k0 })), randomNationalNumber(), 'Orphan');
    try {
      const result = await runOps(['keys', 'reseal'], '', envFor({ ENCRYPTION_KEYS: `k2:${b64(k2)},k1:${b64(k1)}` }));
      expect(result).toMatchObject({ code: 0 });
      expect(result.stdout).toContain('would not open (left as they are): {"cards":1,"parent_accounts":0,"parent_totp":0}');
      expect(result.stdout).toContain('still sealed with k0: keep those keys');
      const [card] = await db.query(`SELECT encryption_key_id FROM cards WHERE child_id = $1`, [childId]);
      expect(card.encryption_key_id).toBe('k0');
    } finally {
      await db.query(`DELETE FROM children WHERE id = $1`, [childId]);
    }
  });

  it('given children, cards, call records and parents under the old pseudonym key, when the key is rotated (new key, old one as PSEUDONYM_KEY_PREVIOUS) and keys rehash runs, then they are found under the new key alone, meanwhile under either', async () => {
    const before = new Pseudonymizer(oldPseudonymKey);
    const during = new Pseudonymizer(newPseudonymKey, oldPseudonymKey);
    const after = new Pseudonymizer(newPseudonymKey);
    const encryptor = new Encryptor(ring('k2', { k2 }));
    const inRange = [makeNationalNumber('190504', '123', true), makeNationalNumber('192504', '007', true), makeNationalNumber('190505', '998', true)];
    const outside = makeNationalNumber('100101', '555', true);
    for (const [i, nn] of [...inRange, outside].entries()) await enrolWith(before, encryptor, nn, `Kid${i}`);
    const callId = randomUUID();
    await db.query(`INSERT INTO call_records (id, started_at, national_number_hash) VALUES ($1, now(), $2)`, [callId, before.hash('national-number', inRange[0])]);
    const parent = await parentWith(before, encryptor);

    // During the change: found under either key, by a finder and by a parent's contact code (the portal's link).
    for (const nn of [...inRange, outside]) expect((await lookUp(during, encryptor, nn)).kind).toBe('found');
    const codes = (p: Pseudonymizer) => new ContactCodeVerifier(new PgCardStore(new Database(db)), p, new CardSealer(p, encryptor));
    expect(await codes(during).verify(outside, 'ABCDEFGHJKLM')).toMatchObject({ childId: expect.any(String) });
    expect(await codes(after).verify(outside, 'ABCDEFGHJKLM')).toBeNull();

    const env = envFor({ PSEUDONYM_KEY: b64(newPseudonymKey), PSEUDONYM_KEY_PREVIOUS: b64(oldPseudonymKey), ENCRYPTION_KEYS: `k2:${b64(k2)}` });
    const result = await runOps(['keys', 'rehash', '--born-since', '2019-05-04', '--born-until', '2019-05-05', '--by', 'ops-team'], '', env);
    expect(result).toMatchObject({ code: 0 });
    const outcome = JSON.parse(result.stdout.slice(0, result.stdout.lastIndexOf('}') + 1));
    const [{ n: total }] = await db.query(`SELECT count(*)::int AS n FROM children`);
    expect(outcome).toMatchObject({ children: total, rehashedNow: 3, alreadyCurrent: 0, childrenLeft: total - 3, conflicts: [], parentLogins: await db.query(`SELECT count(*)::int AS n FROM parent_accounts`).then((r) => r[0].n) });
    expect(result.stdout).toContain('still under the old key: keep PSEUDONYM_KEY_PREVIOUS');

    for (const [i, nn] of inRange.entries()) expect(await lookUp(after, encryptor, nn)).toMatchObject({ kind: 'found', childFirstName: `Kid${i}` });
    expect(await codes(after).verify(inRange[0], 'ABCDEFGHJKLM')).toMatchObject({ childId: expect.any(String) });
    expect((await lookUp(after, encryptor, outside)).kind).toBe('unavailable');
    expect((await lookUp(during, encryptor, outside)).kind).toBe('found');
    const [call] = await db.query(`SELECT national_number_hash FROM call_records WHERE id = $1`, [callId]);
    expect(Buffer.from(call.national_number_hash).equals(after.hash('national-number', inRange[0]))).toBe(true);
    const [account] = await db.query(`SELECT login_hash FROM parent_accounts WHERE id = $1`, [parent.id]);
    expect(Buffer.from(account.login_hash).equals(after.hash('parent-login', parent.email))).toBe(true);
    const [card] = await db.query(`SELECT k.ingest_key FROM cards k JOIN children ch ON ch.id = k.child_id WHERE ch.national_number_hash = $1`, [after.hash('national-number', inRange[1])]);
    expect(Buffer.from(card.ingest_key).equals(after.hash('card', `${inRange[1]}\0${today()}\0ABCDEFGHJKLM`))).toBe(true);

    // A second run finds the same children already done; without PSEUDONYM_KEY_PREVIOUS it refuses.
    const again = await runOps(['keys', 'rehash', '--born-since', '2019-05-04', '--born-until', '2019-05-05'], '', env);
    expect(JSON.parse(again.stdout.slice(0, again.stdout.lastIndexOf('}') + 1))).toMatchObject({ rehashedNow: 0, alreadyCurrent: 3 });
    const refused = await runOps(['keys', 'rehash'], '', envFor({ PSEUDONYM_KEY: b64(newPseudonymKey), ENCRYPTION_KEYS: `k2:${b64(k2)}` }));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('set it to the old key');
  });

  it('given a backup made with npm run backup, when it is restored into a fresh database, then the app\'s own look-up finds the cascade by its national number there', async () => {
    const pseudonymizer = new Pseudonymizer(newPseudonymKey);
    const encryptor = new Encryptor(ring('k2', { k2 }));
    const nn = randomNationalNumber();
    await enrolWith(pseudonymizer, encryptor, nn, 'Noor');
    const dir = mkdtempSync(join(tmpdir(), 'alloparents-backup-'));
    const file = join(dir, 'alloparents.dump');
    const env = { ...process.env, DATABASE_URL: postgres.url, INIT_CWD: dir };
    try {
      const backup = await run('bash', [join(REPO_ROOT, 'scripts/backup.sh'), file], { env }, 120_000);
      expect(backup).toMatchObject({ code: 0 });
      expect(existsSync(file)).toBe(true);
      expect(backup.output).not.toContain('unused@');

      const target = await postgres.createDatabase('alloparents_restored');
      // The target's URL (with its password) comes on stdin, as an operator types it: never an argument.
      const restore = await run('bash', ['-c', `printf '%s\\n' "$TARGET_URL" | bash ${join(REPO_ROOT, 'scripts/backup.sh')} --restore ${file}`], { env: { ...env, TARGET_URL: target } }, 120_000);
      expect(restore).toMatchObject({ code: 0 });
      expect(restore.output).not.toContain('unused@');
      const restored = createDataSource(target);
      await restored.initialize();
      try {
        expect(await lookUp(pseudonymizer, encryptor, nn, restored)).toMatchObject({ kind: 'found', childFirstName: 'Noor', legs: [{ position: 1, number: '+32470009999' }] });
        // The restored database carries the migrations' bookkeeping: nothing left to apply.
        const [{ n }] = await restored.query(`SELECT count(*)::int AS n FROM schema_migrations`);
        const [{ m }] = await db.query(`SELECT count(*)::int AS m FROM schema_migrations`);
        expect(n).toBe(m);
      } finally {
        await restored.destroy();
      }

      const again = await run('bash', [join(REPO_ROOT, 'scripts/backup.sh'), '--restore', file], { env: { ...env, RESTORE_DATABASE_URL: target } }, 60_000);
      expect(again.code).not.toBe(0);
      expect(again.output).toContain('the target database is not empty');
      const overLive = await run('bash', [join(REPO_ROOT, 'scripts/backup.sh'), '--restore', file], { env: { ...env, RESTORE_DATABASE_URL: postgres.url } }, 60_000);
      expect(overLive.output).toContain('refusing to restore over DATABASE_URL');
      const noTarget = await run('bash', [join(REPO_ROOT, 'scripts/backup.sh'), '--restore', file], { env }, 60_000);
      expect(noTarget.output).toContain('no target database URL');
      const existing = await run('bash', [join(REPO_ROOT, 'scripts/backup.sh'), file], { env }, 60_000);
      expect(existing.output).toContain('exists: choose a new file name');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
