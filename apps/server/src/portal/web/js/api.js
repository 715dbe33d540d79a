// The portal API client: same-origin JSON, cookies sent by the browser, and every POST/PUT/DELETE
// echoes the CSRF cookie in X-CSRF-Token (ap_csrf; __Host-ap_csrf when the portal is https). Signed
// in, its value is bound to the session: sign-in sets a new one, read here at each request.
import { t } from './i18n.js';

function csrfCookie() {
  for (const part of document.cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === 'ap_csrf' || name === '__Host-ap_csrf') return decodeURIComponent(rest.join('='));
  }
  return null;
}

export async function ensureCsrf() {
  if (!csrfCookie()) await fetch('/api/v1/auth/csrf', { credentials: 'same-origin' });
}

/** A refused request: `status` (0: no answer from the server) and the API's error body. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.body = body ?? {};
  }
}

/** One API call (`path` under /api/v1): the parsed answer, or an ApiError. */
export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') {
    await ensureCsrf();
    headers['X-CSRF-Token'] = csrfCookie() ?? '';
  }
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(`/api/v1${path}`, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, { message: t('error.network') });
  }
  const text = await response.text();
  let parsed;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) throw new ApiError(response.status, parsed);
  return parsed;
}
