// API keys: the list (never a hash, never an upstream key: the API has neither to give), create,
// rotate and revoke. A user has one active key; creating or rotating replaces it.
import { api } from '../api.js';
import { confirmDialog, keyDialog } from '../dialog.js';
import { $, el, fill, say } from '../dom.js';
import { utcTime } from '../format.js';
import { frame, start } from '../layout.js';

const status = () => $('#keys-status');

async function load() {
  const { keys } = await api('/keys').catch((e) => (e.status === 404 ? { keys: [] } : Promise.reject(e)));
  const active = keys.find((k) => k.status === 'active');
  $('#create-key').textContent = active ? 'Create a new key (replaces the active one)' : 'Create API key';
  $('#keys-empty').hidden = keys.length > 0;
  $('#keys-table').hidden = keys.length === 0;
  fill($('#keys-body'), keys.map((k) => el('tr', { dataset: { keyId: k.id } },
    el('td', { class: 'mono' }, `••••${k.key_display}`),
    el('td', {}, k.name),
    el('td', {}, utcTime(k.created_at)),
    el('td', {}, k.last_used_at ? utcTime(k.last_used_at) : 'Never'),
    el('td', {}, el('span', { class: `badge badge-${k.status}` }, k.status)),
    el('td', { class: 'actions' }, k.status === 'active' ? [
      el('button', { type: 'button', class: 'button-quiet', onclick: () => rotate(k),
        'aria-label': `Rotate key ending ${k.key_display}` }, 'Rotate'),
      el('button', { type: 'button', class: 'button-danger-quiet', onclick: () => revoke(k),
        'aria-label': `Revoke key ending ${k.key_display}` }, 'Revoke'),
    ] : '—'))));
}

async function create() {
  try {
    const r = await api('/api/provision', { method: 'POST' });
    await load();
    await keyDialog(r.dextoApiKey, {
      note: r.isNewKey ? 'Use it as DEXTO_API_KEY.' : 'It replaces your previous key, which no longer works.',
    });
    say(status(), 'Key created.', 'success');
  } catch (e) {
    say(status(), e.message, 'error');
  }
}

async function rotate(key) {
  const ok = await confirmDialog({
    title: 'Rotate this key?',
    message: `A new key replaces ••••${key.key_display} at once; programs using the old key will be refused.`,
    confirmLabel: 'Rotate key',
  });
  if (!ok) return;
  try {
    const r = await api('/keys/rotate', { method: 'POST' });
    await load();
    await keyDialog(r.dextoApiKey, { title: 'Your rotated API key', note: `••••${key.key_display} no longer works.` });
    say(status(), 'Key rotated.', 'success');
  } catch (e) {
    say(status(), e.message, 'error');
  }
}

async function revoke(key) {
  const ok = await confirmDialog({
    title: 'Revoke this key?',
    message: `••••${key.key_display} stops working within a second, everywhere. This cannot be undone.`,
    confirmLabel: 'Revoke key',
    danger: true,
  });
  if (!ok) return;
  try {
    await api(`/keys/${encodeURIComponent(key.id)}`, { method: 'DELETE' });
    await load();
    say(status(), `Key ••••${key.key_display} revoked.`, 'success');
  } catch (e) {
    say(status(), e.message, 'error');
  }
}

start(async () => {
  if (!(await frame())) return;
  if (new URLSearchParams(window.location.search).has('welcome')) {
    say(status(), 'Welcome! Create your API key to start; new accounts get free intro credit.', 'success');
  }
  $('#create-key').addEventListener('click', create);
  await load();
});
