import { EventEmitter } from 'node:events';
import * as ari from 'ari-client';

export type AriState = 'connecting' | 'up' | 'down';

export interface AriConnectionOptions {
  url: string;
  username: string;
  password: string;
  app: string;
  /** Delay before reconnection attempt n (0-based). */
  backoffMs?: (attempt: number) => number;
  /** A websocket that answers no ping for this long is considered dead. */
  pingTimeoutMs?: number;
  /** An attempt (API description + websocket + registration) that has not finished by then is abandoned and retried. */
  connectTimeoutMs?: number;
}

export interface AriConnectionLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

/** 0.5 s, 1 s, 2 s ... capped at 10 s, with jitter so a fleet does not reconnect in step. */
export const defaultBackoff = (attempt: number): number =>
  Math.min(10_000, 500 * 2 ** Math.min(attempt, 5)) * (0.8 + Math.random() * 0.4);

/**
 * Keeps the app connected to Asterisk's ARI for as long as the process lives.
 *
 * ari-client reconnects a dropped websocket by itself but gives up after ten tries, and cannot
 * connect at all while Asterisk is down (it loads the API description over HTTP first). This
 * wrapper rebuilds the client from scratch, forever, with capped backoff, and publishes one
 * state: `up` only while the Stasis app is registered (the websocket is open).
 *
 * Events: 'state' (AriState), 'connected' (ari.Client; after every (re)registration, so the
 * caller can deal with channels left in the app), 'event' (raw ARI event, ari.Client).
 */
export class AriConnection extends EventEmitter {
  private current: ari.Client | undefined;
  private stateValue: AriState = 'down';
  private stopped = true;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private lastPong = 0;
  private connectTimer: NodeJS.Timeout | undefined;
  /** The attempt in progress; an abandoned one finds itself replaced and stands down. */
  private currentAttempt: object | undefined;

  constructor(
    private readonly options: AriConnectionOptions,
    private readonly log: AriConnectionLog,
  ) {
    super();
  }

  get state(): AriState {
    return this.stateValue;
  }

  /** The live client, or undefined while disconnected. */
  get client(): ari.Client | undefined {
    return this.stateValue === 'up' ? this.current : undefined;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.connectTimer);
    this.currentAttempt = undefined;
    this.discard();
    this.setState('down');
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    this.setState('connecting');
    // An HTTP server that accepts but never answers would hold ari-client for the socket's own
    // timeout (seen: 40 s): give up sooner and start a fresh attempt.
    const attempt = {};
    this.currentAttempt = attempt;
    const timeoutMs = this.options.connectTimeoutMs ?? 10_000;
    clearTimeout(this.connectTimer);
    this.connectTimer = setTimeout(() => {
      if (this.currentAttempt !== attempt || this.stopped) return;
      this.currentAttempt = undefined;
      this.discard();
      this.scheduleRetry(`no answer within ${timeoutMs} ms`);
    }, timeoutMs);
    let client: ari.Client | undefined;
    try {
      client = await ari.connect(this.options.url, this.options.username, this.options.password);
      if (this.stopped || this.currentAttempt !== attempt) {
        stopQuietly(client);
        return;
      }
      this.current = client;
      const events = client as unknown as EventEmitter;
      events.on('*', (event: { type: string }, resources: unknown) => this.emit('event', event, resources));
      events.on('WebSocketConnected', () => this.onRegistered(client!));
      events.on('WebSocketReconnecting', () => this.setState('connecting'));
      // ari-client gave up: start over with a fresh client.
      events.on('WebSocketMaxRetries', () => this.lost(client!, 'websocket retries exhausted'));
      events.on('APILoadError', () => this.lost(client!, 'API description could not be loaded'));
      // subscribeAll: the app also sees the events of legs it originates into the dialplan
      // (ringing, busy) before they enter Stasis.
      await client.start(this.options.app, true);
      if (this.currentAttempt !== attempt) {
        stopQuietly(client);
        return;
      }
      this.onRegistered(client);
    } catch (error) {
      if (this.currentAttempt !== attempt) return; // abandoned already: its retry is scheduled
      if (client) this.lost(client, describe(error));
      else this.scheduleRetry(describe(error));
    } finally {
      if (this.currentAttempt === attempt) {
        clearTimeout(this.connectTimer);
        this.currentAttempt = undefined;
      }
    }
  }

  private onRegistered(client: ari.Client): void {
    if (client !== this.current || this.stopped) return;
    const wasUp = this.stateValue === 'up';
    this.attempt = 0;
    this.setState('up');
    this.watchPongs(client);
    if (!wasUp) this.emit('connected', client);
  }

  private lost(client: ari.Client, reason: string): void {
    if (client !== this.current) return;
    this.discard();
    this.scheduleRetry(reason);
  }

  private scheduleRetry(reason: string): void {
    if (this.stopped) return;
    this.setState('down', reason);
    const backoff = this.options.backoffMs ?? defaultBackoff;
    const delay = Math.round(backoff(this.attempt++));
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.connect(), delay);
  }

  /** A half-open TCP connection never closes by itself: ping, and drop it if Asterisk is silent. */
  private watchPongs(client: ari.Client): void {
    clearInterval(this.pingTimer);
    const timeout = this.options.pingTimeoutMs ?? 10_000;
    this.lastPong = Date.now();
    const events = client as unknown as EventEmitter;
    events.removeAllListeners('pong');
    events.on('pong', () => (this.lastPong = Date.now()));
    this.pingTimer = setInterval(() => {
      if (Date.now() - this.lastPong > timeout) {
        this.lost(client, `no answer to websocket pings for ${timeout} ms`);
        return;
      }
      try {
        client.ping();
      } catch {
        /* a closing socket: the close handler reconnects */
      }
    }, Math.max(250, Math.floor(timeout / 3)));
    this.pingTimer.unref();
  }

  private discard(): void {
    clearInterval(this.pingTimer);
    const client = this.current;
    this.current = undefined;
    if (!client) return;
    stopQuietly(client);
  }

  private setState(state: AriState, reason?: string): void {
    if (state === this.stateValue) return;
    const from = this.stateValue;
    this.stateValue = state;
    const fields = { ari: state, from, ...(reason ? { reason } : {}) };
    if (state === 'down') this.log.warn(fields, 'ARI connection down');
    else this.log.info(fields, state === 'up' ? `ARI connected, Stasis app '${this.options.app}' registered` : 'ARI connecting');
    this.emit('state', state);
  }
}

/** What stopQuietly() reaches into: ari-client's own websocket field. */
type ClientInternals = EventEmitter & { stop(): void; _ws?: ClientSocket };
type ClientSocket = { on(event: 'error', listener: () => void): unknown; terminate(): void };

/**
 * Closes a client's websocket and forgets its listeners; one that never opened has nothing to close.
 *
 * ari-client may already have a reconnection scheduled (its back-off timer cannot be cancelled),
 * and it opens that websocket even after stop(): a dropped client would then register the Stasis
 * app again behind our back, and Asterisk would send the calls' events to it instead of to the
 * live connection. So any websocket it opens from now on is closed at once (the close ends
 * ari-client's retries, the client being stopped).
 */
function stopQuietly(client: ari.Client): void {
  const internals = client as unknown as ClientInternals;
  internals.removeAllListeners();
  try {
    internals.stop();
  } catch {
    /* never opened */
  }
  let socket = internals._ws;
  Object.defineProperty(internals, '_ws', {
    configurable: true,
    get: () => socket,
    set: (next: ClientSocket) => {
      socket = next;
      // The abort's error is emitted at once, before ari-client listens: unheard, it would throw.
      next.on('error', () => undefined);
      next.terminate();
    },
  });
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
