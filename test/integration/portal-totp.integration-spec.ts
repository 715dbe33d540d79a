import { Secret, TOTP } from 'otpauth';
import { PASSWORD, PortalClient, portalTestConfig, signedInParent, usePortalApp } from '../support/portal-app';

/** The code an authenticator app shows for this secret, `steps` periods from now. */
function codeFor(secret: string, steps = 0): string {
  return TOTP.generate({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30, timestamp: Date.now() + steps * 30_000 });
}

describe('two-step sign-in (TOTP) over HTTP against PostgreSQL', () => {
  const portal = usePortalApp(portalTestConfig());

  /** A parent with TOTP on: the secret, the recovery codes, and the step of the code that confirmed it. */
  async function parentWithTotp() {
    const parent = await signedInParent(portal);
    const enrolment = await parent.client.post('/api/v1/account/totp/enrolment');
    expect(enrolment.status).toBe(201);
    const secret = enrolment.body.secret as string;
    const confirmed = await parent.client.post('/api/v1/account/totp/enrolment/confirmation', { code: codeFor(secret) });
    expect(confirmed.status).toBe(200);
    return { ...parent, secret, recoveryCodes: confirmed.body.recoveryCodes as string[] };
  }

  /** A fresh browser that typed the right password: it holds the challenge cookie, no session. */
  async function passwordStep(email: string): Promise<PortalClient> {
    const client = new PortalClient(portal.baseUrl);
    await client.csrf();
    const response = await client.post('/api/v1/auth/sign-in', { email, password: PASSWORD });
    expect([response.status, response.body.error]).toEqual([401, 'second-factor-required']);
    return client;
  }

  /** The code step's last accepted time step, moved back so the next test's current code is fresh (instead of waiting 30 s). */
  async function forgetLastStep(id: string): Promise<void> {
    await portal.db.query(`UPDATE parent_totp SET last_used_step = last_used_step - 3 WHERE parent_id = $1`, [id]);
  }

  it('given a parent who starts enrolment, then the secret is shown as base32, an otpauth URI and an SVG QR code of our own, and is stored sealed', async () => {
    const { client, email, id } = await signedInParent(portal);
    expect((await client.get('/api/v1/account/totp')).body).toEqual({ enabled: false, pending: false, recoveryCodesLeft: 0 });
    const enrolment = await client.post('/api/v1/account/totp/enrolment');
    expect(enrolment.status).toBe(201);
    expect(enrolment.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(enrolment.body.uri);
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe(`/Allo Parents:${email}`);
    expect(uri.searchParams.get('secret')).toBe(enrolment.body.secret);
    expect(uri.searchParams.get('issuer')).toBe('Allo Parents');
    expect(enrolment.headers.get('cache-control')).toBe('no-store');

    const qr = await client.get(enrolment.body.qrCode);
    expect(qr.status).toBe(200);
    expect(qr.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
    expect(qr.body).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*viewBox=/);
    expect(qr.body).not.toMatch(/style=|<script/i);

    const [row] = await portal.db.query(`SELECT sealed_secret, confirmed_at FROM parent_totp WHERE parent_id = $1`, [id]);
    expect(row.confirmed_at).toBeNull();
    expect(Buffer.from(row.sealed_secret).toString('latin1')).not.toContain(enrolment.body.secret);
    expect((await client.get('/api/v1/account/totp')).body).toEqual({ enabled: false, pending: true, recoveryCodesLeft: 0 });

    // Not on until confirmed: signing in still needs the password only.
    const other = new PortalClient(portal.baseUrl);
    await other.csrf();
    expect((await other.post('/api/v1/auth/sign-in', { email, password: PASSWORD })).status).toBe(200);
  });

  it('given a wrong first code, then the enrolment is refused with a message on the code field and TOTP stays off', async () => {
    const { client } = await signedInParent(portal);
    const { body } = await client.post('/api/v1/account/totp/enrolment');
    const wrong = String((Number(codeFor(body.secret)) + 500_000) % 1_000_000).padStart(6, '0');
    const response = await client.post('/api/v1/account/totp/enrolment/confirmation', { code: wrong });
    expect(response.status).toBe(400);
    expect(response.body.fields).toEqual([expect.objectContaining({ field: 'code', code: 'wrong-code' })]);
    expect((await client.get('/api/v1/account/totp')).body).toMatchObject({ enabled: false, pending: true });
  });

  it('given TOTP confirmed, then 8 recovery codes are shown once, stored hashed, the QR code is gone, and a second enrolment is refused', async () => {
    const { client, id, recoveryCodes } = await parentWithTotp();
    expect(recoveryCodes).toHaveLength(8);
    for (const code of recoveryCodes) expect(code).toMatch(/^[A-Z2-7]{5}-[A-Z2-7]{5}$/);
    expect(new Set(recoveryCodes).size).toBe(8);
    const stored = await portal.db.query(`SELECT code_hash FROM parent_recovery_codes WHERE parent_id = $1`, [id]);
    expect(stored).toHaveLength(8);
    for (const { code_hash } of stored) expect(recoveryCodes.some((c) => Buffer.from(code_hash).toString('latin1').includes(c.replace('-', '')))).toBe(false);
    expect((await client.get('/api/v1/account/totp')).body).toEqual({ enabled: true, pending: false, recoveryCodesLeft: 8 });
    expect((await client.get('/api/v1/account/totp/enrolment/qr.svg')).status).toBe(404);
    expect((await client.post('/api/v1/account/totp/enrolment')).status).toBe(409);
  });

  it('given TOTP on, when the password is right, then 401 second-factor-required and no session; the current code completes the sign-in', async () => {
    const { email, id, secret } = await parentWithTotp();
    await forgetLastStep(id);
    const client = new PortalClient(portal.baseUrl);
    await client.csrf();
    const password = await client.post('/api/v1/auth/sign-in', { email, password: PASSWORD });
    expect(password.status).toBe(401);
    expect(password.body.error).toBe('second-factor-required');
    expect(password.setCookies.some((c) => c.startsWith('ap_session='))).toBe(false);
    const challenge = password.setCookies.find((c) => c.startsWith('ap_sign_in='))!;
    expect(challenge).toMatch(/HttpOnly/);
    expect(challenge).toMatch(/Path=\/api\/v1\/auth/);
    expect(challenge).toMatch(/SameSite=Strict/);
    expect((await client.get('/api/v1/account')).status).toBe(401);

    const code = await client.post('/api/v1/auth/sign-in/totp', { code: codeFor(secret) });
    expect(code.status).toBe(200);
    expect(code.body).toMatchObject({ id, email });
    expect((await client.get('/api/v1/account')).status).toBe(200);
    expect(client.cookies.has('ap_sign_in')).toBe(false);
  });

  it('given TOTP on, then the codes of the previous and next 30-second steps are accepted, not those two steps away', async () => {
    const { email, id, secret } = await parentWithTotp();
    for (const [steps, status] of [[-2, 400], [2, 400], [-1, 200]] as const) {
      await forgetLastStep(id);
      const client = await passwordStep(email);
      expect([steps, (await client.post('/api/v1/auth/sign-in/totp', { code: codeFor(secret, steps) })).status]).toEqual([steps, status]);
    }
    await forgetLastStep(id);
    const client = await passwordStep(email);
    expect((await client.post('/api/v1/auth/sign-in/totp', { code: codeFor(secret, 1) })).status).toBe(200);
  });

  it('given a wrong code, then 400 with a message on the code field, no session, and the challenge still works with the right code', async () => {
    const { email, id, secret } = await parentWithTotp();
    await forgetLastStep(id);
    const client = await passwordStep(email);
    for (const code of ['000000', 'not a code', 'ABCDE-FGHIJ']) {
      const wrong = await client.post('/api/v1/auth/sign-in/totp', { code: code === '000000' && codeFor(secret) === '000000' ? '111111' : code });
      expect(wrong.status).toBe(400);
      expect(wrong.body.fields).toEqual([expect.objectContaining({ field: 'code', code: 'wrong-code' })]);
    }
    expect((await client.get('/api/v1/account')).status).toBe(401);
    expect((await client.post('/api/v1/auth/sign-in/totp', { code: codeFor(secret) })).status).toBe(200);
  });

  it('given a code that was just used, then it is refused the second time (replay), even from another sign-in', async () => {
    const { email, id, secret } = await parentWithTotp();
    await forgetLastStep(id);
    const code = codeFor(secret);
    const first = await passwordStep(email);
    expect((await first.post('/api/v1/auth/sign-in/totp', { code })).status).toBe(200);
    const second = await passwordStep(email);
    const replay = await second.post('/api/v1/auth/sign-in/totp', { code });
    expect(replay.status).toBe(400);
    expect(replay.body.fields[0].code).toBe('wrong-code');
  });

  it('given no password step (no challenge cookie), then the code step is refused as unauthenticated', async () => {
    const { secret } = await parentWithTotp();
    const client = new PortalClient(portal.baseUrl);
    await client.csrf();
    const response = await client.post('/api/v1/auth/sign-in/totp', { code: codeFor(secret) });
    expect([response.status, response.body.error]).toEqual([401, 'unauthenticated']);
  });

  it('given 5 wrong codes, then even the right code is refused for 15 minutes (429), whatever the browser', async () => {
    const { email, id, secret } = await parentWithTotp();
    await forgetLastStep(id);
    const attacker = await passwordStep(email);
    for (let i = 0; i < 5; i += 1) expect((await attacker.post('/api/v1/auth/sign-in/totp', { code: 'ZZZZZ-ZZZZZ' })).status).toBe(400);
    const owner = await passwordStep(email);
    const locked = await owner.post('/api/v1/auth/sign-in/totp', { code: codeFor(secret) });
    expect([locked.status, locked.body.error]).toEqual([429, 'rate-limited']);
    await portal.db.query(`UPDATE second_factor_failures SET failed_at = failed_at - interval '16 minutes' WHERE parent_id = $1`, [id]);
    expect((await owner.post('/api/v1/auth/sign-in/totp', { code: codeFor(secret) })).status).toBe(200);
  });

  it('given a lost phone, then a recovery code (any case, with or without the dash) signs in once, and not a second time', async () => {
    const { email, client: first, recoveryCodes } = await parentWithTotp();
    const browser = await passwordStep(email);
    const typed = recoveryCodes[3].replace('-', '').toLowerCase();
    expect((await browser.post('/api/v1/auth/sign-in/totp', { code: typed })).status).toBe(200);
    expect((await browser.get('/api/v1/account/totp')).body.recoveryCodesLeft).toBe(7);
    const again = await passwordStep(email);
    expect((await again.post('/api/v1/auth/sign-in/totp', { code: recoveryCodes[3] })).status).toBe(400);
    expect((await first.get('/api/v1/account')).status).toBe(200);
  });

  it('given TOTP on, when the parent asks for new recovery codes with a current code, then 8 new codes are shown once and every old one, used or not, stops working', async () => {
    const { client, email, id, secret, recoveryCodes: old } = await parentWithTotp();
    // One old code spent already, the others unused.
    expect((await (await passwordStep(email)).post('/api/v1/auth/sign-in/totp', { code: old[0] })).status).toBe(200);
    await forgetLastStep(id);
    const fresh = await client.post('/api/v1/account/totp/recovery-codes', { code: codeFor(secret) });
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('cache-control')).toBe('no-store');
    const codes = fresh.body.recoveryCodes as string[];
    expect(codes).toHaveLength(8);
    expect(new Set(codes).size).toBe(8);
    for (const code of codes) expect(code).toMatch(/^[A-Z2-7]{5}-[A-Z2-7]{5}$/);
    expect(codes.filter((code) => old.includes(code))).toEqual([]);
    expect((await client.get('/api/v1/account/totp')).body).toEqual({ enabled: true, pending: false, recoveryCodesLeft: 8 });
    // Stored as keyed hashes only.
    const stored = await portal.db.query(`SELECT code_hash, used_at FROM parent_recovery_codes WHERE parent_id = $1`, [id]);
    expect(stored).toHaveLength(8);
    expect(JSON.stringify(stored)).not.toContain(codes[0].replace('-', ''));

    // The old sheet opens nothing (an unused code included); a new code signs in.
    expect((await (await passwordStep(email)).post('/api/v1/auth/sign-in/totp', { code: old[5] })).body.fields).toEqual([expect.objectContaining({ field: 'code', code: 'wrong-code' })]);
    expect((await (await passwordStep(email)).post('/api/v1/auth/sign-in/totp', { code: codes[2] })).status).toBe(200);
    expect((await client.get('/api/v1/account/totp')).body.recoveryCodesLeft).toBe(7);
  });

  it('given new recovery codes asked for with a recovery code, a wrong or reused code, or nothing, then a per-field refusal and the codes stay as they were', async () => {
    const { client, id, secret, recoveryCodes } = await parentWithTotp();
    const before = await portal.db.query(`SELECT code_hash FROM parent_recovery_codes WHERE parent_id = $1 ORDER BY code_hash`, [id]);
    const withRecovery = await client.post('/api/v1/account/totp/recovery-codes', { code: recoveryCodes[1] });
    expect([withRecovery.status, withRecovery.body.fields]).toEqual([400, [{ field: 'code', code: 'app-code-needed', message: expect.stringContaining('authenticator app') }]]);
    expect((await client.get('/api/v1/account/totp')).body.recoveryCodesLeft).toBe(8); // not spent by the refusal
    const wrong = await client.post('/api/v1/account/totp/recovery-codes', { code: ['000000', '111111', '222222', '333333'].find((c) => ![-1, 0, 1].some((steps) => codeFor(secret, steps) === c)) });
    expect([wrong.status, wrong.body.fields]).toEqual([400, [expect.objectContaining({ field: 'code', code: 'wrong-code' })]]);
    // The code that turned TOTP on a moment ago: a replay.
    expect((await client.post('/api/v1/account/totp/recovery-codes', { code: codeFor(secret) })).body.fields).toEqual([expect.objectContaining({ field: 'code', code: 'wrong-code' })]);
    const missing = await client.post('/api/v1/account/totp/recovery-codes', {});
    expect([missing.status, [...new Set(missing.body.fields.map((f: { field: string }) => f.field))]]).toEqual([400, ['code']]);
    expect(await portal.db.query(`SELECT code_hash FROM parent_recovery_codes WHERE parent_id = $1 ORDER BY code_hash`, [id])).toEqual(before);
    // Wrong codes count towards the lock-out like any other.
    expect((await portal.db.query(`SELECT count(*)::int AS n FROM second_factor_failures WHERE parent_id = $1`, [id]))[0].n).toBe(2);
  });

  it('given TOTP off, or no session, or no CSRF token, then new recovery codes are refused (409, 401, 403)', async () => {
    const { client } = await signedInParent(portal);
    expect(await client.post('/api/v1/account/totp/recovery-codes', { code: '123456' })).toMatchObject({ status: 409, body: { error: 'conflict' } });
    const anonymous = new PortalClient(portal.baseUrl);
    await anonymous.csrf();
    expect((await anonymous.post('/api/v1/account/totp/recovery-codes', { code: '123456' })).status).toBe(401);
    expect((await client.post('/api/v1/account/totp/recovery-codes', { code: '123456' }, { csrf: false })).status).toBe(403);
  });

  it('given TOTP on, then turning it off needs the password and a valid code; afterwards the password alone signs in again', async () => {
    const { client, email, id, secret } = await parentWithTotp();
    await forgetLastStep(id);
    const wrongPassword = await client.delete('/api/v1/account/totp', { password: 'not the password at all', code: codeFor(secret) });
    expect([wrongPassword.status, wrongPassword.body.fields]).toEqual([400, [expect.objectContaining({ field: 'password', code: 'wrong-password' })]]);
    const wrongCode = await client.delete('/api/v1/account/totp', { password: PASSWORD, code: '12345' });
    expect([wrongCode.status, wrongCode.body.fields]).toEqual([400, [expect.objectContaining({ field: 'code', code: 'wrong-code' })]]);
    const missing = await client.delete('/api/v1/account/totp', {});
    expect([...new Set(missing.body.fields.map((f: { field: string }) => f.field))].sort()).toEqual(['code', 'password']);
    expect((await client.get('/api/v1/account/totp')).body.enabled).toBe(true);

    expect((await client.delete('/api/v1/account/totp', { password: PASSWORD, code: codeFor(secret) })).status).toBe(200);
    expect((await client.get('/api/v1/account/totp')).body).toEqual({ enabled: false, pending: false, recoveryCodesLeft: 0 });
    expect(await portal.db.query(`SELECT 1 FROM parent_recovery_codes WHERE parent_id = $1`, [id])).toHaveLength(0);
    const fresh = new PortalClient(portal.baseUrl);
    await fresh.csrf();
    expect((await fresh.post('/api/v1/auth/sign-in', { email, password: PASSWORD })).status).toBe(200);
  });

  it('given a parent with TOTP on who deletes the account, then the secret, recovery codes and failures go with it', async () => {
    const { client, id } = await parentWithTotp();
    await client.post('/api/v1/auth/sign-in/totp', { code: 'ZZZZZ-ZZZZZ' }); // no challenge: refused, nothing recorded
    await portal.db.query(`INSERT INTO second_factor_failures (parent_id) VALUES ($1)`, [id]);
    expect((await client.delete('/api/v1/account', { confirm: true })).status).toBe(200);
    for (const table of ['parent_totp', 'parent_recovery_codes', 'second_factor_failures', 'second_factor_challenges']) {
      expect([table, await portal.db.query(`SELECT 1 FROM ${table} WHERE parent_id = $1`, [id])]).toEqual([table, []]);
    }
  });

  it('given the TOTP endpoints without a session or without the CSRF token, then 401 / 403', async () => {
    const anonymous = new PortalClient(portal.baseUrl);
    await anonymous.csrf();
    expect((await anonymous.get('/api/v1/account/totp')).status).toBe(401);
    expect((await anonymous.post('/api/v1/account/totp/enrolment')).status).toBe(401);
    const { client } = await signedInParent(portal);
    expect((await client.post('/api/v1/account/totp/enrolment', {}, { csrf: false })).status).toBe(403);
  });
});
