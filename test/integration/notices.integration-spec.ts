import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { CardSealer } from '../../apps/server/src/cards/domain/card-ingest';
import { CardRevocationService } from '../../apps/server/src/cards/domain/card-revocation';
import { Database } from '../../apps/server/src/database/database';
import type { Language } from '../../apps/server/src/languages';
import { NoticeSweep, SweepOutcome } from '../../apps/server/src/notices/notice-sweep';
import { noticeSweep } from '../../apps/server/src/notices/notices.module';
import { Mail, Mailer } from '../../apps/server/src/portal/domain/mailer';
import { Encryptor } from '../../apps/server/src/privacy/encryptor';
import { addDays, addMonths, calendarDay } from '../../apps/server/src/retention/retention-policy';
import { PgServiceSwitchStore } from '../../apps/server/src/service-mode/persistence/pg-service-switch-store';
import { PortalClient, ingestedCard, linkedChild, portalTestConfig, signedInParent, usePortalApp } from '../support/portal-app';
import { randomCode } from '../support/cards-data';
import { testEnvironment } from '../support/test-config';

// The app never sweeps by itself here: each test sweeps when it means to.
const config = portalTestConfig({ NOTICES_SWEEP_MINUTES: '0', DEFAULT_LANGUAGE: 'fr' });
const today = () => calendarDay(new Date(), config.retention.timeZone);

describe('notices to parents (PostgreSQL, the portal app, a capturing mailer)', () => {
  const portal = usePortalApp(config);

  const sweep = async (): Promise<Extract<SweepOutcome, { ran: true }>> => {
    const outcome = await portal.app.get(NoticeSweep).run({ dryRun: false });
    if (!outcome.ran) throw new Error('the sweep did not run');
    return outcome;
  };
  const mailsTo = (email: string): Mail[] => portal.mailer.mails.filter((m) => m.to === email.toLowerCase() && !m.link);

  /** A parent signed in, linked to a child of `card` (a new one unless given), with the child's cascade set up as `cascade` says. */
  async function parentWithChild(options: { card?: Awaited<ReturnType<typeof ingestedCard>>; cascadeLanguage?: Language; noticeLanguage?: Language; disabled?: string[] } = {}) {
    const parent = await signedInParent(portal);
    const card = options.card ?? (await ingestedCard(portal, { firstName: 'Zélie' }));
    const childId = await linkedChild(portal, parent.client, card);
    if (options.noticeLanguage || options.disabled) {
      const put = await parent.client.put('/api/v1/account/notices', { disabled: options.disabled ?? [], language: options.noticeLanguage ?? null });
      expect(put.status).toBe(200);
    }
    return { ...parent, card, childId };
  }

  /** An active cascade for the child with numbers (by SQL: the cascade's own rules are tested elsewhere). */
  async function activeCascade(childId: string, language: Language = 'fr', numbers = ['+32470000001', '+32470000002']): Promise<{ cascadeId: string; numberIds: string[] }> {
    const [row] = await portal.db.query(
      `INSERT INTO cascades (child_id, status, language, activated_at, terms_version, terms_accepted_at) VALUES ($1, 'active', $2, now(), 'test', now())
       ON CONFLICT (child_id) DO UPDATE SET status = 'active', blocked_reason = NULL, language = EXCLUDED.language, activated_at = now()
       RETURNING id`,
      [childId, language],
    );
    const numberIds: string[] = [];
    for (const [i, e164] of numbers.entries()) {
      const [n] = await portal.db.query(`INSERT INTO cascade_numbers (cascade_id, position, e164, country, last_verified_at) VALUES ($1, $2, $3, 'BE', now()) RETURNING id`, [row.id, i + 1, e164]);
      numberIds.push(n.id);
    }
    return { cascadeId: row.id, numberIds };
  }

  /** Nothing personal beyond the first name: no national number, contact code or phone number. */
  function expectNothingPersonal(mail: Mail, card: { nationalNumber: string; contactCode: string; lastName: string }): void {
    const all = `${mail.subject}\n${mail.text}`;
    expect(all).not.toContain(card.nationalNumber);
    expect(all).not.toContain(card.contactCode);
    expect(all).not.toContain(card.lastName);
    expect(all).not.toMatch(/\+?32\s?4\d{2}/);
    // The subject goes to the SMTP log line: not even the first name there.
    expect(mail.subject).not.toContain('Zélie');
  }

  it('given an active cascade, when a new card arrives, then every linked parent is told once, in its language, to enter the new letter\'s code, even one who turned every notice off', async () => {
    const first = await parentWithChild({ noticeLanguage: 'nl', disabled: ['card-expired', 'deletion-soon', 'number-check', 'service-switch'] });
    const second = await parentWithChild({ card: first.card });
    await activeCascade(first.childId, 'de');

    const newCard = await ingestedCard(portal, { nationalNumber: first.card.nationalNumber, contactCode: randomCode(), issuedOn: today(), firstName: 'Zélie' });
    const [{ status, blocked_reason }] = await portal.db.query(`SELECT status, blocked_reason FROM cascades WHERE child_id = $1`, [first.childId]);
    expect([status, blocked_reason]).toEqual(['blocked', 'new-card']);

    const outcome = await sweep();
    expect(outcome.due['cascade-blocked']).toBeGreaterThanOrEqual(2);
    const [toFirst] = mailsTo(first.email);
    expect(toFirst.subject).toBe('Allo Parents: de belketen van uw kind is geblokkeerd (nieuwe kaart)');
    expect(toFirst.text).toContain('nieuwe kaart uitgegeven voor Zélie');
    expect(toFirst.text).toContain(`${config.portal.publicUrl}/`);
    expectNothingPersonal(toFirst, newCard);
    expectNothingPersonal(toFirst, first.card);
    // No language chosen: the cascade's.
    const [toSecond] = mailsTo(second.email);
    expect(toSecond.subject).toBe('Allo Parents: Die Anrufkette Ihres Kindes ist gesperrt (neue Karte)');

    await sweep();
    expect(mailsTo(first.email)).toHaveLength(1);
    expect(mailsTo(second.email)).toHaveLength(1);
    const rows = await portal.db.query(`SELECT status, attempts, sent_at IS NOT NULL AS sent FROM notices_sent s JOIN parent_children pc ON pc.parent_id = s.parent_id WHERE pc.child_id = $1`, [first.childId]);
    expect(rows).toEqual([
      { status: 'sent', attempts: 1, sent: true },
      { status: 'sent', attempts: 1, sent: true },
    ]);

    // The account's data export shows its choices and what it was sent (codes and dates only).
    const exported = await first.client.get('/api/v1/account/export');
    expect(exported.status).toBe(200);
    expect(exported.body.notices.preferences.language).toBe('nl');
    expect(exported.body.notices.recorded).toEqual([
      { kind: 'cascade-blocked', childId: first.childId, details: { reason: 'new-card' }, status: 'sent', recordedAt: expect.any(String), sentAt: expect.any(String) },
    ]);
  });

  it('given a cascade blocked because the authority revoked the card, then the notice says so, and names "your child" (a revoked card keeps no name)', async () => {
    const parent = await parentWithChild({ noticeLanguage: 'en' });
    await activeCascade(parent.childId);
    const report = await portal.app.get(CardRevocationService).revoke([{ nationalNumber: parent.card.nationalNumber, issuedOn: parent.card.issuedOn }], { kind: 'system', id: 'notices-test' });
    expect(report.rejected).toEqual([]);
    const [{ status, blocked_reason }] = await portal.db.query(`SELECT status, blocked_reason FROM cascades WHERE child_id = $1`, [parent.childId]);
    expect([status, blocked_reason]).toEqual(['blocked', 'card-revoked']);

    await sweep();
    const [mail] = mailsTo(parent.email);
    expect(mail.subject).toBe("Allo Parents: your child's cascade is blocked (card revoked)");
    expect(mail.text).toContain("The issuing authority revoked your child's card.");
    expectNothingPersonal(mail, parent.card);
  });

  it('given a card past its validity, then its parents are told to order a new one and until when the cascade rings; one who turned the kind off is not', async () => {
    const issuedOn = addDays(addMonths(today(), -36), -2);
    const card = await ingestedCard(portal, { issuedOn, firstName: 'Zélie' });
    const told = await parentWithChild({ card, noticeLanguage: 'en' });
    const silent = await parentWithChild({ card, disabled: ['card-expired'] });
    await activeCascade(told.childId);

    await sweep();
    const [mail] = mailsTo(told.email);
    expect(mail.subject).toBe('Allo Parents: order a new card for your child');
    expect(mail.text).toMatch(/The card for Zélie is no longer valid since \d{1,2} \w+ \d{4}\. Order a new card: the call cascade keeps ringing until \d{1,2} \w+ \d{4} included/);
    expectNothingPersonal(mail, card);
    expect(mailsTo(silent.email)).toEqual([]);
  });

  it('given a paused cascade with its card past validity and a number that failed its test, then no notice while paused (it rings no one); once resumed, both are told', async () => {
    const issuedOn = addDays(addMonths(today(), -36), -2);
    const card = await ingestedCard(portal, { issuedOn, firstName: 'Zélie' });
    const parent = await parentWithChild({ card, noticeLanguage: 'en' });
    const { numberIds } = await activeCascade(parent.childId);
    await portal.db.query(`UPDATE cascade_numbers SET last_check_at = now() - interval '1 minute', last_check_result = 'no-answer', last_verified_at = now() - interval '2 days' WHERE id = $1`, [numberIds[0]]);
    expect((await parent.client.post(`/api/v1/children/${parent.childId}/cascade/pause`)).status).toBe(200);

    await sweep();
    expect(mailsTo(parent.email)).toEqual([]);

    expect((await parent.client.post(`/api/v1/children/${parent.childId}/cascade/resume`)).status).toBe(200);
    await sweep();
    expect(mailsTo(parent.email).map((m) => m.subject).sort()).toEqual(['Allo Parents: a number of the cascade did not answer its test', 'Allo Parents: order a new card for your child']);
  });

  it('given a card record deleted within 30 days, then the parents are told the day of the deletion, in French by default', async () => {
    const issuedOn = addDays(addMonths(today(), -42), 10);
    const card = await ingestedCard(portal, { issuedOn, firstName: 'Zélie' });
    const parent = await parentWithChild({ card, disabled: ['card-expired'] });
    await activeCascade(parent.childId);

    await sweep();
    const mails = mailsTo(parent.email);
    expect(mails.map((m) => m.subject)).toEqual(['Allo Parents : la cascade de votre enfant sera bientôt supprimée']);
    expect(mails[0].text).toMatch(/seront supprimées le \d{1,2} \S+ \d{4}\./);
    expectNothingPersonal(mails[0], card);
  });

  it('given a number that failed its last test and one not confirmed for seven months, then a notice each, naming the position and not the number', async () => {
    const parent = await parentWithChild({ noticeLanguage: 'en' });
    const { numberIds } = await activeCascade(parent.childId, 'fr', ['+32470000011', '+32470000012', '+32470000013']);
    await portal.db.query(`UPDATE cascade_numbers SET last_check_at = now() - interval '1 minute', last_check_result = 'no-answer', last_verified_at = now() - interval '2 days' WHERE id = $1`, [numberIds[1]]);
    await portal.db.query(`UPDATE cascade_numbers SET last_verified_at = now() - interval '7 months' WHERE id = $1`, [numberIds[2]]);

    await sweep();
    const mails = mailsTo(parent.email);
    expect(mails.map((m) => m.subject).sort()).toEqual(['Allo Parents: a number of the cascade did not answer its test', 'Allo Parents: check a number of the cascade']);
    expect(mails.find((m) => m.subject.includes('did not answer'))!.text).toContain('the number in position 2 was not confirmed');
    expect(mails.find((m) => m.subject.includes('check a number'))!.text).toContain('The number in position 3 of Zélie');
    for (const mail of mails) expect(mail.text).not.toMatch(/470000/);

    // The same failure is not told twice, not even after the parent saved the list (which rewrites its rows); a new failed test is.
    await sweep();
    expect(mailsTo(parent.email)).toHaveLength(2);
    const saved = await parent.client.put(`/api/v1/children/${parent.childId}/cascade`, {
      numbers: ['+32470000011', '+32470000012', '+32470000013'].map((number, i) => ({ number, country: 'BE', label: `phone ${i + 1}` })),
      language: 'fr',
    });
    expect(saved.status).toBe(200);
    await sweep();
    expect(mailsTo(parent.email)).toHaveLength(2);
    await portal.db.query(`UPDATE cascade_numbers n SET last_check_at = now() FROM cascades c WHERE c.id = n.cascade_id AND c.child_id = $1 AND n.position = 2`, [parent.childId]);
    await sweep();
    expect(mailsTo(parent.email)).toHaveLength(3);
  });

  it('given number checks turned off, then no check notice', async () => {
    const parent = await parentWithChild({ disabled: ['number-check'] });
    const { numberIds } = await activeCascade(parent.childId);
    await portal.db.query(`UPDATE cascade_numbers SET last_check_at = now(), last_check_result = 'busy', last_verified_at = NULL WHERE id = $1`, [numberIds[0]]);
    await sweep();
    expect(mailsTo(parent.email)).toEqual([]);
  });

  it('when the operator suspends then resumes the service, then parents managing a cascade are told each once; one who turned the kind off is not', async () => {
    const told = await parentWithChild({ noticeLanguage: 'de' });
    await activeCascade(told.childId);
    const silent = await parentWithChild({ disabled: ['service-switch'] });
    await activeCascade(silent.childId);
    const store = new PgServiceSwitchStore(new Database(portal.db));
    try {
      expect(await store.change('suspended', 'notices-test')).not.toBeNull();
      await sweep();
      await sweep();
      expect(mailsTo(told.email).map((m) => m.subject)).toEqual(['Allo Parents: Der Dienst ist ausgesetzt']);
    } finally {
      await store.change('normal', 'notices-test');
    }
    await sweep();
    expect(mailsTo(told.email).map((m) => m.subject)).toEqual(['Allo Parents: Der Dienst ist ausgesetzt', 'Allo Parents: Der Dienst funktioniert wieder']);
    expect(mailsTo(silent.email)).toEqual([]);
  });

  it('given a send that fails, then the notice stays pending and the next sweep sends it; a notice left sending by a crash is never sent again', async () => {
    const parent = await parentWithChild({ noticeLanguage: 'en' });
    const { numberIds } = await activeCascade(parent.childId);
    await portal.db.query(`UPDATE cascade_numbers SET last_check_at = now(), last_check_result = 'unreachable' WHERE id = $1`, [numberIds[0]]);

    class RefusingMailer extends Mailer {
      async send(): Promise<void> {
        throw new Error('code ECONNREFUSED');
      }
    }
    const failing = noticeSweep(new Database(portal.db), new RefusingMailer(), portal.app.get(Encryptor), portal.app.get(CardSealer), config);
    const failed = await failing.run({ dryRun: false });
    expect(failed.ran && failed.failed).toBeGreaterThanOrEqual(1);
    const [pending] = await portal.db.query(`SELECT id, status, attempts, last_error FROM notices_sent WHERE parent_id = $1`, [parent.id]);
    expect(pending).toMatchObject({ status: 'pending', attempts: 1, last_error: 'code ECONNREFUSED' });
    expect(mailsTo(parent.email)).toEqual([]);

    await sweep();
    expect(mailsTo(parent.email)).toHaveLength(1);
    const [sent] = await portal.db.query(`SELECT status, attempts FROM notices_sent WHERE id = $1`, [pending.id]);
    expect(sent).toEqual({ status: 'sent', attempts: 2 });

    // A sweep that crashed after marking the notice `sending` (its mail may have left): never sent again.
    await portal.db.query(`UPDATE notices_sent SET status = 'sending', sent_at = NULL WHERE id = $1`, [pending.id]);
    const after = await sweep();
    expect(after.stuck).toBeGreaterThanOrEqual(1);
    expect(mailsTo(parent.email)).toHaveLength(1);
    await portal.db.query(`UPDATE notices_sent SET status = 'abandoned' WHERE id = $1`, [pending.id]);
  });

  it('given a notice waiting for a retry, when the parent turns its kind off, then it is not sent', async () => {
    const parent = await parentWithChild({ noticeLanguage: 'en' });
    const { numberIds } = await activeCascade(parent.childId);
    await portal.db.query(`UPDATE cascade_numbers SET last_check_at = now(), last_check_result = 'declined' WHERE id = $1`, [numberIds[0]]);
    class RefusingMailer extends Mailer {
      async send(): Promise<void> {
        throw new Error('code ETIMEDOUT');
      }
    }
    await noticeSweep(new Database(portal.db), new RefusingMailer(), portal.app.get(Encryptor), portal.app.get(CardSealer), config).run({ dryRun: false });
    expect((await parent.client.put('/api/v1/account/notices', { disabled: ['number-check'], language: 'en' })).status).toBe(200);
    const outcome = await sweep();
    expect(outcome.turnedOff).toBeGreaterThanOrEqual(1);
    expect(mailsTo(parent.email)).toEqual([]);
    expect(await portal.db.query(`SELECT status, last_error FROM notices_sent WHERE parent_id = $1`, [parent.id])).toEqual([{ status: 'abandoned', last_error: 'turned-off' }]);
  });

  it('given a purged child, then its notices go with it (foreign keys), and deleting the account takes its preferences and notices', async () => {
    const parent = await parentWithChild({ noticeLanguage: 'en' });
    await activeCascade(parent.childId);
    await portal.db.query(`UPDATE cascades SET status = 'blocked', blocked_reason = 'new-card' WHERE child_id = $1`, [parent.childId]);
    await sweep();
    expect(Number((await portal.db.query(`SELECT count(*) AS n FROM notices_sent WHERE parent_id = $1`, [parent.id]))[0].n)).toBe(1);
    await portal.db.query(`DELETE FROM children WHERE id = $1`, [parent.childId]);
    expect(Number((await portal.db.query(`SELECT count(*) AS n FROM notices_sent WHERE parent_id = $1`, [parent.id]))[0].n)).toBe(0);
    await portal.db.query(`DELETE FROM parent_accounts WHERE id = $1`, [parent.id]);
    expect(Number((await portal.db.query(`SELECT count(*) AS n FROM notice_preferences WHERE parent_id = $1`, [parent.id]))[0].n)).toBe(0);
  });

  it('given `npm run notices -- --dry-run`, then it counts the notices due and records nothing; without --dry-run it records and mails them, and prints no address', async () => {
    const parent = await parentWithChild();
    await activeCascade(parent.childId);
    await portal.db.query(`UPDATE cascades SET status = 'blocked', blocked_reason = 'new-card' WHERE child_id = $1`, [parent.childId]);
    const cli = resolve(__dirname, '../../dist/apps/server/src/cli/notices.js');
    const run = (args: string[]) => promisify(execFile)(process.execPath, [cli, ...args], { env: { ...process.env, ...testEnvironment() }, timeout: 30_000 });
    const recorded = async () => portal.db.query(`SELECT status FROM notices_sent WHERE parent_id = $1`, [parent.id]);

    const dry = await run(['--dry-run']);
    expect(dry.stdout).toContain('notices that would be recorded:');
    expect(dry.stdout).toMatch(/ {2}cascade-blocked: [1-9]\d*/);
    expect(await recorded()).toEqual([]);

    const real = await run([]);
    // The counts cover the whole (shared) test database: other suites' accounts without contact
    // details may fail there; this parent's notice is checked row by row below.
    expect(real.stdout).toMatch(/recorded [1-9]\d*, mailed [1-9]\d*, failed \(retried at the next sweep\) \d+, abandoned \d+/);
    expect(await recorded()).toEqual([{ status: 'sent' }]);
    expect(`${real.stdout}${real.stderr}`).not.toContain(parent.email);
    expect(`${real.stdout}${real.stderr}`).not.toContain('Zélie');
  }, 60_000);

  describe('the account API: GET/PUT /api/v1/account/notices', () => {
    it('given a new account, then every kind is on, the blocking one mandatory, and no language chosen', async () => {
      const { client } = await signedInParent(portal);
      const got = await client.get('/api/v1/account/notices');
      expect(got.status).toBe(200);
      expect(got.body).toEqual({
        language: null,
        kinds: [
          { kind: 'cascade-blocked', enabled: true, mandatory: true },
          { kind: 'card-expired', enabled: true, mandatory: false },
          { kind: 'deletion-soon', enabled: true, mandatory: false },
          { kind: 'number-check', enabled: true, mandatory: false },
          { kind: 'service-switch', enabled: true, mandatory: false },
        ],
      });
    });

    it('when the parent turns kinds off and picks a language, then they are kept; the blocking notice cannot be turned off, nor an unknown kind or language given', async () => {
      const { client } = await signedInParent(portal);
      const put = await client.put('/api/v1/account/notices', { disabled: ['number-check', 'service-switch'], language: 'nl' });
      expect(put.status).toBe(200);
      expect(put.body.language).toBe('nl');
      expect(put.body.kinds.filter((k: { enabled: boolean }) => !k.enabled).map((k: { kind: string }) => k.kind)).toEqual(['number-check', 'service-switch']);
      expect((await client.get('/api/v1/account/notices')).body).toEqual(put.body);

      for (const body of [{ disabled: ['cascade-blocked'] }, { disabled: ['spam'] }, { disabled: 'number-check' }, { disabled: [], language: 'es' }, {}]) {
        const refused = await client.put('/api/v1/account/notices', body);
        expect(refused.status).toBe(400);
      }
      expect((await client.get('/api/v1/account/notices')).body).toEqual(put.body);
    });

    it('given no session, then 401', async () => {
      const client = new PortalClient(portal.baseUrl);
      await client.csrf();
      expect((await client.get('/api/v1/account/notices')).status).toBe(401);
    });
  });
});
