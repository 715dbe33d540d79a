import { ConfigError } from './environment';
import { loadConfig } from './app-config';

const valid = { ARI_PASSWORD: 'a-long-enough-secret', PSEUDONYM_KEY: Buffer.alloc(32, 7).toString('base64') };

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

  it('given no secrets, then start-up stops naming both ARI_PASSWORD and PSEUDONYM_KEY', () => {
    expect(() => loadConfig({})).toThrow(/ARI_PASSWORD[\s\S]*PSEUDONYM_KEY/);
  });
});
