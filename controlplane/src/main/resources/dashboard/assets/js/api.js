// Calls to the Dexto API with the session token in the Authorization header (never a cookie).
import { apiBase } from './config.js';
import { accessToken, clearSession } from './session.js';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Sends the browser to sign in, coming back here afterwards. */
export function toLogin() {
  const next = window.location.pathname + window.location.search;
  window.location.assign(`/login?next=${encodeURIComponent(next)}`);
}

async function failure(r) {
  const body = await r.json().catch(() => null);
  const e = body && body.error;
  return new ApiError(r.status, e?.code || '', e?.message || `The API answered ${r.status}.`);
}

/** JSON of an authenticated call; {raw: true} returns the Response (downloads). */
export async function api(path, { method = 'GET', body, raw = false } = {}) {
  const token = await accessToken();
  if (!token) {
    toLogin();
    throw new ApiError(401, 'unauthorized', 'Please sign in.');
  }
  const headers = { Authorization: `Bearer ${token}`, Accept: raw ? '*/*' : 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const r = await fetch((await apiBase()) + path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (r.status === 401) {
    clearSession();
    toLogin();
    throw await failure(r);
  }
  if (!r.ok) throw await failure(r);
  return raw ? r : r.json();
}

/** JSON of a public call (no token). */
export async function publicApi(path) {
  const r = await fetch((await apiBase()) + path, { headers: { Accept: 'application/json' } });
  if (!r.ok) throw await failure(r);
  return r.json();
}
