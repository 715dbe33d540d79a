import { AppConfig, loadConfig } from '../../apps/server/src/config/app-config';

/**
 * Optional, for running a second e2e tier beside another one on the same machine:
 * ALLOPARENTS_TEST_PORT_OFFSET is added to every port (RTP ranges included) and
 * ALLOPARENTS_TEST_INSTANCE_PREFIX replaces the `e2e-` prefix of the Asterisk instances.
 * Unset, the tests use the ports and names below.
 */
export const TEST_PORT_OFFSET = portOffset(process.env.ALLOPARENTS_TEST_PORT_OFFSET);

function portOffset(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 0;
  const offset = Number(raw);
  if (!Number.isInteger(offset) || offset < 0 || offset > 40_000) throw new Error('ALLOPARENTS_TEST_PORT_OFFSET must be a whole number from 0 to 40000');
  return offset;
}

/** The name of a test Asterisk instance: `e2e-<role>`, or with the prefix from the environment. */
export function testInstanceName(role: string): string {
  const prefix = process.env.ALLOPARENTS_TEST_INSTANCE_PREFIX || 'e2e-';
  if (!/^[a-z0-9][a-z0-9-]*$/.test(prefix)) throw new Error('ALLOPARENTS_TEST_INSTANCE_PREFIX may only hold lower-case letters, digits and dashes');
  return `${prefix}${role}`;
}

/**
 * Tests run beside a developer's `npm run stack`, so they use their own ports and database:
 * SIP 15060, ARI 18088, HTTP 13000, the operators' listener 13464, nginx 13443 (https) and 13081,
 * the simulated telephone network on 15080, the service's RTP 14000-14999 and the network's
 * 18200-18999 (each plus the offset above). Everything fits in 13000-18999, so tiers run side by
 * side at offsets 6000 apart (npm test's end-to-end shards: +6000, +12000) and stay below the
 * kernel's ephemeral ports (32768 and up), which outgoing connections take at random.
 */
export const TEST_PORTS = {
  sip: 15060 + TEST_PORT_OFFSET,
  ari: 18088 + TEST_PORT_OFFSET,
  http: 13000 + TEST_PORT_OFFSET,
  /** The operators' listener (METRICS_PORT: /metrics, the API documentation) of an app started as its own process. */
  operators: 13464 + TEST_PORT_OFFSET,
  /** nginx terminating TLS in front of the portal (https), and its plain HTTP redirect. */
  tlsProxy: 13443 + TEST_PORT_OFFSET,
  tlsProxyHttp: 13081 + TEST_PORT_OFFSET,
  network: 15080 + TEST_PORT_OFFSET,
  /** The network's unused ARI address. */
  networkAri: 18089 + TEST_PORT_OFFSET,
  sippBase: 16000 + TEST_PORT_OFFSET,
  rtpStart: 14000 + TEST_PORT_OFFSET,
  /** A second node's Asterisk (the two-node tests): the other half of the service's RTP range. */
  secondNodeRtpStart: 14500 + TEST_PORT_OFFSET,
  networkRtpStart: 18200 + TEST_PORT_OFFSET,
  /** A pg_auto_failover monitor (TCP); its two PostgreSQL nodes take the next two ports. */
  pgAutoFailover: 15440 + TEST_PORT_OFFSET,
} as const;

export function testEnvironment(overrides: Record<string, string> = {}): Record<string, string> {
  const databaseUrl = process.env.TEST_DATABASE_URL;
  if (!databaseUrl) throw new Error('TEST_DATABASE_URL is not set: run the tests with `npm test`');
  if (!process.env.ARI_PASSWORD) throw new Error('ARI_PASSWORD is not set: run the tests with `npm test`');
  return {
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: String(TEST_PORTS.http),
    METRICS_PORT: String(TEST_PORTS.operators),
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
    // No OPTIONS pings of the trunk: the suites start the network beside the service, and a first
    // ping lost to that race would have Asterisk refuse every call to the trunk until the next.
    // The trunk's health suite and the demo's turn them on.
    SIP_TRUNK_QUALIFY_SECONDS: '0',
    RTP_PORT_START: String(TEST_PORTS.rtpStart),
    RTP_PORT_END: String(TEST_PORTS.rtpStart + 499),
    SERVICE_NUMBER: '3278150000',
    ...(process.env.ASTERISK_SOUNDS_DIR ? { ASTERISK_SOUNDS_DIR: process.env.ASTERISK_SOUNDS_DIR } : {}),
    HOTLINE_NUMBER: '116000',
    ...overrides,
  };
}

/**
 * An app started in this process gets its operators' listener on any free port (suites start
 * several apps at once), unless `overrides` names METRICS_PORT; find it with operatorsUrl().
 */
export function testConfig(overrides: Record<string, string> = {}): AppConfig {
  const config = loadConfig(testEnvironment(overrides));
  return overrides.METRICS_PORT === undefined ? { ...config, operatorsListener: { ...config.operatorsListener, port: 0 } } : config;
}
