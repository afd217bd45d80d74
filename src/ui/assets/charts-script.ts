/**
 * `/apps/_assets/charts.js`: the `chart` and `metric` components. Both count the user's events of
 * a type over a window (GET /api/events, at most 500) and follow the live stream; a chart draws
 * per-bucket counts and the average `data.duration` with chart.js (served from its package as
 * /apps/_assets/chart.js, which sets `window.Chart`), and states the same figures as text.
 */
export const CHARTS_SCRIPT = String.raw`
import { debounce, el, eventsUrl, matches, subscribeAfter, windowMs } from './dom.js';

function durationOf(record) {
  const data = record.event && record.event.data;
  if (!data || typeof data !== 'object') return undefined;
  if (typeof data.duration === 'number') return data.duration;
  if (typeof data.duration_ms === 'number') return data.duration_ms / 1000;
  return undefined;
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
    const span = windowMs(c.source.window);
    const size = c.source.bucket === 'hour' ? 3600000 : 86400000;
    const count = Math.min(400, Math.ceil(span / size));
    const end = Math.ceil(Date.now() / size) * size;
    const start = end - count * size;
    const { events } = await ctx.api('GET', eventsUrl([c.source.event], 500, new Date(Date.now() - span)));
    const buckets = Array.from({ length: count }, (_, i) => ({ at: new Date(start + i * size), count: 0, total: 0, timed: 0 }));
    for (const record of events) {
      const bucket = buckets[Math.floor((Date.parse(record.event.time || record.receivedAt) - start) / size)];
      if (!bucket) continue;
      bucket.count++;
      const duration = durationOf(record);
      if (duration !== undefined) { bucket.total += duration; bucket.timed++; }
    }
    const labels = buckets.map((b) => (size === 86400000 ? b.at.toLocaleDateString() : b.at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })));
    const datasets = [];
    if (c.metrics.includes('count')) datasets.push({ label: 'count', data: buckets.map((b) => b.count), yAxisID: 'y' });
    if (c.metrics.includes('average_duration')) datasets.push({ label: 'average duration (s)', data: buckets.map((b) => (b.timed ? b.total / b.timed : null)), yAxisID: 'y1' });
    const timed = events.filter((r) => durationOf(r) !== undefined);
    const average = timed.length ? timed.reduce((sum, r) => sum + durationOf(r), 0) / timed.length : undefined;
    const text = events.length + (events.length === 500 ? '+' : '') + ' ' + (c.source.event === '*' ? 'events' : c.source.event) + ' in ' + c.source.window + (average === undefined ? '' : ', average duration ' + average.toFixed(1) + ' s');
    summary.textContent = text;
    canvas.setAttribute('aria-label', text);
    card.dataset.count = String(events.length);
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
  };
  const reload = debounce(() => load().catch((error) => { summary.textContent = error.message; }), 1000);
  await subscribeAfter(ctx, load(), (record) => { if (matches([c.source.event], record.type)) reload(); });
}

export async function metric(c, card, ctx) {
  const value = el('p', 'metric-value', '...');
  card.append(value, el('p', 'metric-label', c.label || c.event + ' in the last ' + c.window));
  const seen = new Set();
  let capped = false;
  const loaded = ctx.api('GET', eventsUrl([c.event], 500, new Date(Date.now() - windowMs(c.window)))).then(({ events }) => {
    events.forEach((r) => seen.add(r.id));
    capped = events.length === 500;
    value.textContent = seen.size + (capped ? '+' : '');
  });
  await subscribeAfter(ctx, loaded, (record) => {
    if (!matches([c.event], record.type) || seen.has(record.id)) return;
    seen.add(record.id);
    value.textContent = seen.size + (capped ? '+' : '');
  });
}
`;
