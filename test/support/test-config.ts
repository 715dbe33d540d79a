import { AppConfig, loadConfig } from '../../apps/server/src/config/app-config';

/**
 * Tests run beside a developer's `npm run stack`, so they use their own ports and database:
 * SIP 15060, ARI 18088, HTTP 13000, the simulated telephone network on 15080.
 */
export const TEST_PORTS = { sip: 15060, ari: 18088, http: 13000, network: 15080, sippBase: 16000 } as const;

export function testEnvironment(overrides: Record<string, string> = {}): Record<string, string> {
  const databaseUrl = process.env.TEST_DATABASE_URL;
  if (!databaseUrl) throw new Error('TEST_DATABASE_URL is not set: run the tests with `npm test`');
  if (!process.env.ARI_PASSWORD) throw new Error('ARI_PASSWORD is not set: run the tests with `npm test`');
  return {
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: String(TEST_PORTS.http),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    DATABASE_URL: databaseUrl,
    ARI_URL: `http://127.0.0.1:${TEST_PORTS.ari}`,
    ARI_USERNAME: 'alloparents',
    ARI_PASSWORD: process.env.ARI_PASSWORD,
    ARI_APP: 'alloparents',
    PSEUDONYM_KEY: process.env.PSEUDONYM_KEY ?? '',
    ENCRYPTION_KEYS: process.env.ENCRYPTION_KEYS ?? '',
    SIP_BIND_ADDRESS: '127.0.0.1',
    SIP_PORT: String(TEST_PORTS.sip),
    SIP_TRUNK_URI: `sip:127.0.0.1:${TEST_PORTS.network}`,
    RTP_PORT_START: '20000',
    RTP_PORT_END: '20999',
    SERVICE_NUMBER: '3278150000',
    ...(process.env.ASTERISK_SOUNDS_DIR ? { ASTERISK_SOUNDS_DIR: process.env.ASTERISK_SOUNDS_DIR } : {}),
    HOTLINE_NUMBER: '116000',
    ...overrides,
  };
}

export function testConfig(overrides: Record<string, string> = {}): AppConfig {
  return loadConfig(testEnvironment(overrides));
}
