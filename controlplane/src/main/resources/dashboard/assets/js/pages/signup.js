import { $, say } from '../dom.js';
import { frame, start } from '../layout.js';
import { signUp } from '../session.js';
import { safeNext } from './login.js';

start(async () => {
  await frame({ signedIn: false });
  const params = new URLSearchParams(window.location.search);
  const status = $('#form-status');
  $('#login-link').href = `/login${window.location.search}`;
  $('#signup-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = $('#signup-submit');
    button.disabled = true;
    say(status, 'Creating your account…');
    try {
      const session = await signUp($('#email').value.trim(), $('#password').value);
      if (session) {
        window.location.assign(safeNext(params.get('next'), '/keys?welcome=1'));
      } else {
        say(status, 'Check your email to confirm your address, then sign in.', 'success');
      }
    } catch (e) {
      say(status, e.message, 'error');
      button.disabled = false;
    }
  });
});
