/**
 * `/apps/_assets/usage.js`: the `usage_chart` component. Tokens, cost or calls per model and day
 * of this month (GET /api/usage, `models.days`), drawn with chart.js as bars stacked by model,
 * with this month's totals per model as a table (the same figures as text). An admin may add
 * `?user=` to the page's route to see another user's. Reloaded when a model answers.
 */
export const USAGE_SCRIPT = String.raw`
import { debounce, el } from './dom.js';
import { notice, table, tokens, usd } from './widgets.js';

const MEASURES = {
  tokens: { label: 'tokens', of: (u) => u.inputTokens + u.outputTokens, text: tokens },
  cost: { label: 'cost (USD)', of: (u) => u.costUsd, text: usd },
  calls: { label: 'calls', of: (u) => u.calls, text: tokens },
};

export async function usageChart(c, card, ctx) {
  const measure = MEASURES[c.metric];
  const wrap = el('div', 'chart');
  const canvas = el('canvas');
  canvas.setAttribute('role', 'img');
  wrap.append(canvas);
  const summary = el('p', 'chart-summary');
  const totals = el('div', 'usage-totals');
  card.append(wrap, summary, totals);
  const user = ctx.readAs();
  let drawn;
  const load = async () => {
    const { models } = await ctx.api('GET', '/api/usage' + ctx.userParam());
    if (ctx.signal.aborted) return;
    const [year, month] = models.month.split('-').map(Number);
    const today = Number(models.day.slice(8, 10));
    const days = Array.from({ length: today }, (_, i) => models.month + '-' + String(i + 1).padStart(2, '0'));
    const names = [...new Set(models.days.map((d) => d.model))].sort();
    const datasets = names.map((model) => ({
      label: model,
      data: days.map((day) => { const u = models.days.find((d) => d.day === day && d.model === model); return u ? measure.of(u) : 0; }),
    }));
    const total = models.thisMonth.reduce((sum, u) => sum + measure.of(u), 0);
    const text = measure.text(total) + ' ' + (c.metric === 'cost' ? '' : measure.label + ' ') + 'this month (' + new Date(year, month - 1, 1).toLocaleDateString([], { month: 'long', year: 'numeric' }) + ') across ' + names.length + ' model' + (names.length === 1 ? '' : 's') + (user ? ', user ' + user : '');
    summary.textContent = text;
    canvas.setAttribute('aria-label', text);
    card.dataset.total = String(total);
    card.dataset.models = names.join(',');
    if (c.totals) totals.replaceChildren(models.thisMonth.length === 0 ? notice('No model calls this month.') : table([
      ['Model', (u) => el('code', null, u.model)], ['Calls', (u) => tokens(u.calls)], ['Input tokens', (u) => tokens(u.inputTokens)],
      ['Cached', (u) => tokens(u.cachedInputTokens)], ['Output tokens', (u) => tokens(u.outputTokens)], ['Cost', (u) => usd(u.costUsd)],
    ], models.thisMonth, () => 'usage-row'));
    if (typeof globalThis.Chart !== 'function') return;
    const labels = days.map((day) => day.slice(5));
    if (drawn) {
      drawn.data.labels = labels;
      drawn.data.datasets = datasets;
      drawn.update();
      return;
    }
    drawn = new globalThis.Chart(canvas, {
      type: c.display,
      data: { labels, datasets },
      options: { animation: false, maintainAspectRatio: false, scales: { x: { stacked: c.display === 'bar' }, y: { stacked: c.display === 'bar', beginAtZero: true, ticks: { callback: (value) => measure.text(value) } } } },
    });
    ctx.signal.addEventListener('abort', () => drawn.destroy(), { once: true });
  };
  const show = (error) => { summary.textContent = error.message; };
  await load().catch(show);
  const reload = debounce(() => load().catch(show), 2000);
  ctx.subscribe((record) => { if (record.type === 'model.response') reload(); });
  ctx.every(() => load().catch(show), 60000);
}
`;
