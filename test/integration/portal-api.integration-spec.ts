import { randomUUID } from 'node:crypto';
import { checkNationalNumber } from '../../apps/server/src/cascades/domain/national-number';
import { Pseudonymizer } from '../../apps/server/src/privacy/pseudonymizer';
import { CURRENT_TERMS_VERSION, LINK_REFUSED } from '../../apps/server/src/portal/domain/parent-children';
import { randomCode } from '../support/cards-data';
import { randomNationalNumber } from '../support/national-numbers';
import { PASSWORD, PortalClient, connectingFrom, verifiedParent, ingestedCard, linkedChild, portalTestConfig, randomClientAddress, randomEmail, randomLoopback, signedInParent, usePortalApp } from '../support/portal-app';
import { TEST_PORTS, testConfig } from '../support/test-config';
import { TlsProxy, startTlsProxy } from '../support/tls-proxy';

describe('the parents portal API (/api/v1) over HTTP against PostgreSQL', () => {
  const config = portalTestConfig();
  const pseudonymizer = new Pseudonymizer(config.pseudonymKey);
  const portal = usePortalApp(config);
  const newClient = () => new PortalClient(portal.baseUrl);

  const threeNumbers = [
    { number: '0470 12 34 56', label: 'Mum, mobile' },
    { number: '06 12 34 56 78', country: 'FR', label: 'Dad, mobile (France)' },
    { number: '+32 2 555 12 12', label: 'Home' },
  ];

  describe('security headers and CSRF', () => {
    it('given any portal response, then helmet security headers are set', async () => {
      const response = await newClient().get('/api/v1/auth/csrf');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    });

    it('given a state-changing request without the X-CSRF-Token header, or with a wrong one, then 403 with a clear message and nothing happens', async () => {
      const client = newClient();
      await client.csrf();
      const email = randomEmail();
      for (const csrf of [false, 'A'.repeat(43)] as const) {
        const response = await client.post('/api/v1/auth/register', { email, password: PASSWORD }, { csrf });
        expect(response.status).toBe(403);
        expect(response.body).toMatchObject({ error: 'csrf', message: expect.stringContaining('X-CSRF-Token') });
      }
      const noCookie = await newClient().post('/api/v1/auth/register', { email, password: PASSWORD }, { csrf: 'A'.repeat(43) });
      expect(noCookie.status).toBe(403);
      expect(portal.mailer.mails.filter((m) => m.to === email)).toHaveLength(0);
    });

    it('given a body over 32 KiB, then 413 before anything is read; the authority\'s batch endpoint alone takes more', async () => {
      const client = newClient();
      await client.csrf();
      const email = randomEmail();
      const big = await client.post('/api/v1/auth/register', { email, password: PASSWORD, padding: 'x'.repeat(33 * 1024) });
      expect(big.status).toBe(413);
      expect(portal.mailer.mails.filter((m) => m.to === email)).toHaveLength(0);
      // Just under the limit, the body is read (and its unknown field refused, a 400).
      expect((await client.post('/api/v1/auth/register', { email, password: PASSWORD, padding: 'x'.repeat(31 * 1024) })).status).toBe(400);
      // The authority's endpoint reads a 100 KiB body (then refuses the token, a 401: the limit did not stop it).
      const batch = await fetch(`${portal.baseUrl}/api/v1/authority/cards`, {
        method: 'POST',
        headers: { authorization: 'Bearer not-a-token', 'content-type': 'application/json' },
        body: JSON.stringify({ cards: [], padding: 'x'.repeat(100 * 1024) }),
      });
      expect(batch.status).toBe(401);
    });

    it('given a signed-in parent, then PUT and DELETE need the CSRF token too', async () => {
      const { client } = await signedInParent(portal);
      const childId = await linkedChild(portal, client);
      expect((await client.put(`/api/v1/children/${childId}/cascade`, { numbers: threeNumbers }, { csrf: false })).status).toBe(403);
      expect((await client.delete(`/api/v1/children/${childId}/cascade`, undefined, { csrf: false })).status).toBe(403);
      expect((await client.delete('/api/v1/account', { confirm: true }, { csrf: false })).status).toBe(403);
      expect((await client.get(`/api/v1/children/${childId}/cascade`)).body.status).toBeNull();
    });

    it('given a signed-in parent, then the CSRF token is bound to the session: a new one at sign-in, the one from before it or from another session is refused', async () => {
      const client = newClient();
      const before = await client.csrf();
      const email = randomEmail();
      expect((await client.post('/api/v1/auth/register', { email, password: PASSWORD })).status).toBe(202);
      expect((await client.post('/api/v1/auth/verify-email', { token: portal.mailer.tokenFor(email, 'verify-email') })).status).toBe(200);
      expect((await client.post('/api/v1/auth/sign-in', { email, password: PASSWORD })).status).toBe(200);
      const bound = client.csrfCookie()!;
      expect(bound).not.toBe(before);
      expect((await client.get('/api/v1/auth/csrf')).body.csrfToken).toBe(bound);
      const { client: other } = await signedInParent(portal);
      // The cookie and the header agree (double-submit), but neither is this session's token.
      for (const token of [before, other.csrfCookie()!]) {
        client.cookies.set('ap_csrf', token);
        const refused = await client.post('/api/v1/auth/sign-out-everywhere', {}, { csrf: token });
        expect(refused.status).toBe(403);
        expect(refused.body.error).toBe('csrf');
      }
      client.cookies.set('ap_csrf', bound);
      expect((await client.get('/api/v1/account')).status).toBe(200);
      expect((await client.post('/api/v1/auth/sign-out-everywhere', {})).status).toBe(204);
    });

    it('the CSRF cookie is SameSite=Strict and readable by the page; the session cookie is HttpOnly and SameSite=Strict, not Secure over plain http', async () => {
      const client = newClient();
      const csrf = await client.get('/api/v1/auth/csrf');
      expect(csrf.setCookies[0]).toMatch(/^ap_csrf=[A-Za-z0-9_-]{43};.*SameSite=Strict/);
      expect(csrf.setCookies[0]).not.toMatch(/HttpOnly/);
      const { client: signedIn, email } = await signedInParent(portal);
      const again = await signedIn.post('/api/v1/auth/sign-in', { email, password: PASSWORD });
      const session = again.setCookies.find((c) => c.startsWith('ap_session='))!;
      expect(session).toMatch(/HttpOnly/);
      expect(session).toMatch(/SameSite=Strict/);
      expect(session).not.toMatch(/Secure/);
    });
  });

  describe('accounts', () => {
    it('given invalid bodies, then 400 with one message per field', async () => {
      const client = newClient();
      await client.csrf();
      const cases: [unknown, string, string][] = [
        [{ email: 'not-an-address', password: PASSWORD }, 'email', 'isEmail'],
        [{ email: randomEmail(), password: 'short pass' }, 'password', 'too-short'],
        [{ email: randomEmail(), password: 'password1234' }, 'password', 'too-common'],
        [{ email: randomEmail(), password: 'aaaaaaaaaaaaaaa' }, 'password', 'too-common'],
        [{ email: randomEmail(), password: PASSWORD, admin: true }, 'admin', 'unknown-field'],
        [{ email: randomEmail() }, 'password', 'isString'],
      ];
      for (const [body, field, code] of cases) {
        const response = await client.post('/api/v1/auth/register', body);
        expect(response.status).toBe(400);
        expect(response.body.error).toBe('invalid');
        expect(response.body.fields).toContainEqual({ field, code, message: expect.any(String) });
      }
      const tooCommon = await client.post('/api/v1/auth/register', { email: randomEmail(), password: 'Password1234' });
      expect(tooCommon.body.fields[0].message).toMatch(/most common/);
    });

    it('given a password among the 100,000 commonest leaked ones, in any case, then registration and a reset refuse it as too-common and change nothing', async () => {
      const client = newClient();
      await client.csrf();
      const refusedEmail = randomEmail();
      const refused = await client.post('/api/v1/auth/register', { email: refusedEmail, password: 'SonyEricsson' });
      expect(refused.status).toBe(400);
      expect(refused.body.fields).toEqual([{ field: 'password', code: 'too-common', message: expect.stringMatching(/most common/) }]);
      expect(await portal.db.query(`SELECT 1 FROM parent_accounts WHERE login_hash = $1`, [pseudonymizer.hash('parent-login', refusedEmail)])).toHaveLength(0);
      expect(portal.mailer.mails.some((m) => m.to === refusedEmail)).toBe(false);

      const { email } = await signedInParent(portal);
      const anonymous = newClient();
      await anonymous.csrf();
      expect((await anonymous.post('/api/v1/auth/password-reset', { email })).status).toBe(202);
      const token = portal.mailer.tokenFor(email, 'reset-password');
      const [before] = await portal.db.query(`SELECT password_hash FROM parent_accounts WHERE login_hash = $1`, [pseudonymizer.hash('parent-login', email)]);
      for (const password of ['leavemealone', 'FINALFANTASY', 'chickenwing101']) {
        const weak = await anonymous.post('/api/v1/auth/password-reset/confirm', { token, password });
        expect(weak.status).toBe(400);
        expect(weak.body.fields).toEqual([{ field: 'password', code: 'too-common', message: expect.any(String) }]);
      }
      const [after] = await portal.db.query(`SELECT password_hash FROM parent_accounts WHERE login_hash = $1`, [pseudonymizer.hash('parent-login', email)]);
      expect(after.password_hash).toBe(before.password_hash);
      expect((await anonymous.post('/api/v1/auth/sign-in', { email, password: PASSWORD })).status).toBe(200);
      // The link was not spent by the refusals.
      expect((await anonymous.post('/api/v1/auth/password-reset/confirm', { token, password: 'a different and long passphrase' })).status).toBe(200);
    });

    it('given a registration, then the address is stored only as a keyed hash and sealed, the password as argon2id, and the mailed link verifies it', async () => {
      const client = newClient();
      await client.csrf();
      const email = randomEmail();
      const registered = await client.post('/api/v1/auth/register', { email: email.toUpperCase(), password: PASSWORD });
      expect(registered.status).toBe(202);
      const [row] = await portal.db.query(`SELECT * FROM parent_accounts WHERE login_hash = $1`, [pseudonymizer.hash('parent-login', email)]);
      expect(row.password_hash).toMatch(/^\$argon2id\$/);
      expect(row.email_verified_at).toBeNull();
      expect(JSON.stringify(row)).not.toContain(email);
      expect(Buffer.from(row.sealed).includes(Buffer.from(email))).toBe(false);

      const early = await client.post('/api/v1/auth/sign-in', { email, password: PASSWORD });
      expect(early.status).toBe(403);
      expect(early.body.error).toBe('email-not-verified');

      const token = portal.mailer.tokenFor(email, 'verify-email');
      expect((await client.post('/api/v1/auth/verify-email', { token })).status).toBe(200);
      expect((await client.post('/api/v1/auth/verify-email', { token })).body.error).toBe('token-invalid');
      const signIn = await client.post('/api/v1/auth/sign-in', { email, password: PASSWORD });
      expect(signIn.status).toBe(200);
      expect(signIn.body).toMatchObject({ email, emailVerified: true });
      expect((await client.get('/api/v1/account')).body.email).toBe(email);
    });

    it('given an address that already has an account, then registering answers the same and mails a notice instead of a link', async () => {
      const { email } = await signedInParent(portal);
      const client = newClient();
      await client.csrf();
      const before = portal.mailer.mails.length;
      const response = await client.post('/api/v1/auth/register', { email, password: 'another long passphrase' });
      expect(response.status).toBe(202);
      const notice = portal.mailer.mails.slice(before);
      expect(notice).toHaveLength(1);
      expect(notice[0].link).toBeUndefined();
    });

    it('given a wrong password or an unknown address, then the same 401 and message', async () => {
      const { email } = await signedInParent(portal);
      const client = newClient();
      await client.csrf();
      const wrong = await client.post('/api/v1/auth/sign-in', { email, password: 'not the password at all' });
      const unknown = await client.post('/api/v1/auth/sign-in', { email: randomEmail(), password: PASSWORD });
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(unknown.body).toEqual(wrong.body);
      expect(client.cookies.has('ap_session')).toBe(false);
    });

    it('given sign-out, then that session is gone; given sign-out everywhere, then every session of the account is gone', async () => {
      const { client, email } = await signedInParent(portal);
      const second = newClient();
      await second.csrf();
      await second.post('/api/v1/auth/sign-in', { email, password: PASSWORD });
      const third = newClient();
      await third.csrf();
      await third.post('/api/v1/auth/sign-in', { email, password: PASSWORD });

      const stolen = client.cookies.get('ap_session')!;
      expect((await client.post('/api/v1/auth/sign-out')).status).toBe(204);
      expect(client.cookies.has('ap_session')).toBe(false);
      client.cookies.set('ap_session', stolen);
      expect((await client.get('/api/v1/account')).status).toBe(401);
      expect((await second.get('/api/v1/account')).status).toBe(200);

      expect((await second.post('/api/v1/auth/sign-out-everywhere')).status).toBe(204);
      expect((await third.get('/api/v1/account')).status).toBe(401);
      expect((await second.get('/api/v1/account')).status).toBe(401);
    });

    it('given 15 minutes without a request, or 12 hours since sign-in, then the session has expired', async () => {
      const { client: idle, id } = await signedInParent(portal);
      await portal.db.query(`UPDATE portal_sessions SET last_seen_at = now() - interval '15 minutes 1 second' WHERE parent_id = $1`, [id]);
      const response = await idle.get('/api/v1/account');
      expect(response.status).toBe(401);
      expect(response.body.message).toMatch(/15 minutes/);

      const { client: old, id: oldId } = await signedInParent(portal);
      await portal.db.query(`UPDATE portal_sessions SET created_at = now() - interval '12 hours 1 second' WHERE parent_id = $1`, [oldId]);
      expect((await old.get('/api/v1/account')).status).toBe(401);

      const { client: active, id: activeId } = await signedInParent(portal);
      await portal.db.query(`UPDATE portal_sessions SET last_seen_at = now() - interval '14 minutes', created_at = now() - interval '11 hours' WHERE parent_id = $1`, [activeId]);
      expect((await active.get('/api/v1/account')).status).toBe(200);
    });

    it('the database holds only hashes of session ids', async () => {
      const { client, id } = await signedInParent(portal);
      const cookie = client.cookies.get('ap_session')!;
      const rows: { id_hash: Buffer }[] = await portal.db.query(`SELECT id_hash FROM portal_sessions WHERE parent_id = $1`, [id]);
      expect(rows).toHaveLength(1);
      expect(rows[0].id_hash.toString('base64url')).not.toBe(cookie);
      expect(rows[0].id_hash.includes(Buffer.from(cookie))).toBe(false);
    });

    it('given a password reset, then a weak password is refused without spending the link, the new one works, the old one and every session do not', async () => {
      const { client, email } = await signedInParent(portal);
      const anonymous = newClient();
      await anonymous.csrf();
      expect((await anonymous.post('/api/v1/auth/password-reset', { email: randomEmail() })).status).toBe(202);
      expect((await anonymous.post('/api/v1/auth/password-reset', { email })).status).toBe(202);
      const token = portal.mailer.tokenFor(email, 'reset-password');

      const weak = await anonymous.post('/api/v1/auth/password-reset/confirm', { token, password: 'qwerty123456' });
      expect(weak.status).toBe(400);
      expect(weak.body.fields[0]).toMatchObject({ field: 'password', code: 'too-common' });
      const newPassword = 'a different and long passphrase';
      expect((await anonymous.post('/api/v1/auth/password-reset/confirm', { token, password: newPassword })).status).toBe(200);
      expect((await anonymous.post('/api/v1/auth/password-reset/confirm', { token, password: newPassword })).body.error).toBe('token-invalid');

      expect((await client.get('/api/v1/account')).status).toBe(401);
      expect((await anonymous.post('/api/v1/auth/sign-in', { email, password: PASSWORD })).status).toBe(401);
      expect((await anonymous.post('/api/v1/auth/sign-in', { email, password: newPassword })).status).toBe(200);
    });

    it('given no session, then the account and children endpoints answer 401', async () => {
      const client = newClient();
      await client.csrf();
      expect((await client.get('/api/v1/account')).status).toBe(401);
      expect((await client.get('/api/v1/children')).status).toBe(401);
      expect((await client.post('/api/v1/children/links', { nationalNumber: randomNationalNumber(), contactCode: 'ABCDEF' })).status).toBe(401);
    });
  });

  describe('linking a child', () => {
    it('given the number and the code of the current card, then the child is linked and listed with its first name', async () => {
      const { client, id } = await signedInParent(portal);
      const card = await ingestedCard(portal, { firstName: 'Zoë' });
      const spaced = `${card.nationalNumber.slice(0, 6)} ${card.nationalNumber.slice(6, 9)}-${card.nationalNumber.slice(9)}`;
      const response = await client.post('/api/v1/children/links', { nationalNumber: spaced, contactCode: card.contactCode.toLowerCase() });
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({ firstName: 'Zoë', cascadeStatus: null });
      expect((await client.get('/api/v1/children')).body).toEqual([response.body]);
      expect(await portal.db.query(`SELECT 1 FROM parent_children WHERE parent_id = $1 AND child_id = $2`, [id, response.body.id])).toHaveLength(1);
    });

    it('given a wrong code or an unknown number, then the same status and the same message (no existence oracle)', async () => {
      const { client } = await signedInParent(portal);
      const card = await ingestedCard(portal);
      const wrongCode = await client.post('/api/v1/children/links', { nationalNumber: card.nationalNumber, contactCode: randomCode() });
      const unknownNumber = await client.post('/api/v1/children/links', { nationalNumber: randomNationalNumber(), contactCode: card.contactCode });
      expect(wrongCode.status).toBe(400);
      expect(unknownNumber.status).toBe(400);
      expect(wrongCode.body).toEqual(unknownNumber.body);
      expect(wrongCode.body).toEqual({ statusCode: 400, error: 'link-refused', message: LINK_REFUSED, fields: [] });
    });

    it('given a malformed national number, then a field message (shape only, it reveals nothing about cards)', async () => {
      const { client } = await signedInParent(portal);
      const valid = randomNationalNumber();
      const wrongCheck = Array.from({ length: 100 }, (_, i) => `${valid.slice(0, 9)}${String(i).padStart(2, '0')}`).find((n) => checkNationalNumber(n).valid === false)!;
      const response = await client.post('/api/v1/children/links', { nationalNumber: wrongCheck, contactCode: 'ABCDEF' });
      expect(response.status).toBe(400);
      expect(response.body.fields).toEqual([{ field: 'nationalNumber', code: 'check-digits', message: expect.stringMatching(/11 digits/) }]);
      const missing = await client.post('/api/v1/children/links', { nationalNumber: '12345678901' });
      expect(missing.body.fields.map((f: { field: string }) => f.field)).toContain('contactCode');
    });

    it('given 5 wrong codes for one national number, then further tries are refused for an hour, even with the right code and from another account', async () => {
      const { client } = await signedInParent(portal);
      const card = await ingestedCard(portal);
      for (let i = 0; i < 5; i += 1) {
        expect((await client.post('/api/v1/children/links', { nationalNumber: card.nationalNumber, contactCode: randomCode() })).status).toBe(400);
      }
      const locked = await client.post('/api/v1/children/links', { nationalNumber: card.nationalNumber, contactCode: card.contactCode });
      expect(locked.status).toBe(429);
      expect(locked.body.error).toBe('link-locked');
      const { client: other } = await signedInParent(portal);
      expect((await other.post('/api/v1/children/links', { nationalNumber: card.nationalNumber, contactCode: card.contactCode })).status).toBe(429);

      // An hour after the 5th failure, the number can be tried again.
      const hash = pseudonymizer.hash('national-number', card.nationalNumber);
      await portal.db.query(`UPDATE link_attempts SET failed_at = failed_at - interval '61 minutes' WHERE subject_kind = 'national-number' AND subject_hash = $1`, [hash]);
      expect((await other.post('/api/v1/children/links', { nationalNumber: card.nationalNumber, contactCode: card.contactCode })).status).toBe(201);
    });

    it('given 5 failed tries from one account on different numbers, then that account is locked out, the same for known and unknown numbers', async () => {
      const { client } = await signedInParent(portal);
      for (let i = 0; i < 5; i += 1) {
        expect((await client.post('/api/v1/children/links', { nationalNumber: randomNationalNumber(), contactCode: randomCode() })).status).toBe(400);
      }
      const card = await ingestedCard(portal);
      expect((await client.post('/api/v1/children/links', { nationalNumber: card.nationalNumber, contactCode: card.contactCode })).status).toBe(429);
      expect((await client.post('/api/v1/children/links', { nationalNumber: randomNationalNumber(), contactCode: randomCode() })).status).toBe(429);
      const { client: other } = await signedInParent(portal);
      expect((await other.post('/api/v1/children/links', { nationalNumber: card.nationalNumber, contactCode: card.contactCode })).status).toBe(201);
    });

    it('the failed tries are stored as hashes only', async () => {
      const { client } = await signedInParent(portal);
      const nationalNumber = randomNationalNumber();
      await client.post('/api/v1/children/links', { nationalNumber, contactCode: randomCode() });
      const rows = await portal.db.query(`SELECT subject_kind, subject_hash FROM link_attempts WHERE subject_hash = $1`, [pseudonymizer.hash('national-number', nationalNumber)]);
      expect(rows).toHaveLength(1);
      expect(JSON.stringify(rows)).not.toContain(nationalNumber);
    });
  });

  describe('editing the cascade', () => {
    it('given three numbers, then they are normalised to E.164, kept in order with their labels and countries, and the cascade is a draft', async () => {
      const { client } = await signedInParent(portal);
      const childId = await linkedChild(portal, client);
      const saved = await client.put(`/api/v1/children/${childId}/cascade`, { numbers: threeNumbers });
      expect(saved.status).toBe(200);
      expect(saved.body).toMatchObject({
        status: 'draft',
        currentTermsVersion: CURRENT_TERMS_VERSION,
        // SERVICE_NUMBER in the tests, as the parents' phones show it (LEG_CALLER_ID=service).
        callerNumber: '+32 78 15 00 00',
        numbers: [
          { position: 1, number: '+32470123456', formatted: '+32 470 12 34 56', country: 'BE', label: 'Mum, mobile' },
          { position: 2, number: '+33612345678', formatted: '+33 6 12 34 56 78', country: 'FR', label: 'Dad, mobile (France)' },
          { position: 3, number: '+3225551212', formatted: '+32 2 555 12 12', country: 'BE', label: 'Home' },
        ],
      });
      expect((await client.get(`/api/v1/children/${childId}/cascade`)).body).toEqual(saved.body);

      const reordered = await client.put(`/api/v1/children/${childId}/cascade`, { numbers: [threeNumbers[2], threeNumbers[0]] });
      expect(reordered.body.numbers.map((n: { number: string }) => n.number)).toEqual(['+3225551212', '+32470123456']);
    });

    it('given an 8th number, then it is refused with its own message and nothing is saved', async () => {
      const { client } = await signedInParent(portal);
      const childId = await linkedChild(portal, client);
      const eight = Array.from({ length: 8 }, (_, i) => ({ number: `+3247000000${i}` }));
      const response = await client.put(`/api/v1/children/${childId}/cascade`, { numbers: eight });
      expect(response.status).toBe(400);
      expect(response.body.fields).toEqual([{ field: 'numbers[7]', code: 'too-many', message: expect.stringMatching(/at most 7/) }]);
      expect((await client.get(`/api/v1/children/${childId}/cascade`)).body.numbers).toEqual([]);
      expect((await client.put(`/api/v1/children/${childId}/cascade`, { numbers: eight.slice(0, 7) })).status).toBe(200);
    });

    it('given a duplicate, an invalid, a premium-rate number, the service number or the hotline, then each is refused on its own field', async () => {
      const { client } = await signedInParent(portal);
      const childId = await linkedChild(portal, client);
      const response = await client.put(`/api/v1/children/${childId}/cascade`, {
        numbers: [
          { number: '0470 12 34 56' },
          { number: '+32470123456' },
          { number: '0470 12' },
          { number: '0903 12 345' },
          { number: '078 15 00 00' },
          { number: '116000' },
          { number: '0470 99 88 77', country: 'XX' },
        ],
      });
      expect(response.status).toBe(400);
      expect(response.body.fields.map((f: { field: string; code: string }) => [f.field, f.code])).toEqual([
        ['numbers[1].number', 'duplicate'],
        ['numbers[2].number', 'invalid'],
        ['numbers[3].number', 'premium-rate'],
        ['numbers[4].number', 'service-number'],
        ['numbers[5].number', 'hotline'],
        ['numbers[6].country', 'unknown-country'],
      ]);
      expect(response.body.fields[0].message).toMatch(/already in the list at position 1/);
      expect((await client.get(`/api/v1/children/${childId}/cascade`)).body.numbers).toEqual([]);
    });

    it('given numbers the service does not dial (a US number, a satellite phone, a toll-free and a UAN number), then each is refused with its own code and nothing is saved', async () => {
      const { client } = await signedInParent(portal);
      const childId = await linkedChild(portal, client);
      const response = await client.put(`/api/v1/children/${childId}/cascade`, {
        numbers: [{ number: '0470 12 34 56' }, { number: '+1 201 555 0123' }, { number: '+881 6 1234 5678' }, { number: '0800 12 345' }, { number: '078 15 12 34' }],
      });
      expect(response.status).toBe(400);
      expect(response.body.fields.map((f: { field: string; code: string }) => [f.field, f.code])).toEqual([
        ['numbers[1].number', 'country-not-allowed'],
        ['numbers[2].number', 'country-not-allowed'],
        ['numbers[3].number', 'type-not-allowed'],
        ['numbers[4].number', 'type-not-allowed'],
      ]);
      expect(response.body.fields[0].message).toMatch(/does not call numbers of US/);
      expect(response.body.fields[2].message).toMatch(/mobile and landline numbers only/);
      expect((await client.get(`/api/v1/children/${childId}/cascade`)).body.numbers).toEqual([]);
    });

    it('given malformed bodies, then class-validator messages per field, unknown fields included', async () => {
      const { client } = await signedInParent(portal);
      const childId = await linkedChild(portal, client);
      const cases: [unknown, string, string][] = [
        [{}, 'numbers', 'isArray'],
        [{ numbers: [{ number: '' }] }, 'numbers[0].number', 'isNotEmpty'],
        [{ numbers: [{ number: '0470123456', colour: 'red' }] }, 'numbers[0].colour', 'unknown-field'],
        [{ numbers: [{ number: '0470123456', country: 'Belgium' }] }, 'numbers[0].country', 'matches'],
        [{ numbers: [{ number: '0470123456', label: 'x'.repeat(61) }] }, 'numbers[0].label', 'maxLength'],
        [{ numbers: [], language: 'it' }, 'language', 'isIn'],
        [{ numbers: [], status: 'active' }, 'status', 'unknown-field'],
      ];
      for (const [body, field, code] of cases) {
        const response = await client.put(`/api/v1/children/${childId}/cascade`, body);
        expect(response.status).toBe(400);
        expect(response.body.fields).toContainEqual({ field, code, message: expect.any(String) });
      }
    });

    it('given consent to the current terms, then the cascade is active with the version and time recorded; saving keeps it active', async () => {
      const { client } = await signedInParent(portal);
      const childId = await linkedChild(portal, client);
      const noNumbers = await client.post(`/api/v1/children/${childId}/cascade/activation`, { termsVersion: 'old' });
      expect(noNumbers.status).toBe(400);
      expect(noNumbers.body.fields.map((f: { field: string }) => f.field)).toEqual(['termsVersion', 'numbers']);

      await client.put(`/api/v1/children/${childId}/cascade`, { numbers: threeNumbers });
      const activated = await client.post(`/api/v1/children/${childId}/cascade/activation`, { termsVersion: CURRENT_TERMS_VERSION });
      expect(activated.status).toBe(200);
      expect(activated.body).toMatchObject({ status: 'active', termsVersion: CURRENT_TERMS_VERSION, activatedAt: expect.any(String), termsAcceptedAt: expect.any(String) });
      const [row] = await portal.db.query(`SELECT status, terms_version, terms_accepted_at FROM cascades WHERE child_id = $1`, [childId]);
      expect(row).toMatchObject({ status: 'active', terms_version: CURRENT_TERMS_VERSION });
      expect(Math.abs(new Date(row.terms_accepted_at).getTime() - Date.now())).toBeLessThan(60_000);

      const saved = await client.put(`/api/v1/children/${childId}/cascade`, { numbers: [threeNumbers[0]] });
      expect(saved.body.status).toBe('active');
      const emptied = await client.put(`/api/v1/children/${childId}/cascade`, { numbers: [] });
      expect(emptied.body.fields[0]).toMatchObject({ field: 'numbers', code: 'empty-active' });
    });

    it('given a new card for the child, then the cascade is blocked and re-activates only with the new code', async () => {
      const { client } = await signedInParent(portal);
      const first = await ingestedCard(portal, { issuedOn: new Date(Date.now() - 60 * 86_400_000).toISOString().slice(0, 10) });
      const childId = await linkedChild(portal, client, first);
      await client.put(`/api/v1/children/${childId}/cascade`, { numbers: threeNumbers });
      await client.post(`/api/v1/children/${childId}/cascade/activation`, { termsVersion: CURRENT_TERMS_VERSION });

      const second = await ingestedCard(portal, { nationalNumber: first.nationalNumber });
      expect((await client.get(`/api/v1/children/${childId}/cascade`)).body).toMatchObject({ status: 'blocked', blockedReason: 'new-card' });

      const noCode = await client.post(`/api/v1/children/${childId}/cascade/activation`, { termsVersion: CURRENT_TERMS_VERSION });
      expect(noCode.body.fields).toEqual([{ field: 'contactCode', code: 'required', message: expect.stringMatching(/new letter/) }]);
      const oldCode = await client.post(`/api/v1/children/${childId}/cascade/activation`, { termsVersion: CURRENT_TERMS_VERSION, contactCode: first.contactCode });
      expect(oldCode.status).toBe(400);
      expect(oldCode.body.fields[0]).toMatchObject({ field: 'contactCode', code: 'wrong-code' });
      const saved = await client.put(`/api/v1/children/${childId}/cascade`, { numbers: threeNumbers.slice(0, 2) });
      expect(saved.body.status).toBe('blocked');

      const reactivated = await client.post(`/api/v1/children/${childId}/cascade/activation`, { termsVersion: CURRENT_TERMS_VERSION, contactCode: second.contactCode });
      expect(reactivated.status).toBe(200);
      expect(reactivated.body).toMatchObject({ status: 'active', blockedReason: null });
    });

    it("given another family's child, an unknown id or a malformed id, then 404 for every operation, and their cascade is untouched", async () => {
      const { client: owner } = await signedInParent(portal);
      const childId = await linkedChild(portal, owner);
      await owner.put(`/api/v1/children/${childId}/cascade`, { numbers: threeNumbers });
      const { client: stranger } = await signedInParent(portal);

      for (const id of [childId, randomUUID(), 'not-a-uuid']) {
        expect((await stranger.get(`/api/v1/children/${id}/cascade`)).status).toBe(404);
        expect((await stranger.get(`/api/v1/children/${id}/calls`)).status).toBe(404);
        expect((await stranger.put(`/api/v1/children/${id}/cascade`, { numbers: [{ number: '+32470999999' }] })).status).toBe(404);
        expect((await stranger.post(`/api/v1/children/${id}/cascade/activation`, { termsVersion: CURRENT_TERMS_VERSION })).status).toBe(404);
        expect((await stranger.delete(`/api/v1/children/${id}/cascade`)).status).toBe(404);
        expect((await stranger.delete(`/api/v1/children/${id}`)).status).toBe(404);
      }
      const notFound = await stranger.get(`/api/v1/children/${childId}/cascade`);
      expect(notFound.body).toEqual({ statusCode: 404, error: 'not-found', message: 'no such child in your account', fields: [] });
      expect((await stranger.get('/api/v1/children')).body).toEqual([]);
      expect((await owner.get(`/api/v1/children/${childId}/cascade`)).body).toMatchObject({ status: 'draft', numbers: [{ number: '+32470123456' }, {}, {}] });
    });

    it('given two guardians of one child, then both see and edit the same cascade', async () => {
      const card = await ingestedCard(portal);
      const { client: mum } = await signedInParent(portal);
      const { client: dad } = await signedInParent(portal);
      const childId = await linkedChild(portal, mum, card);
      expect(await linkedChild(portal, dad, card)).toBe(childId);
      await mum.put(`/api/v1/children/${childId}/cascade`, { numbers: threeNumbers });
      expect((await dad.get(`/api/v1/children/${childId}/cascade`)).body.numbers).toHaveLength(3);
    });

    it('given a cascade, when deleted, then its numbers are gone and the child stays linked', async () => {
      const { client } = await signedInParent(portal);
      const childId = await linkedChild(portal, client);
      const { body } = await client.put(`/api/v1/children/${childId}/cascade`, { numbers: threeNumbers });
      const [{ id: cascadeId }] = await portal.db.query(`SELECT id FROM cascades WHERE child_id = $1`, [childId]);
      expect((await client.delete(`/api/v1/children/${childId}/cascade`)).status).toBe(204);
      expect(body.numbers).toHaveLength(3);
      expect(await portal.db.query(`SELECT 1 FROM cascade_numbers WHERE cascade_id = $1`, [cascadeId])).toHaveLength(0);
      expect((await client.get(`/api/v1/children/${childId}/cascade`)).body).toMatchObject({ status: null, numbers: [] });
      expect((await client.delete(`/api/v1/children/${childId}/cascade`)).status).toBe(404);
    });
  });

  describe('my data', () => {
    it('given an export, then it holds the account, the sessions and every child with its cascade, as a JSON download', async () => {
      const { client, email } = await signedInParent(portal);
      const childId = await linkedChild(portal, client, await ingestedCard(portal, { firstName: 'Noor' }));
      await client.put(`/api/v1/children/${childId}/cascade`, { numbers: threeNumbers });
      // The first number answered a test and confirmed; the second did not answer.
      const checkedAt = new Date('2026-11-02T10:00:00Z');
      await portal.db.query(
        `UPDATE cascade_numbers n SET last_check_at = $2, last_check_result = CASE n.position WHEN 1 THEN 'confirmed' ELSE 'no-answer' END,
                last_verified_at = CASE n.position WHEN 1 THEN $2::timestamptz END
           FROM cascades c WHERE c.id = n.cascade_id AND c.child_id = $1 AND n.position <= 2`,
        [childId, checkedAt],
      );
      const response = await client.get('/api/v1/account/export');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-disposition')).toMatch(/attachment/);
      expect(response.body).toMatchObject({
        account: { email, emailVerified: true },
        sessions: [{ createdAt: expect.any(String), lastSeenAt: expect.any(String) }],
        children: [{ id: childId, firstName: 'Noor', cascade: { status: 'draft', numbers: [{ number: '+32470123456', label: 'Mum, mobile' }, {}, {}] } }],
      });
      expect(response.body.children[0].checks).toEqual({
        test: null,
        numbers: [
          { position: 1, number: '+32470123456', label: 'Mum, mobile', lastVerifiedAt: checkedAt.toISOString(), lastCheckAt: checkedAt.toISOString(), lastCheckResult: 'confirmed' },
          { position: 2, number: expect.any(String), label: expect.any(String), lastVerifiedAt: null, lastCheckAt: checkedAt.toISOString(), lastCheckResult: 'no-answer' },
          { position: 3, number: expect.any(String), label: expect.any(String), lastVerifiedAt: null, lastCheckAt: null, lastCheckResult: null },
        ],
      });
    });

    it('given cascades this parent alone manages, then deleting the account needs the explicit flag, and then removes every row about them', async () => {
      const { client, id } = await signedInParent(portal);
      const childId = await linkedChild(portal, client);
      await client.put(`/api/v1/children/${childId}/cascade`, { numbers: threeNumbers });
      await client.post('/api/v1/children/links', { nationalNumber: randomNationalNumber(), contactCode: randomCode() });

      expect((await client.delete('/api/v1/account', {})).body.fields).toContainEqual({ field: 'confirm', code: 'equals', message: expect.any(String) });
      const refused = await client.delete('/api/v1/account', { confirm: true });
      expect(refused.status).toBe(409);
      expect(refused.body.fields[0].field).toBe('deleteCascades');

      const session = client.cookies.get('ap_session')!;
      const deleted = await client.delete('/api/v1/account', { confirm: true, deleteCascades: true });
      expect(deleted.status).toBe(200);
      expect(deleted.body).toEqual({ deletedCascades: 1 });

      for (const [table, column] of [
        ['parent_accounts', 'id'],
        ['portal_sessions', 'parent_id'],
        ['parent_tokens', 'parent_id'],
        ['parent_children', 'parent_id'],
      ]) {
        expect(await portal.db.query(`SELECT 1 FROM ${table} WHERE ${column} = $1`, [id])).toHaveLength(0);
      }
      expect(await portal.db.query(`SELECT 1 FROM cascades WHERE child_id = $1`, [childId])).toHaveLength(0);
      const { accountSubject } = await import('../../apps/server/src/portal/domain/link-lockout');
      expect(await portal.db.query(`SELECT 1 FROM link_attempts WHERE subject_kind = 'account' AND subject_hash = $1`, [accountSubject(id).hash])).toHaveLength(0);
      client.cookies.set('ap_session', session);
      expect((await client.get('/api/v1/account')).status).toBe(401);
    });

    it('given a cascade shared with another guardian, then deleting the account keeps it for them', async () => {
      const card = await ingestedCard(portal);
      const { client: leaving } = await signedInParent(portal);
      const { client: staying } = await signedInParent(portal);
      const childId = await linkedChild(portal, leaving, card);
      await linkedChild(portal, staying, card);
      await leaving.put(`/api/v1/children/${childId}/cascade`, { numbers: threeNumbers });
      const deleted = await leaving.delete('/api/v1/account', { confirm: true });
      expect(deleted.body).toEqual({ deletedCascades: 0 });
      expect((await staying.get(`/api/v1/children/${childId}/cascade`)).body.numbers).toHaveLength(3);
    });
  });
});

describe('portal rate limits', () => {
  const portal = usePortalApp(testConfig({ PORTAL_RATE_LIMIT_PER_MINUTE: '3' }));

  it('given more sign-in attempts per minute than allowed from one address, then 429 with a clear message', async () => {
    const client = new PortalClient(portal.baseUrl, connectingFrom(randomLoopback()));
    await client.csrf();
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 4; i += 1) {
      last = await client.post('/api/v1/auth/sign-in', { email: `nobody-${randomUUID()}@example.org`, password: PASSWORD });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
    expect(last!.body).toMatchObject({ error: 'rate-limited', message: expect.stringMatching(/too many requests/) });
    // Reading is not limited.
    expect((await client.get('/api/v1/auth/csrf')).status).toBe(200);
  });
});

describe('wrong passwords counted per account, from any address', () => {
  const portal = usePortalApp(portalTestConfig());

  it('given 10 wrong passwords for one address from 10 client addresses, then even the right one is refused for a while; a password reset opens the sign-in at once', async () => {
    const { email } = await verifiedParent(portal);
    for (let i = 0; i < 10; i += 1) {
      const guesser = new PortalClient(portal.baseUrl, connectingFrom(randomLoopback()));
      await guesser.csrf();
      expect((await guesser.post('/api/v1/auth/sign-in', { email, password: `wrong guess number ${i}` })).status).toBe(401);
    }
    const parent = new PortalClient(portal.baseUrl, connectingFrom(randomLoopback()));
    await parent.csrf();
    const refused = await parent.post('/api/v1/auth/sign-in', { email, password: PASSWORD });
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ error: 'rate-limited', message: expect.stringMatching(/too many wrong passwords/) });
    // An address without an account is counted the same way: the lock tells nothing about accounts.
    const nobody = randomEmail();
    for (let i = 0; i < 10; i += 1) await parent.post('/api/v1/auth/sign-in', { email: nobody, password: `wrong guess number ${i}` });
    expect((await parent.post('/api/v1/auth/sign-in', { email: nobody, password: PASSWORD })).status).toBe(429);

    expect((await parent.post('/api/v1/auth/password-reset', { email })).status).toBe(202);
    const newPassword = 'a new and quiet green harbour';
    expect((await parent.post('/api/v1/auth/password-reset/confirm', { token: portal.mailer.tokenFor(email, 'reset-password'), password: newPassword })).status).toBe(200);
    expect((await parent.post('/api/v1/auth/sign-in', { email, password: newPassword })).status).toBe(200);
  });
});

describe('portal rate limits counted in PostgreSQL, across two app instances', () => {
  const config = testConfig({ PORTAL_RATE_LIMIT_PER_MINUTE: '3' });
  const first = usePortalApp(config);
  const second = usePortalApp(config);

  it('given one client sending to both instances in turn, then their hits add up: the fourth is refused by either', async () => {
    const address = randomLoopback();
    const clients = [new PortalClient(first.baseUrl, connectingFrom(address)), new PortalClient(second.baseUrl, connectingFrom(address))];
    await Promise.all(clients.map((c) => c.csrf()));
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      statuses.push((await clients[i % 2].post('/api/v1/auth/sign-in', { email: `nobody-${randomUUID()}@example.org`, password: PASSWORD })).status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    // Counted by route and address only: no address is stored, and the window's end is set.
    const [row] = await first.db.query(`SELECT key, hits, expires_at > now() AS open FROM portal_rate_limits ORDER BY hits DESC LIMIT 1`);
    expect(row.key).toMatch(/^[0-9a-f]{64}$/);
    expect(row.open).toBe(true);
  });
});

describe('portal rate limits and forwarded addresses (TRUSTED_PROXIES)', () => {
  // The app's own peer in these tests is 127.0.0.1: trusting it stands for sitting behind the proxy.
  const direct = usePortalApp(testConfig({ PORTAL_RATE_LIMIT_PER_MINUTE: '2', TRUSTED_PROXIES: '192.0.2.1' }));
  const proxied = usePortalApp(testConfig({ PORTAL_RATE_LIMIT_PER_MINUTE: '2', TRUSTED_PROXIES: '127.0.0.1' }));

  async function signInStatuses(client: PortalClient, forwardedFor: (i: number) => string): Promise<number[]> {
    await client.csrf();
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const response = await client.request('POST', '/api/v1/auth/sign-in', { email: `nobody-${randomUUID()}@example.org`, password: PASSWORD }, { headers: { 'x-forwarded-for': forwardedFor(i) } });
      statuses.push(response.status);
    }
    return statuses;
  }

  it('given a forged X-Forwarded-For sent straight to the app by a peer it does not trust, then the peer is counted, whatever the header says', async () => {
    expect(await signInStatuses(new PortalClient(direct.baseUrl, connectingFrom(randomLoopback())), () => randomClientAddress())).toEqual([401, 401, 429]);
  });

  it('given requests from the trusted proxy, then each client address it forwards is counted on its own', async () => {
    expect(await signInStatuses(new PortalClient(proxied.baseUrl), () => randomClientAddress())).toEqual([401, 401, 401]);
    const one = randomClientAddress();
    expect(await signInStatuses(new PortalClient(proxied.baseUrl), () => one)).toEqual([401, 401, 429]);
  });
});

describe('the portal behind nginx over https (TRUSTED_PROXIES=127.0.0.1)', () => {
  const portal = usePortalApp(testConfig({ PORTAL_RATE_LIMIT_PER_MINUTE: '2', TRUSTED_PROXIES: '127.0.0.1', PORTAL_PUBLIC_URL: `https://localhost:${TEST_PORTS.tlsProxy}` }));
  let proxy: TlsProxy;
  beforeAll(async () => {
    proxy = await startTlsProxy(Number(new URL(portal.baseUrl).port));
  });
  afterAll(async () => {
    await proxy?.stop();
  });

  /** A client of nginx connecting from its own loopback address, as distinct parents would. */
  const clientFrom = (address: string) => new PortalClient(proxy.publicUrl, proxy.dispatcher(address));

  it('given two clients at different addresses, then each is limited on its own, and a forged X-Forwarded-For sent to nginx changes nothing', async () => {
    const first = clientFrom(randomLoopback());
    await first.csrf();
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const forged = { 'x-forwarded-for': `198.51.100.${i + 1}` };
      statuses.push((await first.request('POST', '/api/v1/auth/sign-in', { email: `nobody-${randomUUID()}@example.org`, password: PASSWORD }, { headers: forged })).status);
    }
    expect(statuses).toEqual([401, 401, 429]);
    const second = clientFrom(randomLoopback());
    await second.csrf();
    expect((await second.post('/api/v1/auth/sign-in', { email: `nobody-${randomUUID()}@example.org`, password: PASSWORD })).status).toBe(401);
  });

  it('given the parent on https at nginx, then the app knows it: Strict-Transport-Security and Secure cookies', async () => {
    const client = clientFrom(randomLoopback());
    const response = await client.get('/api/v1/auth/csrf');
    expect(response.status).toBe(200);
    expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(response.setCookies.join('\n')).toMatch(/; Secure/i);
    expect(proxy.logs()).toMatch(/"GET \/api\/v1\/auth\/csrf HTTP\/1\.1" 200/);
  });

  it('given plain HTTP at nginx, then it only sends the browser to https, without passing anything to the app', async () => {
    const response = await fetch(`http://127.0.0.1:${TEST_PORTS.tlsProxyHttp}/verify-email`, { redirect: 'manual' });
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe('https://localhost/verify-email');
  });

  it('given the operators\' endpoints (/metrics, /health, the API documentation), then nginx does not pass them on, and the app\'s public listener does not serve /metrics or the documentation: its operators\' listener does', async () => {
    const client = clientFrom(randomLoopback());
    for (const path of ['/metrics', '/health', '/api/docs', '/api/docs/init.js', '/api/docs-json']) {
      const response = await client.get(path);
      // nginx's own page, not the app's JSON.
      expect([path, response.status, String(response.body)]).toEqual([path, 404, expect.stringContaining('<center>nginx</center>')]);
    }
    expect((await new PortalClient(portal.baseUrl).get('/api/docs-json')).status).toBe(404);
    expect((await new PortalClient(portal.baseUrl).get('/metrics')).status).toBe(404);
    expect((await new PortalClient(portal.operatorsUrl).get('/api/docs-json')).status).toBe(200);
    expect((await client.get('/api/v1/auth/csrf')).status).toBe(200);
  });

  it('given an https portal, then every cookie is __Host- prefixed, Secure and for path /, and the page\'s requests work with them', async () => {
    const client = clientFrom(randomLoopback());
    const email = randomEmail();
    const csrf = await client.get('/api/v1/auth/csrf');
    expect((await client.post('/api/v1/auth/register', { email, password: PASSWORD })).status).toBe(202);
    expect((await client.post('/api/v1/auth/verify-email', { token: portal.mailer.tokenFor(email, 'verify-email') })).status).toBe(200);
    const signIn = await client.post('/api/v1/auth/sign-in', { email, password: PASSWORD });
    expect(signIn.status).toBe(200);
    const cookies = [...csrf.setCookies, ...signIn.setCookies];
    expect(cookies.map((c) => c.slice(0, c.indexOf('='))).sort()).toEqual(['__Host-ap_csrf', '__Host-ap_csrf', '__Host-ap_session']);
    for (const cookie of cookies) {
      expect(cookie).toMatch(/; Secure/i);
      expect(cookie).toMatch(/; Path=\/(;|$)/);
      expect(cookie).not.toMatch(/Domain=/i);
    }
    expect((await client.get('/api/v1/account')).status).toBe(200);
    expect((await client.post('/api/v1/auth/sign-out', {})).status).toBe(204);
  });
});

describe('an operator who allows only Belgian mobiles (ALLOWED_NUMBER_COUNTRIES=BE, ALLOWED_NUMBER_TYPES=MOBILE)', () => {
  const strict = usePortalApp(portalTestConfig({ ALLOWED_NUMBER_COUNTRIES: 'BE', ALLOWED_NUMBER_TYPES: 'MOBILE' }));

  it('given a Belgian mobile, a French mobile and a Belgian landline, then the mobile is fine and the other two are refused, each saying why', async () => {
    const { client } = await signedInParent(strict);
    const childId = await linkedChild(strict, client);
    const response = await client.put(`/api/v1/children/${childId}/cascade`, { numbers: [{ number: '0470 12 34 56' }, { number: '06 12 34 56 78', country: 'FR' }, { number: '+32 2 555 12 12' }] });
    expect(response.status).toBe(400);
    expect(response.body.fields.map((f: { field: string; code: string }) => [f.field, f.code])).toEqual([
      ['numbers[1].number', 'country-not-allowed'],
      ['numbers[2].number', 'type-not-allowed'],
    ]);
    expect((await client.put(`/api/v1/children/${childId}/cascade`, { numbers: [{ number: '0470 12 34 56' }] })).status).toBe(200);
  });
});
