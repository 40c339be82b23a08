// Billing: balance first, then this month's totals, the chosen range's charts and history (default:
// this month so far, UTC), transactions and top-ups.
import { api } from '../api.js';
import { drawByModel, drawDaily } from '../billing/charts.js';
import { history } from '../billing/history.js';
import { awaitPayment, packs } from '../billing/topup.js';
import { config } from '../config.js';
import { $, el, fill, say } from '../dom.js';
import { balanceLevel, count, monthStartUtc, todayUtc, usdCents, usdExact, utcTime } from '../format.js';
import { frame, start } from '../layout.js';

const LEVEL_TEXT = { good: 'Healthy', low: 'Running low', critical: 'Top up soon' };

/** Balance and month-to-date totals; returns the balance (a decimal string). */
async function summary() {
  const u = await api('/me/usage?recent_limit=0');
  const level = balanceLevel(u.balance);
  const card = $('#balance-card');
  card.className = `card balance balance-${level}`;
  card.dataset.level = level;
  $('#balance').textContent = usdCents(u.balance);
  $('#balance-level').textContent = LEVEL_TEXT[level];
  $('#mtd-requests').textContent = count(u.total_requests);
  $('#mtd-cost').textContent = usdExact(u.total_cost);
  $('#mtd-tokens').textContent = count(u.total_tokens);
  return u.balance;
}

async function range(r) {
  const q = new URLSearchParams({ start: r.start, end: r.end });
  const [daily, usage] = await Promise.all([
    api(`/me/usage/daily?${q}`),
    history(r),
  ]);
  drawDaily($('#daily-chart'), $('#daily-table-body'), daily);
  drawByModel($('#model-chart'), $('#model-table-body'), usage.by_model);
  $('#range-label').textContent = `${r.start} to ${r.end} (UTC)`;
}

async function transactions() {
  const { transactions: list } = await api('/me/transactions');
  const kinds = { topup: 'Top-up', intro: 'Intro credit', refund: 'Refund', chargeback: 'Chargeback' };
  $('#transactions-empty').hidden = list.length > 0;
  fill($('#transactions-body'), list.map((t) => el('tr', {},
    el('td', {}, utcTime(t.created_at)),
    el('td', {}, kinds[t.kind] || t.kind),
    el('td', { class: 'num' }, usdExact(t.amount)),
    el('td', {}, el('span', { class: `badge badge-${t.status}` }, t.status)))));
}

start(async () => {
  if (!(await frame())) return;
  const c = await config();
  packs(c.creditPacksUsd || []);
  const startInput = $('#range-start');
  const endInput = $('#range-end');
  startInput.value = monthStartUtc();
  endInput.value = todayUtc();
  $('#range-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const status = $('#range-status');
    if (!startInput.value || !endInput.value || startInput.value > endInput.value) {
      say(status, 'Choose a start date on or before the end date.', 'error');
      return;
    }
    say(status, '');
    await range({ start: startInput.value, end: endInput.value }).catch((e) => say(status, e.message, 'error'));
  });
  await Promise.all([summary(), range({ start: startInput.value, end: endInput.value }), transactions()]);
  performance.mark('dexto-billing-drawn'); // balance, totals, charts and the first history page are on screen
  const sessionId = new URLSearchParams(window.location.search).get('session_id');
  if (sessionId) {
    await awaitPayment(sessionId, async () => {
      await transactions();
      return summary();
    });
  }
  document.body.dataset.loaded = 'true';
});
