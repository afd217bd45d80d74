/**
 * `/apps/_assets/charts.js`: the `chart` and `metric` components. Both count the user's events of
 * a type over a window with the server's aggregate (GET /api/events/aggregate: per hour or day,
 * counted over the whole window rather than one page of events) and reload it when a matching
 * event arrives live. A chart draws the counts and the average `data.duration` per bucket with
 * chart.js (served from its package as /apps/_assets/chart.js, which sets `window.Chart`), and
 * states the same figures as text.
 */
export const CHARTS_SCRIPT = String.raw`
import { debounce, el, matches, subscribeAfter } from './dom.js';

function aggregateUrl(type, window, bucket, ctx) {
  return '/api/events/aggregate?type=' + encodeURIComponent(type) + '&window=' + encodeURIComponent(window) + '&bucket=' + bucket + ctx.userParam('&');
}

function named(type, count) {
  return type === '*' ? (count === 1 ? 'event' : 'events') : type;
}

export async function chart(c, card, ctx) {
  const wrap = el('div', 'chart');
  const canvas = el('canvas');
  canvas.setAttribute('role', 'img');
  wrap.append(canvas);
  const summary = el('p', 'chart-summary');
  card.append(wrap, summary);
  let drawn;
  const load = async () => {
    const answer = await ctx.api('GET', aggregateUrl(c.source.event, c.source.window, c.source.bucket, ctx));
    if (ctx.signal && ctx.signal.aborted) return;
    const buckets = answer.buckets;
    const hourly = c.source.bucket === 'hour';
    const labels = buckets.map((b) => (hourly ? new Date(b.start).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : new Date(b.start).toLocaleDateString()));
    const datasets = [];
    if (c.metrics.includes('count')) datasets.push({ label: 'count', data: buckets.map((b) => b.count), yAxisID: 'y' });
    if (c.metrics.includes('average_duration')) datasets.push({ label: 'average duration (s)', data: buckets.map((b) => b.averageDurationSeconds), yAxisID: 'y1' });
    const total = buckets.reduce((sum, b) => sum + b.count, 0);
    // Across buckets, each bucket's average weighs as much as its events (the answer gives no timed count).
    const timed = buckets.filter((b) => b.averageDurationSeconds !== null);
    const weight = timed.reduce((sum, b) => sum + b.count, 0);
    const average = weight ? timed.reduce((sum, b) => sum + b.averageDurationSeconds * b.count, 0) / weight : undefined;
    const text = total + (answer.truncated ? '+' : '') + ' ' + named(c.source.event, total) + ' in ' + c.source.window + (average === undefined ? '' : ', average duration ' + average.toFixed(1) + ' s');
    summary.textContent = text;
    canvas.setAttribute('aria-label', text);
    card.dataset.count = String(total);
    if (typeof globalThis.Chart !== 'function') return;
    if (drawn) {
      drawn.data.labels = labels;
      drawn.data.datasets.forEach((d, i) => { d.data = datasets[i].data; });
      drawn.update();
      return;
    }
    drawn = new globalThis.Chart(canvas, {
      type: c.display,
      data: { labels, datasets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: { y: { beginAtZero: true, position: 'left' }, y1: { beginAtZero: true, position: 'right', display: c.metrics.includes('average_duration'), grid: { drawOnChartArea: false } } },
      },
    });
    if (ctx.signal) ctx.signal.addEventListener('abort', () => drawn.destroy(), { once: true });
  };
  const reload = debounce(() => load().catch((error) => { summary.textContent = error.message; }), 1000);
  await subscribeAfter(ctx, load(), (record) => { if (matches([c.source.event], record.type)) reload(); });
}

export async function metric(c, card, ctx) {
  const value = el('p', 'metric-value', '...');
  card.append(value, el('p', 'metric-label', c.label || named(c.event) + ' in the last ' + c.window));
  const load = async () => {
    const answer = await ctx.api('GET', aggregateUrl(c.event, c.window, 'day', ctx));
    value.textContent = answer.buckets.reduce((sum, b) => sum + b.count, 0) + (answer.truncated ? '+' : '');
  };
  const reload = debounce(() => load().catch((error) => { value.textContent = error.message; }), 300);
  await subscribeAfter(ctx, load(), (record) => { if (matches([c.event], record.type)) reload(); });
}
`;
