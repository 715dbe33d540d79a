import 'reflect-metadata';
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsIP,
  IsNumber,
  IsNotEmpty,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
const toNumber = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;

/** SERVICE_NUMBERS: "3278150000:fr,3278150001:nl" — the DID a finder dialled picks the language. */
const SERVICE_NUMBERS_PATTERN = /^\d{3,15}:(fr|nl|de|en)(,\d{3,15}:(fr|nl|de|en))*$/;

/**
 * Every environment variable the service reads, with its default and its rule.
 * This is the only place that knows variable names; the rest of the app sees AppConfig.
 */
export class EnvironmentVariables {
  @IsIP() HTTP_HOST = '127.0.0.1';
  @Transform(toInt) @IsInt() @Min(1) @Max(65535) HTTP_PORT = 3000;
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) LOG_LEVEL = 'info';

  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL = 'postgres://alloparents@127.0.0.1:5432/alloparents';

  @IsUrl({ require_tld: false, protocols: ['http', 'https'] }) ARI_URL = 'http://127.0.0.1:8088';
  @IsString() @IsNotEmpty() ARI_USERNAME = 'alloparents';
  // No default: a guessable ARI password gives anyone on the host control of every call.
  @IsString() @MinLength(12, { message: 'ARI_PASSWORD must be at least 12 characters' }) ARI_PASSWORD!: string;
  @Matches(/^[A-Za-z0-9_-]+$/) ARI_APP = 'alloparents';

  @IsIP() SIP_BIND_ADDRESS = '127.0.0.1';
  @Transform(toInt) @IsInt() @Min(1) @Max(65535) SIP_PORT = 5060;
  @Matches(/^sips?:[^\s]+$/, { message: 'SIP_TRUNK_URI must be a sip: URI such as sip:192.0.2.10:5060' })
  SIP_TRUNK_URI = 'sip:127.0.0.1:5080';
  @Transform(toInt) @IsInt() @Min(1024) @Max(65535) RTP_PORT_START = 10000;
  @Transform(toInt) @IsInt() @Min(1024) @Max(65535) RTP_PORT_END = 10999;

  @Matches(/^\d{3,15}$/, { message: 'SERVICE_NUMBER must be 3 to 15 digits (E.164 without +)' })
  SERVICE_NUMBER = '3278150000';
  @Matches(/^\+?\d{3,15}$/, { message: 'HOTLINE_NUMBER must be 3 to 15 digits' })
  HOTLINE_NUMBER = '116000';

  // Keyed hash (HMAC-SHA-256) for national numbers and caller numbers at rest: 32+ random bytes,
  // base64. Changing it makes every stored hash unfindable.
  @Matches(/^[A-Za-z0-9+/]{43,}={0,2}$/, { message: 'PSEUDONYM_KEY must be at least 32 random bytes in base64 (openssl rand -base64 32)' })
  PSEUDONYM_KEY!: string;

  @Matches(SERVICE_NUMBERS_PATTERN, { message: 'SERVICE_NUMBERS must look like 3278150000:fr,3278150001:nl' })
  SERVICE_NUMBERS = '3278150000:fr';
  @IsIn(['fr', 'nl', 'de', 'en']) DEFAULT_LANGUAGE = 'fr';

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
  /** A caller asking for more distinct national numbers than this within an hour goes to the hotline. */
  @Transform(toInt) @IsInt() @Min(1) @Max(1000) ABUSE_MAX_NUMBERS_PER_HOUR = 5;
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
  if (problems.length > 0) throw new ConfigError(problems);
  return vars;
}
