import type { AriChannel } from './ari-events';

/**
 * ARI's REST side over fetch: every request has a timeout and failures keep their HTTP status
 * (ari-client's REST layer has neither; it still carries the websocket).
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

export class AriRest {
  private readonly authorization: string;

  constructor(
    private readonly baseUrl: string,
    username: string,
    password: string,
    private readonly timeoutMs = 3000,
  ) {
    this.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }

  async request<T = unknown>(method: 'GET' | 'POST' | 'DELETE', path: string, query: Record<string, string | number | undefined> = {}, body?: unknown): Promise<T> {
    const url = new URL(`/ari${path}`, this.baseUrl);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    const operation = `${method} ${path.replace(/\/[^/]*[0-9a-f]{8}[^/]*/g, '/{id}')}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: { authorization: this.authorization, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new AriHttpError(0, operation, (error as Error).message);
    }
    const text = await response.text();
    if (!response.ok) throw new AriHttpError(response.status, operation, text.slice(0, 200));
    return (text ? JSON.parse(text) : undefined) as T;
  }
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
