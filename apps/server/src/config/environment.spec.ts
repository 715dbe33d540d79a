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
    expect(config.service.hotlineNumber).toBe('116000');
  });

  it('given SERVICE_NUMBERS, then each dialled number maps to its language, and timers become milliseconds', () => {
    const config = loadConfig({ ...valid, SERVICE_NUMBERS: '3278150000:fr,3278150001:nl', LEG_RING_TIMEOUT_SECONDS: '2.5' });
    expect(config.service.numbers).toEqual({ '3278150000': 'fr', '3278150001': 'nl' });
    expect(config.callFlow.legRingTimeoutMs).toBe(2500);
    expect(config.pseudonymKey).toHaveLength(32);
  });

  it('given the portal variables, then the public URL loses its trailing slash and the defaults are auto and 10 a minute', () => {
    expect(loadConfig(valid).portal).toEqual({ publicUrl: 'http://127.0.0.1:3000', cookieSecure: 'auto', rateLimitPerMinute: 10 });
    expect(loadConfig({ ...valid, PORTAL_PUBLIC_URL: 'https://allo-parents.example/', PORTAL_COOKIE_SECURE: 'always' }).portal).toMatchObject({ publicUrl: 'https://allo-parents.example', cookieSecure: 'always' });
  });

  it('given numeric strings, then they become numbers', () => {
    expect(loadConfig({ ...valid, HTTP_PORT: '8080', SIP_PORT: '15060' }).sip.port).toBe(15060);
  });

  it.each([
    [{ HTTP_PORT: 'eighty' }, 'HTTP_PORT'],
    [{ HTTP_PORT: '70000' }, 'HTTP_PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ ARI_URL: 'not a url' }, 'ARI_URL'],
    [{ ARI_PASSWORD: 'short' }, 'ARI_PASSWORD'],
    [{ SIP_TRUNK_URI: '127.0.0.1:5080' }, 'SIP_TRUNK_URI'],
    [{ HOTLINE_NUMBER: '116 000' }, 'HOTLINE_NUMBER'],
    [{ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL'],
    [{ RTP_PORT_START: '20000', RTP_PORT_END: '10000' }, 'RTP_PORT_END'],
    [{ PSEUDONYM_KEY: 'c2hvcnQ=' }, 'PSEUDONYM_KEY'],
    [{ SERVICE_NUMBERS: '3278150000:it' }, 'SERVICE_NUMBERS'],
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
    [{ HTTP_BODY_LIMIT_BYTES: '1000' }, 'HTTP_BODY_LIMIT_BYTES'],
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

  it('given several encryption keys, then the first one encrypts and every one decrypts', () => {
    const config = loadConfig({ ...valid, ENCRYPTION_KEYS: `k2:${key(2)},k1:${key(1)}` });
    expect(config.encryption.current).toBe('k2');
    expect(Object.keys(config.encryption.keys)).toEqual(['k2', 'k1']);
    expect(config.encryption.keys.k1).toEqual(Buffer.alloc(32, 1));
  });

  it('given nothing about retention, then the purge runs daily at 03:17 in Brussels and keeps call records 183 days', () => {
    expect(loadConfig(valid).retention).toEqual({ cron: '17 3 * * *', timeZone: 'Europe/Brussels', callRecordDays: 183, batchSize: 2000 });
  });
});
