// Recent usage, newest first, 100 rows a page (the API's page size) with keyset cursors, and the
// CSV export of the whole range.
import { api } from '../api.js';
import { $, el, fill, say } from '../dom.js';
import { count, usdExact, utcTime } from '../format.js';

export const PAGE_SIZE = 100;

export function history(range) {
  const cursors = [null]; // cursors[i] opens page i
  let page = 0;

  async function show() {
    const cursor = cursors[page];
    const q = new URLSearchParams({ start: range.start, end: range.end, recent_limit: PAGE_SIZE });
    if (cursor) q.set('cursor', cursor);
    const usage = await api(`/me/usage?${q}`);
    fill($('#history-body'), usage.recent.map((r) => el('tr', {},
      el('td', {}, utcTime(r.completed_at)),
      el('td', { class: 'mono' }, r.model),
      el('td', { class: 'num' }, count(r.prompt_tokens)),
      el('td', { class: 'num' }, count(r.completion_tokens)),
      el('td', { class: 'num' }, usdExact(r.cost)),
      el('td', {}, r.status))));
    cursors[page + 1] = usage.next_cursor;
    const first = page * PAGE_SIZE;
    $('#history-range').textContent = usage.recent.length
      ? `Rows ${first + 1}–${first + usage.recent.length}` : 'No requests in this range.';
    $('#history-prev').disabled = page === 0;
    $('#history-next').disabled = !usage.next_cursor;
    return usage;
  }

  $('#history-prev').onclick = () => { page = Math.max(0, page - 1); show(); };
  $('#history-next').onclick = () => { page += 1; show(); };
  $('#history-csv').onclick = () => exportCsv(range);
  return show();
}

async function exportCsv(range) {
  const status = $('#history-status');
  say(status, 'Preparing the CSV…');
  try {
    const q = new URLSearchParams({ start: range.start, end: range.end });
    const blob = await (await api(`/me/usage.csv?${q}`, { raw: true })).blob();
    const url = URL.createObjectURL(blob);
    const link = el('a', { href: url, download: `dexto-usage-${range.start}-to-${range.end}.csv`, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    say(status, 'CSV downloaded.', 'success');
  } catch (e) {
    say(status, e.message, 'error');
  }
}
