import { $, fill, el } from '../dom.js';
import { utcTime } from '../format.js';
import { frame, start } from '../layout.js';
import { currentUser, signOut } from '../session.js';

start(async () => {
  if (!(await frame())) return;
  const user = await currentUser();
  fill($('#profile'),
    el('dt', {}, 'Email'), el('dd', { id: 'profile-email' }, user?.email || '—'),
    el('dt', {}, 'Account created'), el('dd', { id: 'profile-created' }, utcTime(user?.created_at)),
    el('dt', {}, 'User id'), el('dd', { class: 'mono' }, user?.id || '—'));
  $('#profile-sign-out').addEventListener('click', async () => {
    await signOut();
    window.location.assign('/login?signed_out=1');
  });
});
