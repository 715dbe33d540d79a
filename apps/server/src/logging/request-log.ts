import type { Options } from 'pino-http';
import { redactPaths } from './redaction';

/** A request as pino's standard serializer hands it over. */
interface SerializedRequest {
  id?: unknown;
  method?: string;
  url?: string;
}

/**
 * What the request log records of a request: its id, method and path. Never the query string (a
 * provider's authorisation code, anything a client puts there) and never a header (cookies, the
 * X-CSRF-Token, authorisation).
 */
export function requestLogEntry(request: SerializedRequest): { id: unknown; method: string | undefined; path: string } {
  const url = request.url ?? '';
  const query = url.indexOf('?');
  return { id: request.id, method: request.method, path: query === -1 ? url : url.slice(0, query) };
}

/** pino-http's options of the app's request log (AppModule). */
export function requestLogOptions(level: string): Options {
  return {
    level,
    redact: { paths: redactPaths, censor: '[redacted]' },
    serializers: { req: requestLogEntry },
  };
}
