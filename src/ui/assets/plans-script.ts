/**
 * `/apps/_assets/plans.js`: the `plan_list` component. The reader's plans, newest first
 * (GET /api/plans), filtered by status, paged with its cursor; with `link`, each opens the
 * application's plan_graph page, and the open one is marked. Reloads on plan.* events and,
 * while a plan runs, every few seconds (its progress changes with every step).
 */
export const PLANS_SCRIPT = String.raw`
import { debounce, el, time } from './dom.js';
import { badge, between, button, maybeLink, notice, relative, shortId, table, tableRow } from './widgets.js';

const STATUSES = ['queued', 'running', 'failing', 'completed', 'failed', 'cancelled'];
const FINISHED = new Set(['completed', 'failed', 'cancelled']);

export async function planList(c, card, ctx) {
  const saved = ctx.state();
  const bar = el('form', 'list-controls');
  const status = el('select');
  status.name = 'status';
  for (const value of ['', ...STATUSES]) { const o = el('option', null, value || 'any status'); o.value = value; status.append(o); }
  status.value = saved.status || '';
  const label = el('label', null, 'Status');
  label.append(status);
  bar.append(label);
  const box = el('div', 'plan-list');
  const more = button('Load more', () => load(true).catch(show), 'secondary more');
  more.hidden = true;
  card.append(bar, box, more);
  let plans = [];
  let cursor;
  const href = (plan) => (c.link ? ctx.linkTo('plan', plan.id) : undefined);
  // Narrow enough for a third of the page: the plan's own view has the rest.
  const columns = [
    ['Plan', (p) => {
      const cell = el('div');
      const a = maybeLink('', href(p));
      a.append(shortId(p.id));
      cell.append(a, el('small', 'muted', p.instruction.id + ' v' + p.instruction.version));
      return cell;
    }],
    ['Status', (p) => badge(p.status)],
    ['Steps', (p) => p.progress.done + '/' + p.progress.nodes],
    ['Started', (p) => { const at = el('span', null, relative(p.startedAt || p.createdAt)); at.title = time(p.startedAt || p.createdAt) + (p.finishedAt ? ', took ' + between(p.startedAt || p.createdAt, p.finishedAt) : ''); return at; }],
  ];
  const mark = () => { for (const row of box.querySelectorAll('tr[data-plan-id]')) row.classList.toggle('selected', row.dataset.planId === ctx.route.id); };
  const draw = () => {
    if (plans.length === 0) { box.replaceChildren(notice(status.value ? 'No ' + status.value + ' plans.' : 'No plans yet: run an instruction (npx vextir plan run <file>).')); return; }
    const t = table(columns, []);
    const body = t.querySelector('tbody');
    for (const plan of plans) {
      const row = tableRow(columns, plan);
      row.dataset.planId = plan.id;
      row.dataset.status = plan.status;
      const to = href(plan);
      if (to) { row.classList.add('linked'); row.addEventListener('click', (event) => { if (!event.target.closest('a')) location.hash = to; }); }
      body.append(row);
    }
    box.replaceChildren(t);
    mark();
  };
  const load = async (next) => {
    const params = new URLSearchParams({ limit: String(c.limit) });
    if (status.value) params.set('status', status.value);
    if (next && cursor) params.set('cursor', cursor);
    if (ctx.readAs()) params.set('user', ctx.readAs());
    const answer = await ctx.api('GET', '/api/plans?' + params.toString());
    if (ctx.signal.aborted) return;
    plans = next ? [...plans, ...answer.plans] : answer.plans;
    cursor = answer.cursor;
    more.hidden = !cursor;
    draw();
  };
  const show = (error) => box.replaceChildren(notice(error.message, 'error'));
  status.addEventListener('change', () => { saved.status = status.value; load(false).catch(show); });
  ctx.onRoute(mark);
  await load(false).catch(show);
  const reload = debounce(() => load(false).catch(show), 200);
  ctx.subscribe((record) => { if (record.type.startsWith('plan.')) reload(); });
  ctx.every(() => { if (plans.some((p) => !FINISHED.has(p.status))) reload(); }, 3000);
}
`;
