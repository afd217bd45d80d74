/**
 * `/apps/_assets/feed.js`: the `event_stream` component. The reader's events, newest first, as a
 * timeline or a table, their status changing live. With `controls`, a filter bar (type pattern
 * within the component's filter, status, time range, search; for admins, another user's events)
 * and "load more" paging with GET /api/events' cursor; with `link`, each event opens the
 * application's event page. Live records are added only when they pass the filters the page can
 * check itself (another user's events never come over the reader's stream).
 */
export const FEED_SCRIPT = String.raw`
import { el, eventsUrl, matches, renderTemplate, scopeOf, show, statusBadge, subscribeAfter, time } from './dom.js';
import { button } from './widgets.js';

const STATUSES = ['accepted', 'awaiting_approval', 'throttled', 'processed', 'failed', 'dead_lettered', 'denied'];

/** A pattern the reader typed is kept only inside the component's own filter. */
function within(filter, pattern) {
  return filter.includes('*') || filter.some((f) => f === pattern || (f.endsWith('.*') && pattern.startsWith(f.slice(0, -1))));
}

function iso(local) {
  const at = local ? new Date(local) : undefined;
  return at && !Number.isNaN(at.getTime()) ? at.toISOString() : undefined;
}

export async function eventStream(c, card, ctx) {
  const table = c.display === 'table';
  const saved = ctx.state();
  const filters = saved.filters || (saved.filters = { type: '', status: '', user: '', since: '', until: '', q: '' });
  // Reading as another user (the route's ?user=) fills the user filter; leaving it clears what it filled.
  if (ctx.readAs()) { filters.user = ctx.readAs(); saved.userFromRoute = true; } else if (saved.userFromRoute) { filters.user = ''; saved.userFromRoute = false; }
  const list = el(table ? 'table' : 'ol', 'events ' + c.display);
  let body = list;
  if (table) {
    const row = el('tr');
    ['Time', 'Type', 'Status', 'Source', 'Data'].forEach((h) => row.append(el('th', null, h)));
    const head = el('thead');
    head.append(row);
    body = el('tbody');
    list.append(head, body);
  }
  const empty = el('p', 'empty', 'No events yet.');
  const note = el('p', 'empty feed-note');
  note.hidden = true;
  const more = button('Load more', () => load(true), 'secondary more');
  more.hidden = true;
  const rows = new Map();
  let cursor;
  let generation = 0;

  const otherUser = () => filters.user && filters.user !== ctx.me.userId;
  const patterns = () => {
    const typed = filters.type.split(',').map((p) => p.trim()).filter(Boolean);
    return typed.length ? typed : c.filter;
  };
  const put = (record, atTop) => {
    const scope = scopeOf(record);
    const row = el(table ? 'tr' : 'li', 'event');
    row.dataset.eventId = record.id;
    row.dataset.status = record.status;
    const content = c.template ? renderTemplate(c.template, scope) : el('span', 'data', show(scope.data).slice(0, 300));
    const href = c.link ? ctx.linkTo('event', record.id, otherUser() ? { user: filters.user } : undefined) : undefined;
    const type = el(href ? 'a' : 'span', 'type', record.type);
    if (href) {
      type.href = href;
      row.classList.add('linked');
      row.addEventListener('click', (event) => { if (event.target.closest('a, button') === null) location.hash = href; });
    }
    if (table) {
      const cells = [el('td', null, time(scope.time)), el('td'), el('td'), el('td', 'source', scope.source || ''), el('td')];
      cells[1].append(type);
      cells[2].append(statusBadge(record.status));
      cells[4].append(content);
      row.append(...cells);
    } else {
      const meta = el('div', 'meta');
      meta.append(el('time', null, time(scope.time)), type, statusBadge(record.status));
      row.append(meta, content);
    }
    const old = rows.get(record.id);
    if (old) old.replaceWith(row);
    else if (atTop) body.prepend(row);
    else body.append(row);
    rows.set(record.id, row);
    // Paged lists keep what the reader loaded; a plain one keeps its limit.
    while (!c.controls && rows.size > c.limit) {
      const last = body.lastElementChild;
      rows.delete(last.dataset.eventId);
      last.remove();
    }
    empty.hidden = rows.size > 0;
  };

  const query = (next) => {
    if (!c.controls) return eventsUrl(c.filter, c.limit);
    const params = new URLSearchParams({ type: patterns().join(','), limit: String(c.limit) });
    if (filters.status) params.set('status', filters.status);
    if (iso(filters.since)) params.set('since', iso(filters.since));
    if (iso(filters.until)) params.set('until', iso(filters.until));
    if (filters.q.trim()) params.set('q', filters.q.trim());
    if (ctx.me.admin && filters.user.trim()) params.set('user', filters.user.trim());
    if (next) params.set('cursor', next);
    return '/api/events?' + params.toString();
  };

  const load = async (next) => {
    const mine = ++generation;
    more.disabled = true;
    try {
      const answer = await ctx.api('GET', query(next ? cursor : undefined));
      if (mine !== generation || ctx.signal.aborted) return;
      if (!next) { rows.clear(); body.replaceChildren(); }
      answer.events.forEach((r) => put(r, false));
      cursor = answer.cursor;
      more.hidden = !c.controls || !cursor;
      note.hidden = answer.searchComplete !== false;
      note.textContent = answer.searchComplete === false ? 'Searched the newest ' + (answer.scanned || 'few') + ' events: load more to search further back.' : '';
      empty.hidden = rows.size > 0;
      empty.textContent = c.controls ? 'No events match.' : 'No events yet.';
    } finally {
      if (mine === generation) more.disabled = false;
    }
  };

  const live = (record) => {
    if (rows.has(record.id)) return put(record, true);
    if (otherUser() || !matches(patterns(), record.type)) return;
    if (filters.status && record.status !== filters.status) return;
    if (iso(filters.until) || (iso(filters.since) && (record.receivedAt || '') < iso(filters.since))) return;
    if (filters.q.trim() && !JSON.stringify(record.event || {}).toLowerCase().includes(filters.q.trim().toLowerCase())) return;
    put(record, true);
  };

  if (c.controls) card.append(controlBar(c, ctx, filters, within, () => load(false).catch(showError)));
  card.append(note, empty, list, more);
  const showError = (error) => { note.hidden = false; note.className = 'error feed-note'; note.textContent = error.message; };
  await subscribeAfter(ctx, load(false).catch(showError), (record) => { if (matches(c.filter, record.type)) live(record); });
}

function controlBar(c, ctx, filters, within, apply) {
  const form = el('form', 'feed-controls');
  const field = (name, label, input) => {
    const wrap = el('label', null, label);
    input.name = name;
    input.value = filters[name];
    wrap.append(input);
    form.append(wrap);
    return input;
  };
  const text = (placeholder) => { const input = el('input'); input.type = 'text'; input.placeholder = placeholder; return input; };
  const stamp = () => { const input = el('input'); input.type = 'datetime-local'; return input; };
  field('type', 'Type', text(c.filter.includes('*') ? 'task.*, email.received' : c.filter.join(', ')));
  const status = el('select');
  for (const value of ['', ...STATUSES]) { const o = el('option', null, value || 'any status'); o.value = value; status.append(o); }
  field('status', 'Status', status);
  if (ctx.me.admin) field('user', 'User (admin)', text(ctx.me.userId || 'user id'));
  field('since', 'Since', stamp());
  field('until', 'Until', stamp());
  field('q', 'Search', text('text in the event'));
  const go = el('button', null, 'Apply');
  go.type = 'submit';
  const problem = el('span', 'error');
  form.append(go, button('Clear', () => {
    // Reading as another user, the feed stays theirs.
    for (const key of Object.keys(filters)) filters[key] = key === 'user' && ctx.readAs() ? ctx.readAs() : '';
    for (const input of form.querySelectorAll('input, select')) input.value = filters[input.name] || '';
    problem.textContent = '';
    apply();
  }, 'secondary'), problem);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const typed = form.elements.namedItem('type').value.split(',').map((p) => p.trim()).filter(Boolean);
    const outside = typed.filter((p) => !within(c.filter, p));
    if (outside.length) { problem.textContent = outside.join(', ') + ' is outside this view (' + c.filter.join(', ') + ')'; return; }
    problem.textContent = '';
    for (const key of Object.keys(filters)) { const input = form.elements.namedItem(key); if (input) filters[key] = input.value; }
    apply();
  });
  return form;
}
`;
