// Top-ups: a credit pack through Stripe Checkout, and the return to /billing?session_id=…, which says
// only what is known: the payment counts once Stripe's webhook has reached us, not before.
import { api } from '../api.js';
import { $, el, fill, say } from '../dom.js';
import { usdCents } from '../format.js';

const POLL_MS = 1000;
const GIVE_UP_MS = 120_000;

export function packs(amounts) {
  fill($('#packs'), amounts.map((usd) => el('button', { type: 'button', class: 'pack', dataset: { pack: usd },
    onclick: () => buy(usd) }, `$${usd}`)));
}

async function buy(usd) {
  const status = $('#topup-status');
  document.querySelectorAll('#packs button').forEach((b) => { b.disabled = true; });
  say(status, `Opening Stripe Checkout for $${usd}…`);
  try {
    const session = await api('/api/stripe/create-checkout-session', { method: 'POST', body: { amount_usd: usd } });
    window.location.assign(session.sessionUrl);
  } catch (e) {
    say(status, e.message, 'error');
    document.querySelectorAll('#packs button').forEach((b) => { b.disabled = false; });
  }
}

/** After Checkout: waits for the transaction to complete, then calls onPaid (which refreshes the balance). */
export async function awaitPayment(sessionId, onPaid) {
  const status = $('#payment-status');
  say(status, 'Waiting for Stripe to confirm your payment. Your balance updates as soon as it does; '
    + 'nothing has been added yet.', 'pending');
  const deadline = Date.now() + GIVE_UP_MS;
  while (Date.now() < deadline) {
    const { transactions } = await api('/me/transactions');
    const t = transactions.find((x) => x.stripe_session_id === sessionId);
    if (t && t.status === 'completed') {
      const balance = await onPaid();
      say(status, `Payment received: ${usdCents(t.amount)} added. Your balance is now ${usdCents(balance)}.`, 'success');
      window.history.replaceState(null, '', '/billing');
      return;
    }
    if (t && ['failed', 'expired'].includes(t.status)) {
      say(status, `This payment was not completed (${t.status}); nothing was charged or added.`, 'error');
      return;
    }
    await new Promise((resolve) => { setTimeout(resolve, POLL_MS); });
  }
  say(status, 'Stripe has not confirmed this payment yet. It will be added once it does; '
    + 'reload this page to check again.', 'pending');
}
