import 'reflect-metadata';
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsIn,
  isEmail,
  IsInt,
  IsIP,
  IsNumber,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MaxLength,
  MinLength,
  validateSync,
} from 'class-validator';
import { isIP } from 'node:net';
import { validateCronExpression } from 'cron';
import { LANGUAGES } from '../languages';
import { parseDatabaseUrl } from '../database/primary-locator';
import { ALLOWABLE_NUMBER_TYPES, DEFAULT_ALLOWED_COUNTRIES, DEFAULT_ALLOWED_TYPES, isAllowableNumberType, unknownCountries } from '../cascades/domain/allowed-destinations';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
const toNumber = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;

/**
 * SERVICE_NUMBERS: "3278150000:fr,3278150001:nl,3278150009:fr:parents" — the DID a caller dialled
 * picks the language; a number marked `:parents` is the parents' line (docs/parents-by-phone.md).
 */
const SERVICE_NUMBER_ENTRY = `\\d{3,15}:(${LANGUAGES.join('|')})(:parents)?`;
const SERVICE_NUMBERS_PATTERN = new RegExp(`^${SERVICE_NUMBER_ENTRY}(,${SERVICE_NUMBER_ENTRY})*$`);

/** ENCRYPTION_KEYS: "k2:<base64>,k1:<base64>" — key id, then 32 random bytes in base64; the first encrypts. */
const ENCRYPTION_KEY_PATTERN = /^[A-Za-z0-9_-]{1,16}:[A-Za-z0-9+/]{43}=$/;
const ENCRYPTION_KEYS_MESSAGE =
  'ENCRYPTION_KEYS must be id:key pairs separated by commas, each key 32 random bytes in base64 (e.g. k1:$(openssl rand -base64 32)), the current key first, ids unique';

/**
 * Every environment variable the service reads, with its default and its rule.
 * This is the only place that knows variable names; the rest of the app sees AppConfig.
 */
export class EnvironmentVariables {
  @IsIP() HTTP_HOST = '127.0.0.1';
  @Transform(toInt) @IsInt() @Min(1) @Max(65535) HTTP_PORT = 3000;
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) LOG_LEVEL = 'info';
  /**
   * The operators' listener: /metrics (Prometheus), the API documentation and /health, on
   * METRICS_HOST:METRICS_PORT (127.0.0.1:9464 by default), never on HTTP_PORT.
   */
  @Transform(toInt) @IsInt() @Min(1) @Max(65535) METRICS_PORT = 9464;
  @IsIP() METRICS_HOST = '127.0.0.1';
  /**
   * The reverse proxies (addresses or CIDRs, comma-separated) whose X-Forwarded-For and
   * X-Forwarded-Proto the app believes. Unset: none, the peer's own address is the client's.
   */
  @IsOptional() @IsString() TRUSTED_PROXIES?: string;

  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL = 'postgres://alloparents@127.0.0.1:5432/alloparents';

  @IsUrl({ require_tld: false, protocols: ['http', 'https'] }) ARI_URL = 'http://127.0.0.1:8088';
  @IsString() @IsNotEmpty() ARI_USERNAME = 'alloparents';
  // No default: a guessable ARI password gives anyone on the host control of every call.
  @IsString() @MinLength(12, { message: 'ARI_PASSWORD must be at least 12 characters' }) ARI_PASSWORD!: string;
  @Matches(/^[A-Za-z0-9_-]+$/) ARI_APP = 'alloparents';
  // Keep-alive connections for ARI requests; a burst of callers queues on them. Asterisk's
  // http.conf sessionlimit is rendered from this value (plus room for the websocket).
  @Transform(toInt) @IsInt() @Min(1) @Max(64) ARI_HTTP_CONNECTIONS = 16;

  @IsIP() SIP_BIND_ADDRESS = '127.0.0.1';
  @Transform(toInt) @IsInt() @Min(1) @Max(65535) SIP_PORT = 5060;
  @Matches(/^sips?:[^\s]+$/, { message: 'SIP_TRUNK_URI must be a sip: URI such as sip:192.0.2.10:5060' })
  SIP_TRUNK_URI = 'sip:127.0.0.1:5080';
  /** Seconds between OPTIONS pings of the trunk (Asterisk's qualify, reported by /health); 0: off. */
  @Transform(toInt) @IsInt() @Min(0) @Max(3600) SIP_TRUNK_QUALIFY_SECONDS = 30;
  @Transform(toInt) @IsInt() @Min(1024) @Max(65535) RTP_PORT_START = 10000;
  @Transform(toInt) @IsInt() @Min(1024) @Max(65535) RTP_PORT_END = 10999;

  /** Asterisk's sounds directory as this process sees it: the app writes the children's spoken names there. */
  @Matches(/^\//, { message: 'ASTERISK_SOUNDS_DIR must be an absolute path' })
  ASTERISK_SOUNDS_DIR = '/var/cache/alloparents/asterisk-root/usr/share/asterisk/sounds';

  @Matches(/^\d{3,15}$/, { message: 'SERVICE_NUMBER must be 3 to 15 digits (E.164 without +)' })
  SERVICE_NUMBER = '3278150000';
  @Matches(/^\+?\d{3,15}$/, { message: 'HOTLINE_NUMBER must be 3 to 15 digits' })
  HOTLINE_NUMBER = '116000';

  // Keyed hash (HMAC-SHA-256) for national numbers and caller numbers at rest: 32+ random bytes,
  // base64. Changed only through the rotation of docs/data.md (PSEUDONYM_KEY_PREVIOUS below).
  @Matches(/^[A-Za-z0-9+/]{43,}={0,2}$/, { message: 'PSEUDONYM_KEY must be at least 32 random bytes in base64 (openssl rand -base64 32)' })
  PSEUDONYM_KEY!: string;
  // Only while the pseudonym key is rotated (docs/data.md): the key before PSEUDONYM_KEY; look-ups
  // find values hashed with either until `npm run ops -- keys rehash` has recomputed them.
  @IsOptional()
  @Matches(/^[A-Za-z0-9+/]{43,}={0,2}$/, { message: 'PSEUDONYM_KEY_PREVIOUS must be at least 32 random bytes in base64 (the key PSEUDONYM_KEY replaces), or unset' })
  PSEUDONYM_KEY_PREVIOUS?: string;

  @Matches(SERVICE_NUMBERS_PATTERN, { message: 'SERVICE_NUMBERS must look like 3278150000:fr,3278150001:nl (a number followed by :parents is the parents\' line)' })
  SERVICE_NUMBERS = '3278150000:fr';
  @IsIn(LANGUAGES) DEFAULT_LANGUAGE = 'fr';

  /** refuse: explain and hang up; hotline: put a withheld caller through to the hotline. */
  @IsIn(['refuse', 'hotline']) WITHHELD_CALLER_POLICY = 'refuse';
  /** service: parents see the service number (spoofed Belgian numbers are blocked on international routes); finder: the finder's number. */
  @IsIn(['service', 'finder']) LEG_CALLER_ID = 'service';

  // Mobile networks divert unanswered calls to voicemail after ~20 s (GSM default): ring less.
  @Transform(toNumber) @IsNumber() @Min(1) @Max(19.5) LEG_RING_TIMEOUT_SECONDS = 15;
  @Transform(toNumber) @IsNumber() @Min(0.5) @Max(30) LEG_PROGRESS_TIMEOUT_SECONDS = 5;
  @Transform(toNumber) @IsNumber() @Min(1) @Max(60) CONFIRM_WINDOW_SECONDS = 10;
  @Transform(toNumber) @IsNumber() @Min(5) @Max(300) HOTLINE_RING_TIMEOUT_SECONDS = 60;
  @Transform(toNumber) @IsNumber() @Min(0.5) @Max(30) LANGUAGE_CHOICE_TIMEOUT_SECONDS = 4;
  @Transform(toNumber) @IsNumber() @Min(1) @Max(60) FIRST_DIGIT_TIMEOUT_SECONDS = 10;
  @Transform(toNumber) @IsNumber() @Min(1) @Max(60) INTER_DIGIT_TIMEOUT_SECONDS = 5;
  @Transform(toNumber) @IsNumber() @Min(5) @Max(120) HOLD_MESSAGE_INTERVAL_SECONDS = 20;
  @Transform(toInt) @IsInt() @Min(1) @Max(10) MAX_NUMBER_ATTEMPTS = 3;
  /**
   * Dead-man switch: Asterisk puts a finder through to the hotline by itself unless the app
   * pushes this deadline forward (it does every third of it) — the app dying cannot strand a finder.
   */
  @Transform(toInt) @IsInt() @Min(5) @Max(300) DEADMAN_SECONDS = 30;
  /** A connected call (finder and parent, or hotline) is ended by Asterisk itself after this long. */
  @Transform(toNumber) @IsNumber() @Min(0.1) @Max(1440) MAX_CALL_MINUTES = 60;
  /** A caller asking for more distinct national numbers than this within an hour goes to the hotline. */
  @Transform(toInt) @IsInt() @Min(1) @Max(1000) ABUSE_MAX_NUMBERS_PER_HOUR = 5;

  // --- What the service dials (docs/security.md, "Limits on what the service dials") ---
  /** Countries (ISO codes, comma-separated) whose numbers a cascade may hold: EU, EEA, CH, GB by default. */
  @IsString() ALLOWED_NUMBER_COUNTRIES = DEFAULT_ALLOWED_COUNTRIES.join(',');
  /** libphonenumber types a cascade number may be (premium-rate never). */
  @IsString() ALLOWED_NUMBER_TYPES = DEFAULT_ALLOWED_TYPES.join(',');
  /** Finder calls ringing or connected to one cascade at once; more go to the hotline. */
  @Transform(toInt) @IsInt() @Min(1) @Max(100) MAX_CALLS_PER_CASCADE = 2;
  /** Calls one caller number may have in a cascade at once; more go to the hotline. */
  @Transform(toInt) @IsInt() @Min(1) @Max(100) MAX_CALLS_PER_CALLER = 1;
  /** Parent legs dialled for one cascade in 24 hours; past it, its calls go to the hotline. */
  @Transform(toInt) @IsInt() @Min(1) @Max(10_000) MAX_LEGS_PER_CASCADE_PER_DAY = 50;
  /** Parent legs the whole service dials in 24 hours; past it, every call goes to the hotline. */
  @Transform(toInt) @IsInt() @Min(1) @Max(10_000_000) MAX_LEGS_PER_DAY = 10_000;

  // AES-256-GCM keys for the values that must be read back (contact codes, children's names).
  // No default: without it nothing personal can be stored. Keep retired keys listed (after the
  // current one) until `npm run ops -- keys reseal` has re-encrypted every row (docs/data.md).
  @IsString({ message: ENCRYPTION_KEYS_MESSAGE }) ENCRYPTION_KEYS!: string;
  /** The issuing authority posts batches of up to 10,000 cards (~2 MB of JSON). */
  @Transform(toInt) @IsInt() @Min(1_048_576, { message: 'HTTP_BODY_LIMIT_BYTES must be at least 1048576' }) @Max(67_108_864) HTTP_BODY_LIMIT_BYTES = 8_388_608;
  /** When the daily purge runs (cron syntax, in RETENTION_TIME_ZONE); one instance at a time. */
  @IsString() RETENTION_CRON = '17 3 * * *';
  /** The calendar the retention days are counted in (an IANA zone). */
  @IsString() RETENTION_TIME_ZONE = 'Europe/Brussels';
  /** Call and leg records older than this are deleted (operations only need recent ones). */
  @Transform(toInt) @IsInt() @Min(1) @Max(3650) CALL_RECORD_RETENTION_DAYS = 183;
  /** Rows per purge transaction: small enough that no look-up ever waits on it. */
  @Transform(toInt) @IsInt() @Min(100) @Max(50_000) RETENTION_BATCH_SIZE = 2000;
  /** Minutes between two sweeps of the notices to parents (docs/data.md, "Notices to parents"); 0: the app never sweeps (`npm run notices` from cron does). */
  @Transform(toInt) @IsInt({ message: 'NOTICES_SWEEP_MINUTES must be a whole number of minutes from 0 (off) to 1440' }) @Min(0, { message: 'NOTICES_SWEEP_MINUTES must be a whole number of minutes from 0 (off) to 1440' }) @Max(1440, { message: 'NOTICES_SWEEP_MINUTES must be a whole number of minutes from 0 (off) to 1440' }) NOTICES_SWEEP_MINUTES = 60;

  // --- The parents' portal ---
  /** The portal's address as parents reach it: links in e-mails point here. */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }, { message: 'PORTAL_PUBLIC_URL must be an http(s) URL such as https://allo-parents.example' })
  PORTAL_PUBLIC_URL = 'http://127.0.0.1:3000';
  /** auto: Secure cookies when the request came over https; always: behind a TLS-terminating proxy; never: local development only. */
  @IsIn(['auto', 'always', 'never']) PORTAL_COOKIE_SECURE = 'auto';
  /** Requests per minute and client address on registration, sign-in, password reset and linking a child. */
  @Transform(toInt) @IsInt() @Min(1) @Max(100_000) PORTAL_RATE_LIMIT_PER_MINUTE = 10;

  // --- Sign-in with OpenID Connect (optional: off while OIDC_ISSUER_URL is unset; see oidcProblems) ---
  /** The provider's issuer identifier; its /.well-known/openid-configuration is read from there. */
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }, { message: 'OIDC_ISSUER_URL must be an https URL such as https://login.example.gov' })
  OIDC_ISSUER_URL?: string;
  @IsOptional() @IsString() OIDC_CLIENT_ID?: string;
  @IsOptional() @IsString() OIDC_CLIENT_SECRET?: string;
  /** The button's label after "Sign in with", e.g. the federal login's name. */
  @IsOptional() @IsString() @MaxLength(60, { message: 'OIDC_DISPLAY_NAME must be at most 60 characters' }) OIDC_DISPLAY_NAME?: string;
  @Matches(/^([\x21\x23-\x5B\x5D-\x7E]+ )*[\x21\x23-\x5B\x5D-\x7E]+$/, { message: 'OIDC_SCOPES must be scope names separated by single spaces, such as "openid email"' })
  OIDC_SCOPES = 'openid email';
  // --- Mail to parents (verification, password reset). No SMTP server: mail is logged (development). ---
  /** smtp://user:password@host:587 (STARTTLS when offered) or smtps://… (TLS from the start, port 465); or the SMTP_HOST family below. */
  @IsOptional() @Matches(/^smtps?:\/\/[^\s/?#]+(:\d{1,5})?\/?$/, { message: 'SMTP_URL must look like smtp://user:password@mail.example:587 or smtps://mail.example' })
  SMTP_URL?: string;
  @IsOptional() @Matches(/^[A-Za-z0-9.:[\]-]+$/, { message: 'SMTP_HOST must be a host name or an IP address' }) SMTP_HOST?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(65535) SMTP_PORT?: number;
  @IsOptional() @IsString() SMTP_USER?: string;
  @IsOptional() @IsString() SMTP_PASSWORD?: string;
  /** true: TLS from the start (port 465); false: plain, upgraded with STARTTLS when offered. Default: true on port 465 only. */
  @IsOptional() @IsIn(['true', 'false'], { message: 'SMTP_SECURE must be true or false' }) SMTP_SECURE?: string;
  /** Plain SMTP (no TLS) is refused unless this says true: a server that does not offer STARTTLS fails the delivery. */
  @IsOptional() @IsIn(['true', 'false'], { message: 'SMTP_ALLOW_PLAINTEXT must be true or false' }) SMTP_ALLOW_PLAINTEXT?: string;
  /**
   * smtp: mail leaves over SMTP (needs SMTP_URL or SMTP_HOST); log: mail is only logged, on purpose.
   * Unset: SMTP when configured, else logged — except with NODE_ENV=production, which then refuses to start.
   */
  @IsOptional() @IsIn(['smtp', 'log'], { message: 'PORTAL_MAIL must be smtp or log' }) PORTAL_MAIL?: string;
  /** production: the app refuses a configuration that only suits development (mail that is only logged). */
  @IsOptional() @IsString() NODE_ENV?: string;
  /** Each SMTP phase (DNS, connection, greeting, every command) gives up after this; a whole delivery after three times it. */
  @Transform(toInt) @IsInt() @Min(1) @Max(120) SMTP_TIMEOUT_SECONDS = 10;
  /** The sender of every mail: an address, or a name and an address such as "Allo Parents <no-reply@allo-parents.example>". */
  @IsOptional() @IsString() MAIL_FROM?: string;

  // --- The operator (the data controller the privacy statement names; see operatorProblems) ---
  /** The organisation that runs this installation, e.g. "Ville de Bruxelles — service Prévention". */
  @IsOptional() @IsString() OPERATOR_NAME?: string;
  /** Where parents reach it about their data: an e-mail address or a postal address. */
  @IsOptional() @IsString() OPERATOR_CONTACT?: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Validates the environment once. Unknown variables are ignored; empty ones count as unset. */
export function validateEnvironment(env: NodeJS.ProcessEnv): EnvironmentVariables {
  const defined = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const vars = plainToInstance(EnvironmentVariables, defined, { exposeDefaultValues: true });
  const errors = validateSync(vars, { skipMissingProperties: false });
  const problems = errors.flatMap((e) =>
    Object.values(e.constraints ?? {}).map((msg) => (msg.startsWith(e.property) ? msg : `${e.property}: ${msg}`)),
  );
  if (vars.RTP_PORT_END <= vars.RTP_PORT_START) problems.push('RTP_PORT_END must be greater than RTP_PORT_START');
  if (typeof vars.DATABASE_URL === 'string' && /^postgres(ql)?:\/\//.test(vars.DATABASE_URL)) {
    try {
      parseDatabaseUrl(vars.DATABASE_URL);
    } catch (error) {
      problems.push(`${(error as Error).message}: name each host as host or host:port, separated by commas (a primary and its standbys)`);
    }
  }
  if (typeof vars.ENCRYPTION_KEYS === 'string' && !validEncryptionKeys(vars.ENCRYPTION_KEYS)) problems.push(ENCRYPTION_KEYS_MESSAGE);
  if (vars.PSEUDONYM_KEY_PREVIOUS !== undefined && vars.PSEUDONYM_KEY_PREVIOUS === vars.PSEUDONYM_KEY) problems.push('PSEUDONYM_KEY_PREVIOUS must be the key PSEUDONYM_KEY replaces, not the same key');
  if (!validateCronExpression(vars.RETENTION_CRON).valid) problems.push(`RETENTION_CRON must be a cron expression such as '17 3 * * *'`);
  if (!validTimeZone(vars.RETENTION_TIME_ZONE)) problems.push('RETENTION_TIME_ZONE must be an IANA time zone such as Europe/Brussels');
  if (vars.METRICS_PORT === vars.HTTP_PORT) problems.push('METRICS_PORT must differ from HTTP_PORT: the operators\' listener (/metrics, the API documentation) is never the public one');
  if (vars.PORTAL_COOKIE_SECURE === 'never' && typeof vars.PORTAL_PUBLIC_URL === 'string' && vars.PORTAL_PUBLIC_URL.startsWith('https:')) {
    problems.push('PORTAL_COOKIE_SECURE=never contradicts an https PORTAL_PUBLIC_URL: cookies are always Secure (and __Host-) there; use auto');
  }
  if (vars.TRUSTED_PROXIES !== undefined && trustedProxies(vars.TRUSTED_PROXIES) === null) {
    problems.push('TRUSTED_PROXIES must be IP addresses or CIDR ranges separated by commas, such as 127.0.0.1,10.0.0.0/8 (the reverse proxies in front of the app)');
  }
  problems.push(...oidcProblems(vars));
  problems.push(...mailProblems(vars));
  problems.push(...operatorProblems(vars));
  problems.push(...destinationProblems(vars));
  if (problems.length > 0) throw new ConfigError(problems);
  return vars;
}

/** TRUSTED_PROXIES as a list of addresses and CIDR ranges, or null when one of them is neither. */
export function trustedProxies(value: string): string[] | null {
  const items = value.split(',').map((item) => item.trim()).filter(Boolean);
  const valid = items.every((item) => {
    const [address, prefix, ...rest] = item.split('/');
    const version = isIP(address);
    if (version === 0 || rest.length > 0) return false;
    if (prefix === undefined) return true;
    return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
  });
  return valid ? items : null;
}

function validEncryptionKeys(value: string): boolean {
  const pairs = value.split(',');
  if (!pairs.every((pair) => ENCRYPTION_KEY_PATTERN.test(pair))) return false;
  const ids = pairs.map((pair) => pair.slice(0, pair.indexOf(':')));
  return new Set(ids).size === ids.length && pairs.every((pair) => Buffer.from(pair.slice(pair.indexOf(':') + 1), 'base64').length === 32);
}

const OIDC_CLIENT_VARIABLES = ['OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'OIDC_DISPLAY_NAME'] as const;

/**
 * OpenID Connect is on when OIDC_ISSUER_URL is set, and then needs the client's id, secret and
 * button label; half a configuration is a mistake to report, not a feature to switch off quietly.
 */
function oidcProblems(vars: EnvironmentVariables): string[] {
  const problems: string[] = [];
  if (!vars.OIDC_ISSUER_URL) {
    const set = OIDC_CLIENT_VARIABLES.filter((name) => vars[name] !== undefined);
    if (set.length > 0) problems.push(`OIDC_ISSUER_URL must be set when ${set.join(', ')} ${set.length > 1 ? 'are' : 'is'} (or unset them all: OpenID Connect sign-in is off without an issuer)`);
    return problems;
  }
  for (const name of OIDC_CLIENT_VARIABLES) if (vars[name] === undefined) problems.push(`${name} must be set when OIDC_ISSUER_URL is (OpenID Connect sign-in)`);
  if (URL.canParse(vars.OIDC_ISSUER_URL)) {
    const issuer = new URL(vars.OIDC_ISSUER_URL);
    // Plain http only for a provider on this machine (tests, development).
    if (issuer.protocol !== 'https:' && !['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname)) problems.push('OIDC_ISSUER_URL must be an https URL (http only on 127.0.0.1 or localhost)');
  }
  if (!vars.OIDC_SCOPES.split(' ').includes('openid')) problems.push('OIDC_SCOPES must include openid');
  return problems;
}

export const listOf = (value: string): string[] => value.split(',').map((item) => item.trim().toUpperCase()).filter(Boolean);

/** The allowed destinations: known country codes, known number types, never premium-rate. */
function destinationProblems(vars: EnvironmentVariables): string[] {
  const problems: string[] = [];
  if (typeof vars.ALLOWED_NUMBER_COUNTRIES === 'string') {
    const countries = listOf(vars.ALLOWED_NUMBER_COUNTRIES);
    const unknown = unknownCountries(countries);
    if (countries.length === 0 || unknown.length > 0) {
      problems.push(`ALLOWED_NUMBER_COUNTRIES must be two-letter country codes separated by commas, such as BE,NL,FR,DE,LU${unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''}`);
    }
  }
  if (typeof vars.ALLOWED_NUMBER_TYPES === 'string') {
    const types = listOf(vars.ALLOWED_NUMBER_TYPES);
    if (types.length === 0 || !types.every(isAllowableNumberType)) {
      problems.push(`ALLOWED_NUMBER_TYPES must be number types separated by commas, among ${ALLOWABLE_NUMBER_TYPES.join(', ')} (premium-rate is never allowed)`);
    }
  }
  return problems;
}

/** The SMTP variables that only make sense together. */
function mailProblems(vars: EnvironmentVariables): string[] {
  const problems: string[] = [];
  if (vars.SMTP_URL && (vars.SMTP_HOST || vars.SMTP_PORT || vars.SMTP_USER || vars.SMTP_PASSWORD || vars.SMTP_SECURE)) {
    problems.push('SMTP_URL already says where and how to connect: leave SMTP_HOST, SMTP_PORT, SMTP_USER, SMTP_PASSWORD and SMTP_SECURE unset');
  }
  if (!vars.SMTP_URL && !vars.SMTP_HOST && (vars.SMTP_PORT || vars.SMTP_USER || vars.SMTP_PASSWORD || vars.SMTP_SECURE)) {
    problems.push('SMTP_HOST is missing: SMTP_PORT, SMTP_USER, SMTP_PASSWORD and SMTP_SECURE need it');
  }
  const smtp = Boolean(vars.SMTP_URL || vars.SMTP_HOST);
  if (vars.PORTAL_MAIL === 'smtp' && !smtp) problems.push('PORTAL_MAIL=smtp needs SMTP_URL or SMTP_HOST: where mail leaves');
  if (vars.PORTAL_MAIL === 'log' && smtp) problems.push('PORTAL_MAIL=log only logs mail: unset SMTP_URL and SMTP_HOST, or PORTAL_MAIL');
  if (vars.NODE_ENV === 'production' && !smtp && vars.PORTAL_MAIL !== 'log') {
    problems.push('SMTP_URL or SMTP_HOST is required with NODE_ENV=production: without SMTP, verification and reset links would only be logged (set PORTAL_MAIL=log to do that on purpose)');
  }
  if (vars.SMTP_ALLOW_PLAINTEXT !== undefined && !smtp) problems.push('SMTP_ALLOW_PLAINTEXT needs SMTP_URL or SMTP_HOST');
  if (typeof vars.SMTP_URL === 'string' && !parsesAsUrl(vars.SMTP_URL)) problems.push('SMTP_URL is not a valid URL (percent-encode special characters of the user and password)');
  if (Boolean(vars.SMTP_USER) !== Boolean(vars.SMTP_PASSWORD)) problems.push('SMTP_USER and SMTP_PASSWORD go together: set both or neither');
  if ((vars.SMTP_URL || vars.SMTP_HOST) && !vars.MAIL_FROM) problems.push('MAIL_FROM is required with SMTP: the sender address, e.g. "Allo Parents <no-reply@allo-parents.example>"');
  if (vars.MAIL_FROM && !isEmail(senderAddress(vars.MAIL_FROM))) {
    problems.push('MAIL_FROM must be an address or a name and an address, e.g. "Allo Parents <no-reply@allo-parents.example>"');
  }
  return problems;
}

/** Printable text with no markup or template braces: it is shown to parents inside the statement. */
const PLAIN_TEXT = /^[^\p{Cc}<>{}]+$/u;
const OPERATOR_CONTACT_MESSAGE =
  'OPERATOR_CONTACT must be an e-mail address (privacy@operator.example) or a postal address with its postcode (Rue de la Loi 16, 1000 Brussels), at most 200 characters';

/**
 * The privacy statement names the data controller and how to reach it (GDPR art. 13) from these
 * two; one without the other would leave parents with a name they cannot write to, or the reverse.
 */
function operatorProblems(vars: EnvironmentVariables): string[] {
  const problems: string[] = [];
  const name = vars.OPERATOR_NAME?.trim();
  const contact = vars.OPERATOR_CONTACT?.trim();
  if (Boolean(name) !== Boolean(contact)) problems.push('OPERATOR_NAME and OPERATOR_CONTACT go together: set both (the privacy statement names the operator and how to reach it) or neither');
  if (name !== undefined && (name.length < 2 || name.length > 120 || !PLAIN_TEXT.test(name))) {
    problems.push('OPERATOR_NAME must be the operator\'s name, 2 to 120 characters, without <, >, { or } or line breaks');
  }
  if (contact !== undefined && !validOperatorContact(contact)) problems.push(OPERATOR_CONTACT_MESSAGE);
  return problems;
}

/** An e-mail address, or a postal address: letters and a digit (street number, postcode). */
export function validOperatorContact(contact: string): boolean {
  if (contact.length > 200 || !PLAIN_TEXT.test(contact)) return false;
  if (contact.includes('@') && !/\s/.test(contact)) return isEmail(contact);
  return contact.length >= 10 && /\p{L}/u.test(contact) && /\d/.test(contact) && !contact.includes('@');
}

function parsesAsUrl(value: string): boolean {
  try {
    const url = new URL(value);
    decodeURIComponent(url.username);
    decodeURIComponent(url.password);
    return url.hostname !== '';
  } catch {
    return false;
  }
}

/** The address in `name <address>` or a bare address. */
export function senderAddress(from: string): string {
  const match = /^[^<>]*<([^<>]+)>$/.exec(from.trim());
  return (match ? match[1] : from).trim();
}

function validTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
