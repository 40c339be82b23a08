// The frame every page shares: the header with its navigation and the signed-in user, and the
// guard that sends signed-out visitors to sign in.
import { el, fill, $ } from './dom.js';
import { toLogin } from './api.js';
import { accessToken, signOut, signedInUser } from './session.js';

const LINKS = [
  ['/billing', 'Billing'],
  ['/keys', 'API keys'],
  ['/models', 'Models'],
  ['/profile', 'Profile'],
];

function header(user) {
  const here = window.location.pathname;
  const nav = el('nav', { 'aria-label': 'Main' },
    el('ul', {}, LINKS.map(([href, label]) =>
      el('li', {}, el('a', { href, 'aria-current': href === here ? 'page' : null }, label)))));
  const account = user
    ? el('div', { class: 'account' },
      el('span', { class: 'account-email' }, user.email || ''),
      el('button', { type: 'button', class: 'button-quiet', id: 'sign-out', onclick: leave }, 'Sign out'))
    : el('div', { class: 'account' }, el('a', { href: '/login' }, 'Sign in'), el('a', { href: '/signup' }, 'Sign up'));
  return [el('a', { class: 'brand', href: '/' }, 'Dexto'), user ? nav : null, account];
}

async function leave() {
  await signOut();
  window.location.assign('/login?signed_out=1');
}

/** Draws the header; with {signedIn: true} (the default) a visitor without a session goes to sign in. */
export async function frame({ signedIn = true } = {}) {
  const token = await accessToken();
  if (signedIn && !token) {
    toLogin();
    return null;
  }
  const user = token ? signedInUser() : null;
  fill($('#site-header'), header(user));
  return user;
}

/** Runs a page's start function and shows a failure instead of leaving a blank page. */
export function start(main) {
  main().catch((e) => {
    const region = $('#page-error');
    if (region) {
      region.hidden = false;
      region.textContent = e.message || String(e);
    }
  });
}
