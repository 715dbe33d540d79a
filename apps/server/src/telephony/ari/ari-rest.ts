import { Pool, errors as undiciErrors } from 'undici';
import type { AriChannel } from './ari-events';

/**
 * ARI's REST side: every request has a deadline and failures keep their HTTP status (ari-client's
 * REST layer has neither; it still carries the websocket).
 *
 * Requests share a bounded pool of keep-alive connections. Asterisk's HTTP server holds a
 * thread per session and refuses connections past `sessionlimit` (http.conf), so opening one
 * connection per request fails under a burst of callers ("HTTP session count exceeded"): here a
 * burst waits in the pool's queue instead, and the queue wait counts against the request's
 * deadline. A request that could not be sent (no connection, or a kept-alive connection that
 * Asterisk closed under it) is tried again while its deadline allows. Urgent requests (bridging a
 * parent who pressed 1) have connections of their own, so they never queue behind the rest.
 */
export class AriHttpError extends Error {
  constructor(
    readonly status: number,
    readonly operation: string,
    detail: string,
  ) {
    super(`ARI ${operation} failed with ${status}: ${detail}`);
    this.name = 'AriHttpError';
  }
}

/** The one place that decides "that channel / playback / bridge is already gone". */
export function isGone(error: unknown): boolean {
  return error instanceof AriHttpError && error.status === 404;
}

/**
 * How long Asterisk keeps an idle persistent connection (http.conf `session_keep_alive`, rendered
 * from this value). The pool lets its idle connections go well before, so it never writes a
 * request into a connection Asterisk is closing.
 */
export const ARI_SERVER_KEEP_ALIVE_MS = 15_000;
const CLIENT_KEEP_ALIVE_MS = 10_000;

/**
 * Sessions Asterisk allows beyond the pool (http.conf `sessionlimit` = pool + this): the app's
 * websocket, a second one while a connection is replaced, ari-client loading the API description
 * when it connects, and an operator's own requests.
 */
export const ARI_SESSION_HEADROOM = 16;

/** Connections kept for urgent requests, beyond the pool's (http.conf `sessionlimit` counts them too). */
export const ARI_URGENT_CONNECTIONS = 2;

export interface AriRestOptions {
  url: string;
  username: string;
  password: string;
  /** Connections held open to Asterisk at most; more requests wait in the queue. */
  connections: number;
  /** Whole life of one request, queue wait and retries included. */
  timeoutMs?: number;
}

/** Observes the pool (metrics); every method is optional. */
export interface AriRestObserver {
  retried?(operation: string, code: string): void;
  failed?(operation: string, status: number): void;
  /** Each request's whole time (queue wait and retries included), answered or not. */
  timed?(operation: string, seconds: number): void;
}

type Method = 'GET' | 'POST' | 'DELETE';
type Query = Record<string, string | number | undefined>;

/**
 * Errors that prove the request never reached Asterisk: safe to send again whatever it does.
 * (A connection reset after the request was written is not here: a POST such as originate may
 * have been carried out.)
 */
const NOT_SENT = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'EADDRNOTAVAIL', 'ENETUNREACH', 'EHOSTUNREACH']);
/** Also retried for requests that change nothing or are idempotent (GET, DELETE). */
const MAYBE_SENT = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

const RETRY_PAUSES_MS = [25, 50, 100, 200, 400];

export class AriRest {
  private readonly authorization: string;
  private readonly pool: Pool;
  private readonly urgentPool: Pool;
  private readonly timeoutMs: number;
  private readonly prefix: string;

  constructor(
    options: AriRestOptions,
    private readonly observer: AriRestObserver = {},
  ) {
    this.authorization = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`;
    this.timeoutMs = options.timeoutMs ?? 3000;
    const base = new URL(options.url);
    this.prefix = `${base.pathname.replace(/\/$/, '')}/ari`;
    const pool = (connections: number) =>
      new Pool(base.origin, { connections, pipelining: 1, keepAliveTimeout: CLIENT_KEEP_ALIVE_MS, keepAliveMaxTimeout: CLIENT_KEEP_ALIVE_MS, connect: { timeout: 1000 } });
    this.pool = pool(options.connections);
    this.urgentPool = pool(ARI_URGENT_CONNECTIONS);
  }

  /**
   * `timeoutMs` replaces the pool's deadline for a request worth waiting longer for; `urgent`
   * sends it on the urgent connections (a parent waiting to be bridged).
   */
  async request<T = unknown>(method: Method, path: string, query: Query = {}, body?: unknown, options: { timeoutMs?: number; urgent?: boolean } = {}): Promise<T> {
    const operation = `${method} ${path.replace(/\/[^/]*[0-9a-f]{8}[^/]*/g, '/{id}')}`;
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const signal = AbortSignal.timeout(timeoutMs);
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) search.set(k, String(v));
    const target = `${this.prefix}${path}${search.size ? `?${search}` : ''}`;
    const payload = body ? JSON.stringify(body) : undefined;
    const started = performance.now();
    try {
      return await this.send<T>(options.urgent ? this.urgentPool : this.pool, method, operation, target, payload, signal, timeoutMs);
    } finally {
      this.observer.timed?.(operation, (performance.now() - started) / 1000);
    }
  }

  /** Requests waiting for a free connection, and requests in flight (for the metrics). */
  get load(): { queued: number; running: number } {
    const { queued, running } = this.pool.stats;
    return { queued, running };
  }

  private async send<T>(pool: Pool, method: Method, operation: string, target: string, payload: string | undefined, signal: AbortSignal, timeoutMs: number): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await pool.request({
          method,
          path: target,
          headers: { authorization: this.authorization, ...(payload ? { 'content-type': 'application/json' } : {}) },
          body: payload,
          signal,
        });
        const text = await response.body.text();
        if (response.statusCode >= 400) {
          this.observer.failed?.(operation, response.statusCode);
          throw new AriHttpError(response.statusCode, operation, text.slice(0, 200));
        }
        return (text ? JSON.parse(text) : undefined) as T;
      } catch (error) {
        if (error instanceof AriHttpError) throw error;
        const code = errorCode(error);
        const pause = RETRY_PAUSES_MS[Math.min(attempt, RETRY_PAUSES_MS.length - 1)];
        const retryable = NOT_SENT.has(code) || (method !== 'POST' && MAYBE_SENT.has(code));
        if (!retryable || signal.aborted || !(await pauseUnlessAborted(pause, signal))) {
          this.observer.failed?.(operation, 0);
          throw new AriHttpError(0, operation, signal.aborted ? `no answer within ${timeoutMs} ms` : `${code}: ${(error as Error).message}`);
        }
        this.observer.retried?.(operation, code);
      }
    }
  }

  /** Closes the pool's connections once the requests in flight are done. */
  async close(): Promise<void> {
    await Promise.all([this.pool.close(), this.urgentPool.close()]);
  }
}

function errorCode(error: unknown): string {
  if (error instanceof undiciErrors.UndiciError) return error.code;
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' ? code : 'UNKNOWN';
}

/** Waits ms; false if the deadline passes first. */
function pauseUnlessAborted(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** A channel in our Stasis app and the arguments it entered with (the first is its role: finder, leg, notice...). */
export interface AppChannel {
  id: string;
  args: string[];
}

/**
 * The channels Asterisk currently has in Stasis application `app` (read from each channel's
 * dialplan position, so channels left by a previous process are listed too). Rejects when ARI
 * cannot list them.
 */
export async function channelsInApp(rest: AriRest, app: string): Promise<AppChannel[]> {
  const channels = await rest.request<AriChannel[]>('GET', '/channels');
  const prefix = `${app},`;
  return channels.flatMap((channel) => {
    const data = channel.dialplan?.app_name === 'Stasis' ? channel.dialplan.app_data ?? '' : '';
    return data.startsWith(prefix) ? [{ id: channel.id, args: data.slice(prefix.length).split(',') }] : [];
  });
}

/**
 * channelsInApp as both owners use it right after a (re)connection: a listing that fails is
 * logged and read as "none" (the next connection lists again), so a rescue never throws.
 */
export function channelsInAppAfterConnect(rest: AriRest, app: string, log: { warn(fields: Record<string, unknown>, message: string): void }): Promise<AppChannel[]> {
  return channelsInApp(rest, app).catch((error: Error): AppChannel[] => {
    log.warn({ reason: error.message }, 'could not list channels after connecting');
    return [];
  });
}
