/**
 * `/apps/_assets/components.js`: one renderer per component type of the format (src/ui/schema.ts):
 * the context views, markdown and forms here, the others in modules of their own. Each fills its
 * card from the API and subscribes to the page's live stream. Data is written as text only; the
 * one `innerHTML` is a markdown component's HTML, rendered by the server from the application's
 * own definition with raw HTML escaped (src/ui/markdown.ts).
 */
export const COMPONENTS_SCRIPT = String.raw`
import { agentRuns } from './agent-runs.js';
import { chart, metric } from './charts.js';
import { deadLetters } from './dead-letters.js';
import { debounce, el, matches, renderTemplate, show } from './dom.js';
import { eventDetail } from './event-detail.js';
import { eventStream } from './feed.js';
import { actionPanel, emitForm } from './forms.js';
import { approvalList, driverTable, scheduleTable } from './operations.js';
import { planGraph } from './plan-graph.js';
import { planList } from './plans.js';
import { usageChart } from './usage.js';

export { actionPanel };

function contextUrl(path, query) {
  return '/api/context' + path.split('/').map(encodeURIComponent).join('/') + query;
}

function entryScope(entry) {
  const content = entry.content;
  const name = entry.path.split('/').pop();
  return { name, ...entry, ...(content && typeof content === 'object' && !Array.isArray(content) ? content : { content }) };
}

async function contextView(c, card, ctx) {
  const box = el('div', 'context ' + c.display);
  card.append(box);
  const load = async () => {
    try {
      if (c.display === 'document') {
        const entry = await ctx.api('GET', contextUrl(c.path, '?view=entry'));
        const text = typeof entry.content === 'string' ? entry.content : JSON.stringify(entry.content, null, 2);
        box.replaceChildren(c.template ? renderTemplate(c.template, entryScope(entry)) : el('pre', 'document', text));
        return;
      }
      const { entries } = await ctx.api('GET', '/api/context?prefix=' + encodeURIComponent(c.path) + '&limit=100');
      const documents = entries.filter((e) => e.kind === 'document').slice(0, 50);
      const full = await Promise.all(documents.map((e) => ctx.api('GET', contextUrl(e.path, '?view=entry'))));
      box.replaceChildren(...(full.length === 0 ? [el('p', 'empty', 'Nothing under ' + c.path + ' yet.')] : c.display === 'table' ? [contextTable(full)] : full.map((e) => contextCard(c, e))));
    } catch (error) {
      box.replaceChildren(el('p', error.status === 404 ? 'empty' : 'error', error.status === 404 ? 'Nothing under ' + c.path + ' yet.' : error.message));
    }
  };
  await load();
  if (c.refresh) ctx.every(load, c.refresh * 1000);
  const reload = debounce(load, 500);
  ctx.subscribe((record) => { if (matches(ctx.app.subscribed_events, record.type) || record.type.startsWith('context.')) reload(); });
}

function contextCard(c, entry) {
  const scope = entryScope(entry);
  const card = el('article', 'card');
  if (c.template) card.append(renderTemplate(c.template, scope));
  else {
    card.append(el('h3', null, show(scope.title || scope.name)));
    const text = typeof entry.content === 'string' ? entry.content : show(scope.description || scope.status || '');
    if (text) card.append(el('p', null, text.slice(0, 300)));
  }
  return card;
}

function contextTable(entries) {
  const keys = new Set();
  entries.forEach((e) => { if (e.content && typeof e.content === 'object' && !Array.isArray(e.content)) Object.keys(e.content).slice(0, 6).forEach((k) => keys.add(k)); });
  const columns = ['name', ...[...keys].slice(0, 6), 'updatedAt'];
  const table = el('table', 'context-table');
  const head = el('tr');
  columns.forEach((k) => head.append(el('th', null, k)));
  table.append(head);
  for (const entry of entries) {
    const scope = entryScope(entry);
    const row = el('tr');
    columns.forEach((k) => row.append(el('td', null, show(scope[k]).slice(0, 200))));
    table.append(row);
  }
  return table;
}


async function markdown(c, card, ctx) {
  const box = el('div', 'markdown');
  // The one innerHTML: the server's rendering of the application's own markdown (raw HTML escaped).
  box.innerHTML = ctx.view.markdown[c.id] || '';
  card.append(box);
}

/** A form that emits one event over POST /api/events and shows its id and status as it changes. */

async function form(c, card, ctx) {
  card.append(emitForm(c.fields, c.emit_event.type, c.submit_label, ctx));
}

async function action(c, card, ctx) {
  card.append(actionPanel(ctx.app.actions.find((a) => a.id === c.action), ctx));
}

const RENDERERS = {
  event_stream: eventStream, context_view: contextView, chart, metric, markdown, form, action,
  event_detail: eventDetail, plan_list: planList, plan_graph: planGraph, agent_runs: agentRuns,
  driver_table: driverTable, schedule_table: scheduleTable, approval_list: approvalList,
  dead_letters: deadLetters, usage_chart: usageChart,
};

export function renderComponent(component, card, ctx) {
  const render = RENDERERS[component.type];
  if (!render) return Promise.reject(new Error('this page cannot show a ' + component.type + ' component'));
  return render(component, card, ctx);
}
`;
