import { ConfigError } from './environment';
import { loadConfig } from './app-config';

const key = (fill: number) => Buffer.alloc(32, fill).toString('base64');
const valid = { ARI_PASSWORD: 'a-long-enough-secret', PSEUDONYM_KEY: key(7), ENCRYPTION_KEYS: `k1:${key(8)}` };

describe('configuration from the environment', () => {
  it('given only the required secret, then every other value takes its documented default', () => {
    const config = loadConfig(valid);
    expect(config.http.port).toBe(3000);
    expect(config.ari.app).toBe('alloparents');
    expect(config.sip.trunkUri).toBe('sip:127.0.0.1:5080');
    expect(config.sip.trunkQualifySeconds).toBe(30);
    expect(config.service.hotlineNumber).toBe('116000');
  });

  it('given SERVICE_NUMBERS, then each dialled number maps to its language, and timers become milliseconds', () => {
    const config = loadConfig({ ...valid, SERVICE_NUMBERS: '3278150000:fr,3278150001:nl', LEG_RING_TIMEOUT_SECONDS: '2.5' });
    expect(config.service.numbers).toEqual({ '3278150000': 'fr', '3278150001': 'nl' });
    expect(config.service.parentLineNumbers).toEqual({});
    expect(config.callFlow.legRingTimeoutMs).toBe(2500);
    expect(config.pseudonymKey).toHaveLength(32);
  });

  it('given a number marked :parents in SERVICE_NUMBERS, then it is a parents\' line number with its language, and not a finders\' number', () => {
    const config = loadConfig({ ...valid, SERVICE_NUMBERS: '3278150000:fr,3278150009:nl:parents' });
    expect(config.service.numbers).toEqual({ '3278150000': 'fr' });
    expect(config.service.parentLineNumbers).toEqual({ '3278150009': 'nl' });
  });

  it('given the portal variables, then the public URL loses its trailing slash and the defaults are auto and 10 a minute', () => {
    expect(loadConfig(valid).portal).toEqual({ publicUrl: 'http://127.0.0.1:3000', cookieSecure: 'auto', rateLimitPerMinute: 10 });
    expect(loadConfig({ ...valid, PORTAL_PUBLIC_URL: 'https://allo-parents.example/', PORTAL_COOKIE_SECURE: 'always' }).portal).toMatchObject({ publicUrl: 'https://allo-parents.example', cookieSecure: 'always' });
  });

  it('given no NOTICES_SWEEP_MINUTES, then the notices are swept hourly; given 0, never by the app', () => {
    expect(loadConfig(valid).notices).toEqual({ sweepIntervalMs: 3_600_000 });
    expect(loadConfig({ ...valid, NOTICES_SWEEP_MINUTES: '0' }).notices).toEqual({ sweepIntervalMs: 0 });
    expect(loadConfig({ ...valid, NOTICES_SWEEP_MINUTES: '15' }).notices).toEqual({ sweepIntervalMs: 900_000 });
  });

  it('given no METRICS_PORT, then the operators\' listener is on 127.0.0.1:9464; given one, on it and METRICS_HOST', () => {
    expect(loadConfig(valid).operatorsListener).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(loadConfig({ ...valid, METRICS_PORT: '9100' }).operatorsListener).toEqual({ host: '127.0.0.1', port: 9100 });
    expect(loadConfig({ ...valid, METRICS_PORT: '9464', METRICS_HOST: '10.0.0.5' }).operatorsListener).toEqual({ host: '10.0.0.5', port: 9464 });
  });

  it('given no TRUSTED_PROXIES, then no proxy is trusted; given addresses and ranges, then each is kept', () => {
    expect(loadConfig(valid).http.trustedProxies).toEqual([]);
    expect(loadConfig({ ...valid, TRUSTED_PROXIES: '127.0.0.1, 10.0.0.0/8,::1,fd00::/8' }).http.trustedProxies).toEqual(['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8']);
  });

  it('given no SMTP variable, then mail is logged (no SMTP settings) and each SMTP phase times out after 10 seconds', () => {
    expect(loadConfig(valid).mail).toMatchObject({ smtp: null, timeoutMs: 10_000 });
  });

  it('given SMTP_URL, then host, port, TLS and the percent-decoded credentials come from it (smtps: TLS on 465, smtp: 587)', () => {
    const tls = loadConfig({ ...valid, SMTP_URL: 'smtps://relay%40allo:p%40ss%2Fword@mail.example', MAIL_FROM: 'Allo Parents <no-reply@allo.example>' }).mail;
    expect(tls).toEqual({ smtp: { host: 'mail.example', port: 465, secure: true, requireTls: false, auth: { user: 'relay@allo', password: 'p@ss/word' } }, from: 'Allo Parents <no-reply@allo.example>', timeoutMs: 10_000 });
    expect(loadConfig({ ...valid, SMTP_URL: 'smtp://mail.example', MAIL_FROM: 'no-reply@allo.example' }).mail.smtp).toEqual({ host: 'mail.example', port: 587, secure: false, requireTls: true, auth: null });
  });

  it('given plain SMTP, then STARTTLS is required unless SMTP_ALLOW_PLAINTEXT=true', () => {
    const base = { ...valid, SMTP_HOST: 'mail.example', MAIL_FROM: 'no-reply@allo.example' };
    expect(loadConfig(base).mail.smtp).toMatchObject({ secure: false, requireTls: true });
    expect(loadConfig({ ...base, SMTP_ALLOW_PLAINTEXT: 'true' }).mail.smtp).toMatchObject({ secure: false, requireTls: false });
    expect(loadConfig({ ...valid, SMTP_URL: 'smtp://mail.example', MAIL_FROM: 'no-reply@allo.example', SMTP_ALLOW_PLAINTEXT: 'true' }).mail.smtp).toMatchObject({ requireTls: false });
  });

  it('given NODE_ENV=production, then SMTP is required, unless PORTAL_MAIL=log says to log mail on purpose', () => {
    expect(() => loadConfig({ ...valid, NODE_ENV: 'production' })).toThrow(/SMTP_URL or SMTP_HOST is required with NODE_ENV=production/);
    expect(loadConfig({ ...valid, NODE_ENV: 'production', PORTAL_MAIL: 'log' }).mail.smtp).toBeNull();
    expect(loadConfig({ ...valid, NODE_ENV: 'production', SMTP_HOST: 'mail.example', MAIL_FROM: 'no-reply@allo.example' }).mail.smtp).toMatchObject({ host: 'mail.example' });
    expect(loadConfig({ ...valid, NODE_ENV: 'development' }).mail.smtp).toBeNull();
  });

  it('given SMTP_HOST and its companions, then port 587 with STARTTLS by default, implicit TLS on 465 unless SMTP_SECURE says otherwise', () => {
    const base = { ...valid, SMTP_HOST: 'mail.example', MAIL_FROM: 'no-reply@allo.example' };
    expect(loadConfig(base).mail.smtp).toEqual({ host: 'mail.example', port: 587, secure: false, requireTls: true, auth: null });
    expect(loadConfig({ ...base, SMTP_PORT: '465', SMTP_USER: 'me', SMTP_PASSWORD: 'secret' }).mail.smtp).toEqual({ host: 'mail.example', port: 465, secure: true, requireTls: false, auth: { user: 'me', password: 'secret' } });
    expect(loadConfig({ ...base, SMTP_PORT: '2525', SMTP_SECURE: 'true', SMTP_TIMEOUT_SECONDS: '3' }).mail).toMatchObject({ smtp: { port: 2525, secure: true }, timeoutMs: 3000 });
  });

  it('given nothing about limits, then EU/EEA/CH/UK mobiles and landlines, 2 calls per cascade, 1 per caller, 50 legs per cascade and 10,000 per day', () => {
    const { limits } = loadConfig(valid);
    expect(limits.destinations.countries).toEqual(expect.arrayContaining(['BE', 'NL', 'FR', 'DE', 'LU', 'NO', 'IS', 'LI', 'CH', 'GB']));
    expect(limits.destinations.countries).toHaveLength(32);
    expect(limits.destinations.types).toEqual(['MOBILE', 'FIXED_LINE', 'FIXED_LINE_OR_MOBILE']);
    expect(limits).toMatchObject({ maxCallsPerCascade: 2, maxCallsPerCaller: 1, maxLegsPerCascadePerDay: 50, maxLegsPerDay: 10_000 });
  });

  it('given the maximum length of a call, then an open call stops counting against the caps after twice it and five minutes', () => {
    expect(loadConfig(valid).limits.openCallMaxAgeMs).toBe(125 * 60_000);
    expect(loadConfig({ ...valid, MAX_CALL_MINUTES: '30' }).limits.openCallMaxAgeMs).toBe(65 * 60_000);
  });

  it('given lower-case countries and types with spaces, then they are read as codes', () => {
    const { limits } = loadConfig({ ...valid, ALLOWED_NUMBER_COUNTRIES: 'be, nl', ALLOWED_NUMBER_TYPES: 'mobile' });
    expect(limits.destinations).toEqual({ countries: ['BE', 'NL'], types: ['MOBILE'] });
  });

  it('given nothing about it, then a connected call lasts an hour at most; MAX_CALL_MINUTES may be a fraction (tests use seconds)', () => {
    expect(loadConfig(valid).callFlow.maxCallSeconds).toBe(3600);
    expect(loadConfig({ ...valid, MAX_CALL_MINUTES: '0.2' }).callFlow.maxCallSeconds).toBe(12);
  });

  it('given numeric strings, then they become numbers', () => {
    expect(loadConfig({ ...valid, HTTP_PORT: '8080', SIP_PORT: '15060' }).sip.port).toBe(15060);
  });

  it.each([
    [{ HTTP_PORT: 'eighty' }, 'HTTP_PORT'],
    [{ MAX_CALL_MINUTES: '0' }, 'MAX_CALL_MINUTES'],
    [{ MAX_CALL_MINUTES: 'an hour' }, 'MAX_CALL_MINUTES'],
    [{ HTTP_PORT: '70000' }, 'HTTP_PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'postgres://u@db1,,db2/name' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'postgres://u@db1:5432,db2:x/name' }, 'DATABASE_URL'],
    [{ ARI_URL: 'not a url' }, 'ARI_URL'],
    [{ ARI_PASSWORD: 'short' }, 'ARI_PASSWORD'],
    [{ SIP_TRUNK_URI: '127.0.0.1:5080' }, 'SIP_TRUNK_URI'],
    [{ SIP_TRUNK_QUALIFY_SECONDS: '-1' }, 'SIP_TRUNK_QUALIFY_SECONDS'],
    [{ HOTLINE_NUMBER: '116 000' }, 'HOTLINE_NUMBER'],
    [{ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL'],
    [{ RTP_PORT_START: '20000', RTP_PORT_END: '10000' }, 'RTP_PORT_END'],
    [{ PSEUDONYM_KEY: 'c2hvcnQ=' }, 'PSEUDONYM_KEY'],
    [{ PSEUDONYM_KEY_PREVIOUS: 'c2hvcnQ=' }, 'PSEUDONYM_KEY_PREVIOUS'],
    [{ PSEUDONYM_KEY_PREVIOUS: key(7) }, 'PSEUDONYM_KEY_PREVIOUS'], // the same as PSEUDONYM_KEY
    [{ SERVICE_NUMBERS: '3278150000:it' }, 'SERVICE_NUMBERS'],
    [{ SERVICE_NUMBERS: '3278150000:fr:parent' }, 'SERVICE_NUMBERS'],
    [{ SERVICE_NUMBERS: '3278150000:fr,3278150009:parents' }, 'SERVICE_NUMBERS'],
    [{ LEG_RING_TIMEOUT_SECONDS: '25' }, 'LEG_RING_TIMEOUT_SECONDS'],
    [{ WITHHELD_CALLER_POLICY: 'allow' }, 'WITHHELD_CALLER_POLICY'],
    [{ ENCRYPTION_KEYS: key(8) }, 'ENCRYPTION_KEYS'], // no key id
    [{ ENCRYPTION_KEYS: 'k1:c2hvcnQ=' }, 'ENCRYPTION_KEYS'], // too short
    [{ ENCRYPTION_KEYS: `k1:${Buffer.alloc(48, 1).toString('base64')}` }, 'ENCRYPTION_KEYS'], // too long
    [{ ENCRYPTION_KEYS: `k1:${key(1)},k1:${key(2)}` }, 'ENCRYPTION_KEYS'], // duplicate id
    [{ RETENTION_CRON: 'every night' }, 'RETENTION_CRON'],
    [{ RETENTION_TIME_ZONE: 'Europe/Atlantis' }, 'RETENTION_TIME_ZONE'],
    [{ PORTAL_PUBLIC_URL: 'allo-parents.example' }, 'PORTAL_PUBLIC_URL'],
    [{ PORTAL_COOKIE_SECURE: 'yes' }, 'PORTAL_COOKIE_SECURE'],
    [{ PORTAL_RATE_LIMIT_PER_MINUTE: '0' }, 'PORTAL_RATE_LIMIT_PER_MINUTE'],
    [{ CALL_RECORD_RETENTION_DAYS: '0' }, 'CALL_RECORD_RETENTION_DAYS'],
    [{ RETENTION_BATCH_SIZE: '10' }, 'RETENTION_BATCH_SIZE'],
    [{ NOTICES_SWEEP_MINUTES: '-1' }, 'NOTICES_SWEEP_MINUTES'],
    [{ NOTICES_SWEEP_MINUTES: '1441' }, 'NOTICES_SWEEP_MINUTES'],
    [{ NOTICES_SWEEP_MINUTES: 'hourly' }, 'NOTICES_SWEEP_MINUTES'],
    [{ HTTP_BODY_LIMIT_BYTES: '1000' }, 'HTTP_BODY_LIMIT_BYTES'],
    [{ TRUSTED_PROXIES: 'proxy.example' }, 'TRUSTED_PROXIES'],
    [{ METRICS_PORT: '3000' }, 'METRICS_PORT'], // the same as HTTP_PORT
    [{ METRICS_PORT: '70000' }, 'METRICS_PORT'],
    [{ METRICS_PORT: '9464', METRICS_HOST: 'localhost' }, 'METRICS_HOST'],
    [{ PORTAL_PUBLIC_URL: 'https://allo-parents.example', PORTAL_COOKIE_SECURE: 'never' }, 'PORTAL_COOKIE_SECURE'],
    [{ TRUSTED_PROXIES: '10.0.0.0/33' }, 'TRUSTED_PROXIES'],
    [{ TRUSTED_PROXIES: '127.0.0.1,::1/129' }, 'TRUSTED_PROXIES'],
    [{ OIDC_ISSUER_URL: 'login.example.gov' }, 'OIDC_ISSUER_URL'],
    [{ OIDC_SCOPES: 'openid  email' }, 'OIDC_SCOPES'],
    [{ SMTP_URL: 'http://mail.example', MAIL_FROM: 'a@b.example' }, 'SMTP_URL'],
    [{ SMTP_URL: 'smtp://mail.example:99999', MAIL_FROM: 'a@b.example' }, 'SMTP_URL'],
    [{ SMTP_URL: 'smtp://mail.example', SMTP_HOST: 'other.example', MAIL_FROM: 'a@b.example' }, 'SMTP_URL'],
    [{ SMTP_HOST: 'mail.example' }, 'MAIL_FROM'], // no sender
    [{ SMTP_HOST: 'mail.example', MAIL_FROM: 'Allo Parents no-reply' }, 'MAIL_FROM'],
    [{ SMTP_HOST: 'mail.example', MAIL_FROM: 'a@b.example', SMTP_USER: 'me' }, 'SMTP_PASSWORD'],
    [{ SMTP_PORT: '465', MAIL_FROM: 'a@b.example' }, 'SMTP_HOST'],
    [{ SMTP_HOST: 'mail.example', MAIL_FROM: 'a@b.example', SMTP_SECURE: 'yes' }, 'SMTP_SECURE'],
    [{ SMTP_HOST: 'mail example', MAIL_FROM: 'a@b.example' }, 'SMTP_HOST'],
    [{ SMTP_TIMEOUT_SECONDS: '0' }, 'SMTP_TIMEOUT_SECONDS'],
    [{ PORTAL_MAIL: 'smtp' }, 'PORTAL_MAIL'],
    [{ PORTAL_MAIL: 'console' }, 'PORTAL_MAIL'],
    [{ PORTAL_MAIL: 'log', SMTP_HOST: 'mail.example', MAIL_FROM: 'a@b.example' }, 'PORTAL_MAIL'],
    [{ SMTP_ALLOW_PLAINTEXT: 'true' }, 'SMTP_ALLOW_PLAINTEXT'],
    [{ SMTP_HOST: 'mail.example', MAIL_FROM: 'a@b.example', SMTP_ALLOW_PLAINTEXT: 'yes' }, 'SMTP_ALLOW_PLAINTEXT'],
    [{ ALLOWED_NUMBER_COUNTRIES: 'BE,XX' }, 'ALLOWED_NUMBER_COUNTRIES'],
    [{ ALLOWED_NUMBER_COUNTRIES: ' , ' }, 'ALLOWED_NUMBER_COUNTRIES'],
    [{ ALLOWED_NUMBER_TYPES: 'MOBILE,PREMIUM_RATE' }, 'ALLOWED_NUMBER_TYPES'],
    [{ ALLOWED_NUMBER_TYPES: 'cell' }, 'ALLOWED_NUMBER_TYPES'],
    [{ MAX_CALLS_PER_CASCADE: '0' }, 'MAX_CALLS_PER_CASCADE'],
    [{ MAX_CALLS_PER_CALLER: 'one' }, 'MAX_CALLS_PER_CALLER'],
    [{ MAX_LEGS_PER_CASCADE_PER_DAY: '0' }, 'MAX_LEGS_PER_CASCADE_PER_DAY'],
    [{ MAX_LEGS_PER_DAY: '-5' }, 'MAX_LEGS_PER_DAY'],
  ])('given %p, then start-up stops with a message naming %s', (overrides, variable) => {
    let error: unknown;
    try {
      loadConfig({ ...valid, ...overrides });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(variable);
  });

  it('given no secrets, then start-up stops naming ARI_PASSWORD, PSEUDONYM_KEY and ENCRYPTION_KEYS', () => {
    expect(() => loadConfig({})).toThrow(/ARI_PASSWORD[\s\S]*PSEUDONYM_KEY[\s\S]*ENCRYPTION_KEYS/);
  });

  it('given PSEUDONYM_KEY_PREVIOUS (a rotation), then both keys are in the configuration; without it, no previous key', () => {
    expect(loadConfig({ ...valid, PSEUDONYM_KEY_PREVIOUS: key(9) })).toMatchObject({ pseudonymKey: Buffer.from(key(7), 'base64'), previousPseudonymKey: Buffer.from(key(9), 'base64') });
    expect(loadConfig(valid).previousPseudonymKey).toBeNull();
  });

  it('given several encryption keys, then the first one encrypts and every one decrypts', () => {
    const config = loadConfig({ ...valid, ENCRYPTION_KEYS: `k2:${key(2)},k1:${key(1)}` });
    expect(config.encryption.current).toBe('k2');
    expect(Object.keys(config.encryption.keys)).toEqual(['k2', 'k1']);
    expect(config.encryption.keys.k1).toEqual(Buffer.alloc(32, 1));
  });

  it('given nothing about retention, then the purge runs daily at 03:17 in Brussels and keeps call records 183 days', () => {
    expect(loadConfig(valid).retention).toEqual({ cron: '17 3 * * *', timeZone: 'Europe/Brussels', callRecordDays: 183, batchSize: 2000 });
  });

  describe('the operator named in the privacy statement', () => {
    it('given neither OPERATOR_NAME nor OPERATOR_CONTACT, then no operator is configured (the statement describes the role)', () => {
      expect(loadConfig(valid).operator).toBeNull();
    });

    it.each(['privacy@ville.example', 'Rue de la Loi 16, 1000 Bruxelles', 'Postbus 12, 9000 Gent'])('given a name and the contact %p, then both are kept, trimmed', (contact) => {
      expect(loadConfig({ ...valid, OPERATOR_NAME: ' Ville de Bruxelles ', OPERATOR_CONTACT: ` ${contact} ` }).operator).toEqual({ name: 'Ville de Bruxelles', contact });
    });

    it.each([
      [{ OPERATOR_NAME: 'Ville de Bruxelles' }, 'OPERATOR_NAME and OPERATOR_CONTACT go together'],
      [{ OPERATOR_CONTACT: 'privacy@ville.example' }, 'OPERATOR_NAME and OPERATOR_CONTACT go together'],
      [{ OPERATOR_NAME: 'X', OPERATOR_CONTACT: 'privacy@ville.example' }, 'OPERATOR_NAME must be'],
      [{ OPERATOR_NAME: 'Ville <b>de</b> Bruxelles', OPERATOR_CONTACT: 'privacy@ville.example' }, 'OPERATOR_NAME must be'],
      [{ OPERATOR_NAME: 'Ville\nde Bruxelles', OPERATOR_CONTACT: 'privacy@ville.example' }, 'OPERATOR_NAME must be'],
      [{ OPERATOR_NAME: 'Ville de {contact}', OPERATOR_CONTACT: 'privacy@ville.example' }, 'OPERATOR_NAME must be'],
      [{ OPERATOR_NAME: 'x'.repeat(121), OPERATOR_CONTACT: 'privacy@ville.example' }, 'OPERATOR_NAME must be'],
      [{ OPERATOR_NAME: 'Ville de Bruxelles', OPERATOR_CONTACT: 'privacy@ville' }, 'OPERATOR_CONTACT must be an e-mail address'],
      [{ OPERATOR_NAME: 'Ville de Bruxelles', OPERATOR_CONTACT: 'privacy at ville.example' }, 'OPERATOR_CONTACT must be an e-mail address'],
      [{ OPERATOR_NAME: 'Ville de Bruxelles', OPERATOR_CONTACT: 'Rue de la Loi, Bruxelles' }, 'OPERATOR_CONTACT must be an e-mail address'], // no number, no postcode
      [{ OPERATOR_NAME: 'Ville de Bruxelles', OPERATOR_CONTACT: 'write to dpo@ville.example please' }, 'OPERATOR_CONTACT must be an e-mail address'],
      [{ OPERATOR_NAME: 'Ville de Bruxelles', OPERATOR_CONTACT: `Rue de la Loi 16, 1000 Bruxelles ${'x'.repeat(200)}` }, 'OPERATOR_CONTACT must be an e-mail address'],
    ])('given %p, then start-up stops: %s', (overrides, message) => {
      expect(() => loadConfig({ ...valid, ...overrides })).toThrow(message);
    });
  });

  describe('OpenID Connect sign-in', () => {
    const oidc = { OIDC_ISSUER_URL: 'https://login.example.gov', OIDC_CLIENT_ID: 'allo-parents', OIDC_CLIENT_SECRET: 'a-client-secret', OIDC_DISPLAY_NAME: 'FederalLogin' };

    it('given no OIDC variable, then OpenID Connect sign-in is off', () => {
      expect(loadConfig(valid).oidc).toBeNull();
    });

    it('given the issuer, client and label, then it is on, asks for "openid email" and the redirect URI is the public URL\'s callback', () => {
      expect(loadConfig({ ...valid, ...oidc, PORTAL_PUBLIC_URL: 'https://allo-parents.example/' }).oidc).toEqual({
        issuerUrl: 'https://login.example.gov',
        clientId: 'allo-parents',
        clientSecret: 'a-client-secret',
        displayName: 'FederalLogin',
        scopes: 'openid email',
        redirectUri: 'https://allo-parents.example/api/v1/auth/oidc/callback',
      });
    });

    it('given a provider on this machine over plain http, then it is accepted (tests, development)', () => {
      expect(loadConfig({ ...valid, ...oidc, OIDC_ISSUER_URL: 'http://127.0.0.1:9000/oidc' }).oidc?.issuerUrl).toBe('http://127.0.0.1:9000/oidc');
    });

    it.each([
      [{ OIDC_CLIENT_ID: undefined }, 'OIDC_CLIENT_ID must be set when OIDC_ISSUER_URL is'],
      [{ OIDC_CLIENT_SECRET: undefined }, 'OIDC_CLIENT_SECRET must be set when OIDC_ISSUER_URL is'],
      [{ OIDC_DISPLAY_NAME: '' }, 'OIDC_DISPLAY_NAME must be set when OIDC_ISSUER_URL is'],
      [{ OIDC_ISSUER_URL: undefined }, 'OIDC_ISSUER_URL must be set when OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_DISPLAY_NAME are'],
      [{ OIDC_ISSUER_URL: undefined, OIDC_CLIENT_SECRET: undefined, OIDC_DISPLAY_NAME: undefined }, 'OIDC_ISSUER_URL must be set when OIDC_CLIENT_ID is'],
      [{ OIDC_ISSUER_URL: 'http://login.example.gov' }, 'OIDC_ISSUER_URL must be an https URL'],
      [{ OIDC_SCOPES: 'email profile' }, 'OIDC_SCOPES must include openid'],
    ])('given a partial or wrong OIDC configuration (%p), then start-up stops: %s', (overrides, message) => {
      const env = Object.fromEntries(Object.entries({ ...valid, ...oidc, ...overrides }).filter(([, value]) => value !== undefined)) as Record<string, string>;
      expect(() => loadConfig(env)).toThrow(message);
    });
  });
});
