import { AllowableNumberType, DestinationPolicy } from '../cascades/domain/allowed-destinations';
import { openCallMaxAgeMs } from '../cascades/domain/call-caps';
import { Language } from '../languages';
import { EnvironmentVariables, listOf, trustedProxies, validateEnvironment } from './environment';

/** The typed configuration the app is built from. Tests build one directly. */
export interface AppConfig {
  /** trustedProxies: the peers whose X-Forwarded-For/-Proto count (none: the peer is the client). */
  http: { host: string; port: number; bodyLimitBytes: number; trustedProxies: string[] };
  logLevel: string;
  /** The operators' listener (/metrics, the API documentation, /health): never the public one. Port 0: any free port (tests). */
  operatorsListener: { host: string; port: number };
  database: { url: string };
  /** httpConnections: the bounded pool of keep-alive connections for ARI requests. */
  ari: { url: string; username: string; password: string; app: string; httpConnections: number };
  asteriskSoundsDir: string;
  sip: { bindAddress: string; port: number; trunkUri: string; trunkQualifySeconds: number; rtpPortStart: number; rtpPortEnd: number };
  service: {
    number: string;
    hotlineNumber: string;
    /** The finders' numbers (DID → language). */
    numbers: Record<string, Language>;
    /** The parents' line numbers (DID → language), marked `:parents` in SERVICE_NUMBERS. */
    parentLineNumbers: Record<string, Language>;
    defaultLanguage: Language;
  };
  pseudonymKey: Buffer;
  /** Set only while the pseudonym key is rotated: the key before pseudonymKey. */
  previousPseudonymKey: Buffer | null;
  /** AES-256-GCM keys by id; `current` encrypts, every listed key decrypts. */
  encryption: { current: string; keys: Record<string, Buffer> };
  retention: { cron: string; timeZone: string; callRecordDays: number; batchSize: number };
  /** Notices to parents: milliseconds between two sweeps, 0 when the app does not sweep. */
  notices: { sweepIntervalMs: number };
  portal: { publicUrl: string; cookieSecure: 'auto' | 'always' | 'never'; rateLimitPerMinute: number };
  /** Sign-in with an OpenID Connect provider (a government's federal login); null when off. */
  oidc: OidcConfig | null;
  /** `smtp` null: no SMTP server configured, mail is logged (development). */
  mail: { smtp: SmtpSettings | null; from: string; timeoutMs: number };
  /** The data controller the privacy statement names; null when not configured (a generic wording is shown). */
  operator: { name: string; contact: string } | null;
  callFlow: {
    withheldCallerPolicy: 'refuse' | 'hotline';
    legCallerId: 'service' | 'finder';
    legRingTimeoutMs: number;
    legProgressTimeoutMs: number;
    confirmWindowMs: number;
    hotlineRingTimeoutMs: number;
    languageChoiceTimeoutMs: number;
    firstDigitTimeoutMs: number;
    interDigitTimeoutMs: number;
    holdMessageIntervalMs: number;
    maxNumberAttempts: number;
    /** How long the cascade's look-up may take before the finder is put through to the hotline (not a variable). */
    lookupTimeoutMs: number;
    abuseMaxNumbersPerHour: number;
    deadmanSeconds: number;
    /** MAX_CALL_MINUTES in whole seconds: a connected call's length, enforced by Asterisk. */
    maxCallSeconds: number;
  };
  /** What the service may dial and how much (docs/security.md, "Limits on what the service dials"). */
  limits: {
    destinations: DestinationPolicy;
    maxCallsPerCascade: number;
    maxCallsPerCaller: number;
    maxLegsPerCascadePerDay: number;
    maxLegsPerDay: number;
    openCallMaxAgeMs: number;
  };
}

export interface OidcConfig {
  issuerUrl: string;
  clientId: string;
  clientSecret: string;
  displayName: string;
  scopes: string;
  /** Where the provider sends the parent back: register it with the provider. */
  redirectUri: string;
}

/** Where mail leaves, from SMTP_URL or the SMTP_HOST family (one shape for both). */
export interface SmtpSettings {
  host: string;
  port: number;
  /** TLS from the start (smtps, port 465); otherwise STARTTLS. */
  secure: boolean;
  /** Without `secure`: a server that does not offer STARTTLS fails the delivery (false only with SMTP_ALLOW_PLAINTEXT=true). */
  requireTls: boolean;
  auth: { user: string; password: string } | null;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

export function toAppConfig(v: EnvironmentVariables): AppConfig {
  return {
    http: { host: v.HTTP_HOST, port: v.HTTP_PORT, bodyLimitBytes: v.HTTP_BODY_LIMIT_BYTES, trustedProxies: trustedProxies(v.TRUSTED_PROXIES ?? '') ?? [] },
    logLevel: v.LOG_LEVEL,
    operatorsListener: { host: v.METRICS_HOST, port: v.METRICS_PORT },
    database: { url: v.DATABASE_URL },
    ari: { url: v.ARI_URL, username: v.ARI_USERNAME, password: v.ARI_PASSWORD, app: v.ARI_APP, httpConnections: v.ARI_HTTP_CONNECTIONS },
    asteriskSoundsDir: v.ASTERISK_SOUNDS_DIR,
    sip: {
      bindAddress: v.SIP_BIND_ADDRESS,
      port: v.SIP_PORT,
      trunkUri: v.SIP_TRUNK_URI,
      trunkQualifySeconds: v.SIP_TRUNK_QUALIFY_SECONDS,
      rtpPortStart: v.RTP_PORT_START,
      rtpPortEnd: v.RTP_PORT_END,
    },
    service: serviceConfig(v),
    pseudonymKey: Buffer.from(v.PSEUDONYM_KEY, 'base64'),
    previousPseudonymKey: v.PSEUDONYM_KEY_PREVIOUS ? Buffer.from(v.PSEUDONYM_KEY_PREVIOUS, 'base64') : null,
    encryption: encryptionKeys(v.ENCRYPTION_KEYS),
    retention: {
      cron: v.RETENTION_CRON,
      timeZone: v.RETENTION_TIME_ZONE,
      callRecordDays: v.CALL_RECORD_RETENTION_DAYS,
      batchSize: v.RETENTION_BATCH_SIZE,
    },
    notices: { sweepIntervalMs: v.NOTICES_SWEEP_MINUTES * 60_000 },
    portal: {
      publicUrl: v.PORTAL_PUBLIC_URL.replace(/\/+$/, ''),
      cookieSecure: v.PORTAL_COOKIE_SECURE as 'auto' | 'always' | 'never',
      rateLimitPerMinute: v.PORTAL_RATE_LIMIT_PER_MINUTE,
    },
    oidc: oidcConfig(v),
    mail: { smtp: smtpSettings(v), from: v.MAIL_FROM ?? 'Allo Parents <no-reply@localhost>', timeoutMs: v.SMTP_TIMEOUT_SECONDS * 1000 },
    operator: v.OPERATOR_NAME && v.OPERATOR_CONTACT ? { name: v.OPERATOR_NAME.trim(), contact: v.OPERATOR_CONTACT.trim() } : null,
    callFlow: callFlowConfig(v),
    limits: limitsConfig(v),
  };
}

/** What the call flow reads of the configuration. */
export type CallFlowConfig = Pick<AppConfig, 'service' | 'callFlow' | 'limits'>;

/**
 * The call flow's configuration with every variable at its default: what the unit tests of the
 * call flow run with, so that the defaults stay stated once (environment.ts).
 */
export function defaultCallFlowConfig(): CallFlowConfig {
  const v = new EnvironmentVariables();
  return { service: serviceConfig(v), callFlow: callFlowConfig(v), limits: limitsConfig(v) };
}

/** The finders' or the parents' line numbers of SERVICE_NUMBERS, each with its language. */
function serviceNumbers(list: string, parents: boolean): Record<string, Language> {
  const entries = list.split(',').map((entry) => entry.split(':'));
  return Object.fromEntries(entries.filter((parts) => (parts[2] === 'parents') === parents).map(([did, lang]) => [did, lang as Language]));
}

function serviceConfig(v: EnvironmentVariables): AppConfig['service'] {
  return {
    number: v.SERVICE_NUMBER,
    hotlineNumber: v.HOTLINE_NUMBER,
    numbers: serviceNumbers(v.SERVICE_NUMBERS, false),
    parentLineNumbers: serviceNumbers(v.SERVICE_NUMBERS, true),
    defaultLanguage: v.DEFAULT_LANGUAGE as Language,
  };
}

function callFlowConfig(v: EnvironmentVariables): AppConfig['callFlow'] {
  return {
    withheldCallerPolicy: v.WITHHELD_CALLER_POLICY as 'refuse' | 'hotline',
    legCallerId: v.LEG_CALLER_ID as 'service' | 'finder',
    legRingTimeoutMs: v.LEG_RING_TIMEOUT_SECONDS * 1000,
    legProgressTimeoutMs: v.LEG_PROGRESS_TIMEOUT_SECONDS * 1000,
    confirmWindowMs: v.CONFIRM_WINDOW_SECONDS * 1000,
    hotlineRingTimeoutMs: v.HOTLINE_RING_TIMEOUT_SECONDS * 1000,
    languageChoiceTimeoutMs: v.LANGUAGE_CHOICE_TIMEOUT_SECONDS * 1000,
    firstDigitTimeoutMs: v.FIRST_DIGIT_TIMEOUT_SECONDS * 1000,
    interDigitTimeoutMs: v.INTER_DIGIT_TIMEOUT_SECONDS * 1000,
    holdMessageIntervalMs: v.HOLD_MESSAGE_INTERVAL_SECONDS * 1000,
    maxNumberAttempts: v.MAX_NUMBER_ATTEMPTS,
    lookupTimeoutMs: 8_000,
    abuseMaxNumbersPerHour: v.ABUSE_MAX_NUMBERS_PER_HOUR,
    deadmanSeconds: v.DEADMAN_SECONDS,
    maxCallSeconds: Math.max(1, Math.round(v.MAX_CALL_MINUTES * 60)),
  };
}

function limitsConfig(v: EnvironmentVariables): AppConfig['limits'] {
  return {
    destinations: { countries: listOf(v.ALLOWED_NUMBER_COUNTRIES), types: listOf(v.ALLOWED_NUMBER_TYPES) as AllowableNumberType[] },
    maxCallsPerCascade: v.MAX_CALLS_PER_CASCADE,
    maxCallsPerCaller: v.MAX_CALLS_PER_CALLER,
    maxLegsPerCascadePerDay: v.MAX_LEGS_PER_CASCADE_PER_DAY,
    maxLegsPerDay: v.MAX_LEGS_PER_DAY,
    openCallMaxAgeMs: openCallMaxAgeMs(Math.max(1, Math.round(v.MAX_CALL_MINUTES * 60))),
  };
}

export const OIDC_CALLBACK_PATH = '/api/v1/auth/oidc/callback';

function oidcConfig(v: EnvironmentVariables): OidcConfig | null {
  if (!v.OIDC_ISSUER_URL || !v.OIDC_CLIENT_ID || !v.OIDC_CLIENT_SECRET || !v.OIDC_DISPLAY_NAME) return null;
  return {
    issuerUrl: v.OIDC_ISSUER_URL,
    clientId: v.OIDC_CLIENT_ID,
    clientSecret: v.OIDC_CLIENT_SECRET,
    displayName: v.OIDC_DISPLAY_NAME,
    scopes: v.OIDC_SCOPES,
    redirectUri: `${v.PORTAL_PUBLIC_URL.replace(/\/+$/, '')}${OIDC_CALLBACK_PATH}`,
  };
}

function encryptionKeys(value: string): AppConfig['encryption'] {
  const pairs = value.split(',').map((pair) => [pair.slice(0, pair.indexOf(':')), Buffer.from(pair.slice(pair.indexOf(':') + 1), 'base64')] as const);
  return { current: pairs[0][0], keys: Object.fromEntries(pairs) };
}

function smtpSettings(v: EnvironmentVariables): SmtpSettings | null {
  if (v.SMTP_URL) {
    const url = new URL(v.SMTP_URL);
    const secure = url.protocol === 'smtps:';
    const user = decodeURIComponent(url.username);
    return {
      host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port ? Number(url.port) : secure ? 465 : 587,
      secure,
      requireTls: !secure && v.SMTP_ALLOW_PLAINTEXT !== 'true',
      auth: user ? { user, password: decodeURIComponent(url.password) } : null,
    };
  }
  if (!v.SMTP_HOST) return null;
  const port = v.SMTP_PORT ?? 587;
  const secure = v.SMTP_SECURE === undefined ? port === 465 : v.SMTP_SECURE === 'true';
  return {
    host: v.SMTP_HOST,
    port,
    secure,
    requireTls: !secure && v.SMTP_ALLOW_PLAINTEXT !== 'true',
    auth: v.SMTP_USER ? { user: v.SMTP_USER, password: v.SMTP_PASSWORD ?? '' } : null,
  };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  return toAppConfig(validateEnvironment(env));
}
