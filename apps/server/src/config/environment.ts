import 'reflect-metadata';
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsIP,
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
