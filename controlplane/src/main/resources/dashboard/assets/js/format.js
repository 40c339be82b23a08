// Money arrives as exact decimal strings of USD; it is compared and rounded here as BigInt nano-USD,
// never as floating point (the charts alone plot Numbers).
const NANOS = 1_000_000_000n;

export function nanos(decimal) {
  const text = String(decimal ?? '0').trim();
  const negative = text.startsWith('-');
  const [whole, fraction = ''] = text.replace(/^[-+]/, '').split('.');
  const value = BigInt(whole || '0') * NANOS + BigInt((fraction + '000000000').slice(0, 9));
  return negative ? -value : value;
}

function grouped(n) {
  return n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Whole cents, rounded toward zero: a balance is never shown higher than it is. */
export function usdCents(decimal) {
  const n = nanos(decimal);
  const sign = n < 0n ? '-' : '';
  const cents = (n < 0n ? -n : n) / 10_000_000n;
  return `${sign}$${grouped(cents / 100n)}.${String(cents % 100n).padStart(2, '0')}`;
}

/** The exact amount with at least two decimals (usage costs are often fractions of a cent). */
export function usdExact(decimal) {
  const text = String(decimal ?? '0');
  const negative = text.startsWith('-');
  const [whole, fraction = ''] = text.replace(/^[-+]/, '').split('.');
  return `${negative ? '-' : ''}$${grouped(BigInt(whole || '0'))}.${fraction.padEnd(2, '0')}`;
}

/** good ≥ $10, low $1–10, critical < $1. */
export function balanceLevel(decimal) {
  const n = nanos(decimal);
  if (n >= 10n * NANOS) return 'good';
  if (n >= NANOS) return 'low';
  return 'critical';
}

export function count(n) {
  return grouped(BigInt(n ?? 0));
}

/** 2026-12-03 14:05:09 UTC */
export function utcTime(iso) {
  if (!iso) return '—';
  return `${new Date(iso).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export function utcDay(iso) {
  return iso ? new Date(iso).toISOString().slice(0, 10) : '—';
}

/** Today's date in UTC, YYYY-MM-DD. */
export function todayUtc() {
  return new Date().toISOString().slice(0, 10);
}

export function monthStartUtc() {
  return `${todayUtc().slice(0, 8)}01`;
}

/** Every date from start to end inclusive (YYYY-MM-DD, UTC). */
export function daysBetween(start, end) {
  const out = [];
  for (let d = new Date(`${start}T00:00:00Z`); d <= new Date(`${end}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + 1)) {
    out.push(d.toISOString().slice(0, 10));
  }
  return out;
}
