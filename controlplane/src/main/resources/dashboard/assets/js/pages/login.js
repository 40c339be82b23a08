import { $, say } from '../dom.js';
import { frame, start } from '../layout.js';
import { signIn } from '../session.js';

/** Only a path on this site: never an absolute or protocol-relative URL (no open redirect). */
export function safeNext(value, fallback) {
  return value && value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\') ? value : fallback;
}

start(async () => {
  await frame({ signedIn: false });
  const params = new URLSearchParams(window.location.search);
  const status = $('#form-status');
  if (params.has('signed_out')) say(status, 'You are signed out.');
  $('#signup-link').href = `/signup${window.location.search}`;
  $('#login-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = $('#login-submit');
    button.disabled = true;
    say(status, 'Signing in…');
    try {
      await signIn($('#email').value.trim(), $('#password').value);
      window.location.assign(safeNext(params.get('next'), '/billing'));
    } catch (e) {
      say(status, e.message, 'error');
      button.disabled = false;
      $('#password').focus();
    }
  });
});
