// The billing page's two charts (Chart.js from its WebJar, loaded as a classic script: window.Chart).
// Each canvas has a text alternative: the same numbers in a table under "Show as table".
import { el, fill } from '../dom.js';
import { daysBetween, usdExact } from '../format.js';

const COLORS = ['#2563eb', '#d97706', '#059669', '#db2777', '#7c3aed', '#0891b2', '#65a30d', '#dc2626'];
const charts = new Map();

function draw(canvas, config) {
  charts.get(canvas.id)?.destroy();
  charts.set(canvas.id, new window.Chart(canvas, config));
}

function dollars(value) {
  return `$${Number(value).toFixed(Number(value) < 0.01 && Number(value) > 0 ? 6 : 2)}`;
}

/** Daily cost stacked by model; each dataset also carries that model's request counts per day. */
export function drawDaily(canvas, table, { start, end, daily }) {
  const days = daysBetween(start, end);
  const models = [...new Set(daily.map((r) => r.model))].sort();
  const datasets = models.map((model, i) => {
    const cost = new Array(days.length).fill(0);
    const requests = new Array(days.length).fill(0);
    for (const r of daily.filter((row) => row.model === model)) {
      const at = days.indexOf(r.date);
      if (at >= 0) {
        cost[at] += Number(r.cost);
        requests[at] += r.requests;
      }
    }
    return { label: model, data: cost, requests, backgroundColor: COLORS[i % COLORS.length], stack: 'cost' };
  });
  draw(canvas, {
    type: 'bar',
    data: { labels: days, datasets },
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales: {
        x: { stacked: true, title: { display: true, text: 'Day (UTC)' } },
        y: { stacked: true, beginAtZero: true, title: { display: true, text: 'Cost (USD)' },
          ticks: { callback: dollars } },
      },
      plugins: {
        tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${dollars(c.parsed.y)}, `
          + `${c.dataset.requests[c.dataIndex]} requests` } },
      },
    },
  });
  canvas.setAttribute('aria-label', `Daily cost by model from ${start} to ${end} (UTC); the table below has the numbers.`);
  fill(table, daily.map((r) => el('tr', {},
    el('td', {}, r.date), el('td', { class: 'mono' }, r.model), el('td', { class: 'num' }, r.requests),
    el('td', { class: 'num' }, r.prompt_tokens + r.completion_tokens), el('td', { class: 'num' }, usdExact(r.cost)))));
}

/** Cost per model over the range (from /me/usage's by_model). */
export function drawByModel(canvas, table, byModel) {
  draw(canvas, {
    type: 'doughnut',
    data: {
      labels: byModel.map((m) => m.model),
      datasets: [{ label: 'Cost (USD)', data: byModel.map((m) => Number(m.cost)),
        backgroundColor: byModel.map((_, i) => COLORS[i % COLORS.length]) }],
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      plugins: { tooltip: { callbacks: { label: (c) => `${c.label}: ${dollars(c.parsed)}` } } },
    },
  });
  canvas.setAttribute('aria-label', 'Cost by model for the chosen range; the table below has the numbers.');
  fill(table, byModel.map((m) => el('tr', {},
    el('td', { class: 'mono' }, m.model), el('td', { class: 'num' }, m.requests),
    el('td', { class: 'num' }, m.tokens), el('td', { class: 'num' }, usdExact(m.cost)))));
}
