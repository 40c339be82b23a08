// The models customers can call, with what a million tokens costs; filtered as you type.
import { publicApi } from '../api.js';
import { $, el, fill } from '../dom.js';
import { count, usdExact } from '../format.js';
import { frame, start } from '../layout.js';

function render(models, query) {
  const q = query.trim().toLowerCase();
  const shown = q ? models.filter((m) => `${m.id} ${m.name} ${m.provider}`.toLowerCase().includes(q)) : models;
  fill($('#models-body'), shown.map((m) => el('tr', {},
    el('td', { class: 'mono' }, m.id),
    el('td', {}, m.provider || '—'),
    el('td', { class: 'num' }, m.context_length ? count(m.context_length) : '—'),
    el('td', { class: 'num' }, m.prompt_usd_per_million ? usdExact(m.prompt_usd_per_million) : '—'),
    el('td', { class: 'num' }, m.completion_usd_per_million ? usdExact(m.completion_usd_per_million) : '—'))));
  $('#models-count').textContent = `${shown.length} of ${models.length} models`;
}

start(async () => {
  if (!(await frame())) return;
  const { data } = await publicApi('/api/models');
  const search = $('#model-search');
  search.addEventListener('input', () => render(data, search.value));
  render(data, search.value);
});
