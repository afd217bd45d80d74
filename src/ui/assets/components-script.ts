/**
 * `/apps/_assets/components.js`: one renderer per component type of the format (src/ui/schema.ts).
 * Each fills its card from the API and subscribes to the page's live stream. Data is written
 * as text only; the one `innerHTML` is a markdown component's HTML, rendered by the server
 * from the application's own definition with raw HTML escaped (src/ui/markdown.ts).
 */
export const COMPONENTS_SCRIPT = String.raw`
import { el, renderTemplate, show, time } from './dom.js';

const WAITING = new Set(['accepted', 'throttled', 'awaiting_approval']);

export function matches(patterns, type) {
  return patterns.length === 0 || patterns.some((p) => p === '*' || (p.endsWith('.*') ? type.startsWith(p.slice(0, -1)) : p === type));
}

function windowMs(value) {
  return Number(value.slice(0, -1)) * { m: 60000, h: 3600000, d: 86400000 }[value.slice(-1)];
}

function scopeOf(record) {
  const e = record.event || {};
  return { id: record.id, type: record.type, status: record.status, time: e.time, source: e.source, subject: e.subject, data: e.data };
}

/** Subscribes at once and holds records until the first load is shown, so none is lost in between. */
function subscribeAfter(ctx, loaded, listener) {
  const held = [];
  let ready = false;
  ctx.subscribe((record) => (ready ? listener(record) : held.push(record)));
  return loaded.then(() => { ready = true; held.splice(0).forEach(listener); });
}

function debounce(fn, ms) {
  let timer;
  return () => { clearTimeout(timer); timer = setTimeout(fn, ms); };
}

function eventsUrl(types, limit, since) {
  return '/api/events?type=' + encodeURIComponent(types.join(',')) + '&limit=' + limit + (since ? '&since=' + encodeURIComponent(since.toISOString()) : '');
}

function statusBadge(status) {
  return el('span', 'status status-' + status, status);
}

async function eventStream(c, card, ctx) {
  const table = c.display === 'table';
  const list = el(table ? 'table' : 'ol', 'events ' + c.display);
  let body = list;
  if (table) {
    const row = el('tr');
    ['Time', 'Type', 'Status', 'Data'].forEach((h) => row.append(el('th', null, h)));
    const head = el('thead');
    head.append(row);
    body = el('tbody');
    list.append(head, body);
  }
  const empty = el('p', 'empty', 'No events yet.');
  card.append(empty, list);
  const rows = new Map();
  const put = (record, atTop) => {
    const scope = scopeOf(record);
    const row = el(table ? 'tr' : 'li', 'event');
    row.dataset.eventId = record.id;
    const content = c.template ? renderTemplate(c.template, scope) : el('span', 'data', show(scope.data).slice(0, 300));
    if (table) {
      const cell = el('td');
      cell.append(content);
      row.append(el('td', null, time(scope.time)), el('td', 'type', record.type), statusCell(record.status), cell);
    } else {
      const meta = el('div', 'meta');
      meta.append(el('time', null, time(scope.time)), el('span', 'type', record.type), statusBadge(record.status));
      row.append(meta, content);
    }
    const old = rows.get(record.id);
    if (old) old.replaceWith(row);
    else if (atTop) body.prepend(row);
    else body.append(row);
    rows.set(record.id, row);
    while (rows.size > c.limit) {
      const last = body.lastElementChild;
      rows.delete(last.dataset.eventId);
      last.remove();
    }
    empty.hidden = rows.size > 0;
  };
  const loaded = ctx.api('GET', eventsUrl(c.filter, c.limit)).then(({ events }) => events.forEach((r) => put(r, false)));
  await subscribeAfter(ctx, loaded, (record) => { if (matches(c.filter, record.type)) put(record, true); });
}

function statusCell(status) {
  const cell = el('td');
  cell.append(statusBadge(status));
  return cell;
}

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
  if (c.refresh) setInterval(load, c.refresh * 1000);
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

function durationOf(record) {
  const data = record.event && record.event.data;
  if (!data || typeof data !== 'object') return undefined;
  if (typeof data.duration === 'number') return data.duration;
  if (typeof data.duration_ms === 'number') return data.duration_ms / 1000;
  return undefined;
}

async function chart(c, card, ctx) {
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
    const text = events.length + (events.length === 500 ? '+' : '') + ' ' + c.source.event + ' in ' + c.source.window + (average === undefined ? '' : ', average duration ' + average.toFixed(1) + ' s');
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

async function metric(c, card, ctx) {
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

async function markdown(c, card, ctx) {
  const box = el('div', 'markdown');
  // The one innerHTML: the server's rendering of the application's own markdown (raw HTML escaped).
  box.innerHTML = ctx.view.markdown[c.id] || '';
  card.append(box);
}

/** A form that emits one event over POST /api/events and shows its id and status as it changes. */
export function emitForm(fields, type, label, ctx) {
  const form = el('form', 'emit');
  form.dataset.emits = type;
  for (const f of fields) {
    const wrap = el('label', null, f.label || f.name);
    let input;
    if (f.input === 'textarea') input = el('textarea');
    else if (f.input === 'select') {
      input = el('select');
      for (const option of f.options || []) { const o = el('option', null, option); o.value = option; input.append(o); }
    } else { input = el('input'); input.type = f.input === 'number' ? 'number' : 'text'; }
    input.name = f.name;
    input.required = Boolean(f.required);
    wrap.append(input);
    form.append(wrap);
  }
  const submit = el('button', null, label || 'Send');
  submit.type = 'submit';
  const result = el('div', 'result');
  result.setAttribute('aria-live', 'polite');
  form.append(submit, result);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = {};
    for (const f of fields) {
      const value = form.elements.namedItem(f.name).value;
      if (value !== '') data[f.name] = f.input === 'number' ? Number(value) : value;
    }
    submit.disabled = true;
    ctx.api('POST', '/api/events', { type, data }).then(({ ids }) => {
      const badge = statusBadge('accepted');
      const answer = el('p', 'answer');
      answer.append('Sent ', el('code', 'event-id', ids[0]), ' ', badge);
      result.replaceChildren(answer);
      form.reset();
      watchStatus(ids[0], badge, ctx);
    }, (error) => result.replaceChildren(el('p', 'error', error.message))).finally(() => { submit.disabled = false; });
  });
  return form;
}

function watchStatus(id, badge, ctx) {
  const set = (status) => { badge.textContent = status; badge.className = 'status status-' + status; };
  ctx.subscribe((record) => { if (record.id === id) set(record.status); });
  // The stream carries it when its type is one the page follows; a few reads cover the rest.
  let tries = 0;
  const poll = () => ctx.api('GET', '/api/events/' + encodeURIComponent(id)).then((record) => {
    set(record.status);
    if (WAITING.has(record.status) && ++tries < 30) setTimeout(poll, 1000);
  }, () => undefined);
  setTimeout(poll, 300);
}

/** An application action: a button that shows its form. */
export function actionPanel(action, ctx) {
  const panel = el('div', 'action');
  const button = el('button', 'action-button icon-' + (action.icon || 'none'), action.label);
  button.type = 'button';
  const form = emitForm(action.emit_event.data.form_fields, action.emit_event.type, action.label, ctx);
  form.hidden = true;
  button.addEventListener('click', () => { form.hidden = !form.hidden; });
  panel.append(button, form);
  return panel;
}

async function form(c, card, ctx) {
  card.append(emitForm(c.fields, c.emit_event.type, c.submit_label, ctx));
}

async function action(c, card, ctx) {
  card.append(actionPanel(ctx.app.actions.find((a) => a.id === c.action), ctx));
}

const RENDERERS = { event_stream: eventStream, context_view: contextView, chart, metric, markdown, form, action };

export function renderComponent(component, card, ctx) {
  const render = RENDERERS[component.type];
  if (!render) return Promise.reject(new Error('this page cannot show a ' + component.type + ' component'));
  return render(component, card, ctx);
}
`;
