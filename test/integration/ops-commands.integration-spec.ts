import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PgCallRecordStore } from '../../apps/server/src/calls/persistence/pg-call-record-store';
import { FinderLookupService } from '../../apps/server/src/cascades/finder-lookup.service';
import { PgCascadeStore } from '../../apps/server/src/cascades/persistence/pg-cascade-store';
import { PgEnrolmentStore } from '../../apps/server/src/cascades/persistence/pg-enrolment-store';
import { Database } from '../../apps/server/src/database/database';
import { createDataSource } from '../../apps/server/src/database/data-source';
import { accountAad } from '../../apps/server/src/portal/domain/accounts';
import { Encryptor } from '../../apps/server/src/privacy/encryptor';
import { Pseudonymizer } from '../../apps/server/src/privacy/pseudonymizer';
import { randomNationalNumber } from '../support/national-numbers';
import { waitFor } from '../support/processes';
import { runOps } from '../support/ops-command';
import { ReceivedMail, startSmtpServer } from '../support/smtp-capture';
import { testConfig } from '../support/test-config';

jest.setTimeout(60_000);

describe('npm run ops: the operators\' commands against PostgreSQL (the built command, a real SMTP server)', () => {
  const config = testConfig();
  const pseudonymizer = new Pseudonymizer(config.pseudonymKey);
  const encryptor = new Encryptor(config.encryption);
  let db: DataSource;
  let records: PgCallRecordStore;
  let enrolment: PgEnrolmentStore;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let mailEnv: Record<string, string>;
  const caller = () => `3249${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
  const lookUp = async (nn: string, from = caller()) => {
    const callId = randomUUID();
    await records.callStarted(callId, new Date());
    return new FinderLookupService(new PgCascadeStore(new Database(db)), records, pseudonymizer, 100).lookUp(callId, nn, from);
  };
  const cascadeWithParents = async (language: 'fr' | 'nl' | 'de' | 'en', parents: number) => {
    const nn = randomNationalNumber();
    const { childId, cascadeId } = await enrolment.enrol({ nationalNumber: nn, issuedOn: new Date().toISOString().slice(0, 10), status: 'active', language, numbers: [{ e164: '+32470001234', country: 'BE' }] });
    const emails: string[] = [];
    for (let i = 0; i < parents; i += 1) {
      const id = randomUUID();
      const email = `parent-${id.slice(0, 8)}@example.test`;
      const { keyId, sealed } = encryptor.seal(JSON.stringify({ email }), accountAad(id));
      await db.query(`INSERT INTO parent_accounts (id, login_hash, sealed, encryption_key_id) VALUES ($1, $2, $3, $4)`, [id, pseudonymizer.hash('parent-login', email), sealed, keyId]);
      await db.query(`INSERT INTO parent_children (parent_id, child_id) VALUES ($1, $2)`, [id, childId]);
      emails.push(email);
    }
    return { nn, childId, cascadeId, emails };
  };
  const mailsTo = (email: string) => smtp.mails.filter((m) => m.to.includes(email));
  const auditOf = (subjectId: string) =>
    db.query(`SELECT actor_kind, actor_id, action, details FROM audit_events WHERE subject_id = $1 ORDER BY id`, [subjectId]) as Promise<{ actor_kind: string; actor_id: string; action: string; details: Record<string, unknown> }[]>;

  beforeAll(async () => {
    db = createDataSource(config.database.url);
    await db.initialize();
    records = new PgCallRecordStore(new Database(db));
    enrolment = new PgEnrolmentStore(new Database(db), pseudonymizer);
    smtp = await startSmtpServer();
    mailEnv = { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), SMTP_SECURE: 'false', SMTP_ALLOW_PLAINTEXT: 'true', MAIL_FROM: 'Allo Parents <no-reply@allo-parents.example>' };
  });
  afterAll(async () => {
    await db.destroy();
    await new Promise<void>((resolve) => smtp.server.close(() => resolve()));
  });

  it('given an active cascade with two parents, when an operator suspends it for fraud, then finders get the hotline, both parents are mailed in the cascade\'s language, and the action is audited; resuming undoes it and tells them too', async () => {
    const { nn, cascadeId, emails } = await cascadeWithParents('nl', 2);
    const suspended = await runOps(['suspend', '--reason', 'fraud', '--by', 'alice'], `${nn}\n`, mailEnv);
    expect(suspended).toMatchObject({ code: 0 });
    expect(suspended.stdout).toContain(`cascade ${cascadeId} suspended (fraud)`);
    expect(suspended.stdout).toContain('2 parent(s) mailed');
    expect(await lookUp(nn)).toEqual({ kind: 'unavailable', reason: 'blocked' });
    for (const email of emails) {
      const [mail] = await waitFor(`the suspension mail to ${email}`, async () => (mailsTo(email).length > 0 ? mailsTo(email) : undefined));
      expect(mail.headers).toMatch(/Subject: .*opgeschort/i);
      expect(mail.body).toContain('Child Focus (116 000)');
    }
    expect(await auditOf(cascadeId)).toEqual([{ actor_kind: 'operator', actor_id: 'alice', action: 'cascade.suspended', details: { reason: 'fraud', before: null } }]);

    // Suspending again changes nothing and mails nobody.
    const again = await runOps(['suspend', '--reason', 'fraud', '--by', 'alice'], `${nn}\n`, mailEnv);
    expect(again.stdout).toContain('already suspended');

    const resumed = await runOps(['resume', '--by', 'bob'], `${nn}\n`, mailEnv);
    expect(resumed).toMatchObject({ code: 0 });
    expect(resumed.stdout).toContain(`cascade ${cascadeId} resumed; 2 parent(s) mailed`);
    expect((await lookUp(nn)).kind).toBe('found');
    await waitFor('the resumption mails', async () => emails.every((e) => mailsTo(e).length === 2) || undefined);
    expect(mailsTo(emails[0])[1].headers).toMatch(/Subject: .*werkt weer/i);
    expect((await auditOf(cascadeId)).map((a) => `${a.actor_id} ${a.action}`)).toEqual(['alice cascade.suspended', 'bob cascade.resumed']);
    for (const output of [suspended, again, resumed]) expect(output.stdout + output.stderr).not.toContain(nn);
  });

  it('given a cascade a parent re-activates (a new card), then the operator\'s suspension stays: finders still get the hotline', async () => {
    const { nn, cascadeId } = await cascadeWithParents('fr', 0);
    expect((await runOps(['suspend', '--reason', 'court-order'], `${nn}\n`)).code).toBe(0);
    await db.query(`UPDATE cascades SET status = 'blocked', blocked_reason = 'new-card' WHERE id = $1`, [cascadeId]);
    await db.query(`UPDATE cascades SET status = 'active', blocked_reason = NULL WHERE id = $1`, [cascadeId]);
    expect(await lookUp(nn)).toEqual({ kind: 'unavailable', reason: 'blocked' });
  });

  it.each([
    ['a national number as an argument', (nn: string) => ['suspend', '--reason', 'fraud', nn], () => '', /never given as arguments/],
    ['an invalid national number', () => ['suspend', '--reason', 'fraud'], (nn: string) => `${nn.slice(0, 10)}${(Number(nn[10]) + 1) % 10}\n`, /not a valid national register number \(check-digits\)/],
    ['an unknown reason', () => ['suspend', '--reason', 'boredom'], (nn: string) => `${nn}\n`, /--reason is one of fraud, court-order/],
    ['no line on stdin', () => ['suspend', '--reason', 'fraud'], () => '', /nothing was typed/],
    ['an unknown option', () => ['resume', '--force', 'yes'], (nn: string) => `${nn}\n`, /unknown option --force/],
  ])('given %s, then the command fails with a clear message and changes nothing', async (_what, args, stdin, message) => {
    const { nn, cascadeId } = await cascadeWithParents('fr', 0);
    const result = await runOps(args(nn), stdin(nn));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toContain(nn);
    expect(await auditOf(cascadeId)).toEqual([]);
    expect((await lookUp(nn)).kind).toBe('found');
  });

  it('given a caller number an operator blocks for 2 hours, then its finders get the hotline (with or without +), others do not; unblocking lets it through again; each step is audited', async () => {
    const { nn } = await cascadeWithParents('fr', 0);
    const who = caller();
    const blocked = await runOps(['block-caller', '--for', '2h', '--reason', 'abuse', '--by', 'carol'], `+${who}\n`);
    expect(blocked).toMatchObject({ code: 0 });
    const blockId = /block ([0-9a-f-]{36})/.exec(blocked.stdout)![1];
    const [{ seconds }] = await db.query(`SELECT extract(epoch FROM blocked_until - blocked_at)::float AS seconds FROM blocked_callers WHERE id = $1`, [blockId]);
    expect(Math.abs(seconds - 7200)).toBeLessThan(10);
    expect(await lookUp(nn, who)).toEqual({ kind: 'throttled', limit: 'caller-blocked' });
    expect(await lookUp(nn, `+${who}`)).toEqual({ kind: 'throttled', limit: 'caller-blocked' });
    expect((await lookUp(nn)).kind).toBe('found');

    const unblocked = await runOps(['unblock-caller', '--by', 'dave'], `${who}\n`);
    expect(unblocked.stdout).toContain(`lifted 1 block(s): ${blockId}`);
    expect((await lookUp(nn, who)).kind).toBe('found');
    expect((await auditOf(blockId)).map((a) => `${a.actor_id} ${a.action} ${a.details.reason}`)).toEqual(['carol caller.blocked abuse', 'dave caller.unblocked abuse']);

    const none = await runOps(['unblock-caller'], `${who}\n`);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no block in force');
    expect((await runOps(['block-caller', '--for', '2 weeks'], `${who}\n`)).stderr).toContain('a duration is a number of minutes, hours or days');
    expect((await runOps(['block-caller', '--for', '1h'], 'not-a-number\n')).stderr).toContain('a caller number is 3 to 15 digits');
    expect(blocked.stdout + blocked.stderr + unblocked.stdout).not.toContain(who);
  });

  it('given a child whose cascade was suspended and resumed, then its audit trail shows who did what and when, with no personal value, and the reading is audited itself', async () => {
    const { nn, childId, cascadeId, emails } = await cascadeWithParents('en', 1);
    await runOps(['suspend', '--reason', 'court-order', '--by', 'alice'], `${nn}\n`, mailEnv);
    await runOps(['resume', '--by', 'bob'], `${nn}\n`, mailEnv);
    const trail = await runOps(['audit', '--by', 'erin'], `${nn}\n`);
    expect(trail).toMatchObject({ code: 0 });
    expect(trail.stdout).toContain(`child ${childId}; cascade ${cascadeId} (active)`);
    expect(trail.stdout).toMatch(/Z {2}operator:alice +cascade\.suspended +cascade [0-9a-f-]{36} {2}\{"before":null,"reason":"court-order"\}/);
    expect(trail.stdout).toMatch(/operator:bob +cascade\.resumed/);
    expect(trail.stdout).toContain('2 event(s)');
    for (const personal of [nn, emails[0], '+32470001234', '32470001234']) expect(trail.stdout + trail.stderr).not.toContain(personal);
    expect((await auditOf(childId)).map((a) => `${a.actor_id} ${a.action} ${JSON.stringify(a.details)}`)).toEqual(['erin child.audit-viewed {"lines":2}']);
  });

  it('given a call with legs, then call-legs shows the call and its legs in order by call id, and the reading is audited', async () => {
    const callId = randomUUID();
    const t = Date.now();
    await records.callStarted(callId, new Date(t));
    await records.legEnded({ legId: `${callId}:leg:1`, callId, position: '1', result: 'busy', startedAt: new Date(t + 1000), endedAt: new Date(t + 3000) });
    await records.legEnded({ legId: `${callId}:leg:2`, callId, position: 'hotline', result: 'connected', startedAt: new Date(t + 3500), endedAt: new Date(t + 60_000) });
    await records.callEnded(callId, 'connected-hotline', new Date(t + 60_000), { connectedPosition: 'hotline', connectedAt: new Date(t + 5000) });
    const shown = await runOps(['call-legs', callId, '--by', 'frank'], '');
    expect(shown).toMatchObject({ code: 0 });
    expect(shown.stdout).toContain(`call ${callId}: started ${new Date(t).toISOString()}`);
    expect(shown.stdout).toContain('outcome connected-hotline');
    expect(shown.stdout).toMatch(/leg 1 +busy +\S+ → \S+ \(2\.0 s\)\n {2}leg hotline +connected/);
    expect(shown.stdout).toContain('2 leg(s)');
    expect((await auditOf(callId)).map((a) => `${a.actor_id} ${a.action}`)).toEqual(['frank call.legs-viewed']);
    expect((await runOps(['call-legs', randomUUID()], '')).stderr).toContain('no call record with id');
    expect((await runOps(['call-legs', 'nope'], '')).stderr).toContain('a call id is a UUID');
  });
});
