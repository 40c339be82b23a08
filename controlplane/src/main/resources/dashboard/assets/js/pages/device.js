// Device login (RFC 8628) for `dexto login`: the signed-in user sees which client asks, checks the code
// matches the one in their terminal, and approves or denies it.
import { api } from '../api.js';
import { $, say } from '../dom.js';
import { frame, start } from '../layout.js';

const CODE = /^[A-Z0-9]{4}-[A-Z0-9]{4}$/;

function normalise(text) {
  const raw = text.toUpperCase().replace(/[^A-Z0-9]/g, '');
  return raw.length === 8 ? `${raw.slice(0, 4)}-${raw.slice(4)}` : text.toUpperCase().trim();
}

async function decide(code, verdict) {
  const status = $('#device-status');
  $('#device-approve').disabled = true;
  $('#device-deny').disabled = true;
  try {
    await api(`/api/auth/device/${verdict}`, { method: 'POST', body: { userCode: code } });
    say(status, verdict === 'approve'
      ? 'Approved. You can return to your terminal: it is signed in now.'
      : 'Denied. The device was not signed in.', verdict === 'approve' ? 'success' : 'info');
    $('#device-request').hidden = true;
  } catch (e) {
    say(status, e.message, 'error');
    $('#device-approve').disabled = false;
    $('#device-deny').disabled = false;
  }
}

async function show(code) {
  const status = $('#device-status');
  if (!CODE.test(code)) {
    say(status, 'That is not a code of the form XXXX-XXXX.', 'error');
    return;
  }
  try {
    const info = await api(`/api/auth/device/info?code=${encodeURIComponent(code)}`);
    $('#device-client').textContent = info.clientName || info.client || 'An unnamed client';
    $('#device-code').textContent = code;
    $('#device-request').hidden = false;
    $('#device-entry').hidden = true;
    say(status, '');
    $('#device-approve').onclick = () => decide(code, 'approve');
    $('#device-deny').onclick = () => decide(code, 'deny');
    $('#device-approve').focus();
  } catch (e) {
    say(status, e.status === 404 ? 'This code is unknown, used or expired. Start `dexto login` again.' : e.message,
      'error');
  }
}

start(async () => {
  const user = await frame();
  if (!user) return;
  $('#device-user').textContent = user.email || 'your account';
  $('#device-form').addEventListener('submit', (event) => {
    event.preventDefault();
    show(normalise($('#device-input').value));
  });
  const code = new URLSearchParams(window.location.search).get('code');
  if (code) {
    $('#device-input').value = normalise(code);
    await show(normalise(code));
  }
});
