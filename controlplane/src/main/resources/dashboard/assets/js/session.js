// Supabase Auth over its REST API (/signup, /token, /user, /logout). The session lives in
// sessionStorage only: it ends with the tab, and signing out clears it. No cookies anywhere.
import { config } from './config.js';

const STORE = 'dexto.session';
const REFRESH_MARGIN_SECONDS = 30;

export class AuthError extends Error {}

function now() {
  return Math.floor(Date.now() / 1000);
}

function read() {
  try {
    return JSON.parse(window.sessionStorage.getItem(STORE));
  } catch {
    return null;
  }
}

function save(s) {
  const session = {
    access_token: s.access_token,
    refresh_token: s.refresh_token,
    expires_at: s.expires_at || now() + (s.expires_in || 3600),
    user: s.user ? { id: s.user.id, email: s.user.email, created_at: s.user.created_at } : null,
  };
  window.sessionStorage.setItem(STORE, JSON.stringify(session));
  return session;
}

export function clearSession() {
  window.sessionStorage.removeItem(STORE);
}

function messageOf(body, status) {
  if (body && typeof body === 'object') {
    const text = body.msg || body.error_description || body.message || body.error?.message;
    if (typeof text === 'string' && text) return text;
  }
  return `The sign-in service answered ${status}.`;
}

async function auth(path, { method = 'POST', body, token } = {}) {
  const c = await config();
  const headers = { Accept: 'application/json' };
  if (body) headers['Content-Type'] = 'application/json';
  if (c.authAnonKey) headers.apikey = c.authAnonKey;
  if (token) headers.Authorization = `Bearer ${token}`;
  const r = await fetch(c.authUrl + path, { method, headers, body: body ? JSON.stringify(body) : undefined });
  // read the whole body (even a 204's) so the request is finished before the page moves on
  const text = await r.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!r.ok) throw new AuthError(messageOf(data, r.status));
  return data;
}

/** Signs up; returns the session, or null when the project asks the user to confirm the email first. */
export async function signUp(email, password) {
  const data = await auth('/signup', { body: { email, password } });
  return data && data.access_token ? save(data) : null;
}

export async function signIn(email, password) {
  return save(await auth('/token?grant_type=password', { body: { email, password } }));
}

/** A valid access token (refreshed when it is about to expire), or null when signed out. */
export async function accessToken() {
  const s = read();
  if (!s || !s.access_token) return null;
  if (s.expires_at - REFRESH_MARGIN_SECONDS > now()) return s.access_token;
  try {
    const refreshed = await auth('/token?grant_type=refresh_token', { body: { refresh_token: s.refresh_token } });
    return save({ ...refreshed, user: refreshed.user || s.user }).access_token;
  } catch {
    clearSession();
    return null;
  }
}

export function signedInUser() {
  return read()?.user || null;
}

/** The user as Supabase Auth knows them now (email, created_at, …). */
export async function currentUser() {
  const token = await accessToken();
  if (!token) return null;
  return auth('/user', { method: 'GET', token });
}

export async function signOut() {
  const s = read();
  clearSession();
  if (s?.access_token) {
    await auth('/logout', { token: s.access_token }).catch(() => {});
  }
}
