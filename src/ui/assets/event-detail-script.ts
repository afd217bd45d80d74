/**
 * `/apps/_assets/event-detail.js`: the `event_detail` component, an event's page (the route's
 * id; an admin may add `?user=`). What happened and why: the authorizer's decision with every
 * policy evaluated and those that matched, the restrictions and the kinds of personal data found;
 * each driver run with its status, duration, usage and error; the chain as a tree (its parents
 * up to the root, its children and theirs, each a link); the data; and the audit entries. Reloads
 * when a record of its chain arrives live, and every few seconds until the event is final.
 */
export const EVENT_DETAIL_SCRIPT = String.raw`
import { debounce, el, time } from './dom.js';
import { badge, definitions, duration, json, maybeLink, notice, section, shortId, table, tokens, usd } from './widgets.js';

const FINAL = new Set(['processed', 'failed', 'dead_lettered', 'denied']);

export async function eventDetail(c, card, ctx) {
  const box = el('div', 'event-detail');
  card.append(box);
  const id = ctx.route.id;
  if (!id) { box.append(openForm(ctx)); return; }
  const user = ctx.readAs();
  const suffix = user ? '?user=' + encodeURIComponent(user) : '';
  const linkOf = (eventId) => ctx.linkTo('event', eventId, user ? { user } : undefined);
  let record;
  const load = async () => {
    const [found, tree] = await Promise.all([
      ctx.api('GET', '/api/events/' + encodeURIComponent(id) + suffix),
      ctx.api('GET', '/api/events/' + encodeURIComponent(id) + '/tree' + suffix).catch(() => undefined),
    ]);
    if (ctx.signal.aborted) return;
    record = found;
    box.replaceChildren(...render(found, tree, linkOf));
    box.dataset.status = found.status;
  };
  try {
    await load();
  } catch (error) {
    box.replaceChildren(notice(error.status === 404 ? 'No event ' + id + (user ? ' of ' + user : '') + ' was found.' : error.message, 'error'));
    return;
  }
  const reload = debounce(() => load().catch(() => undefined), 300);
  ctx.subscribe((r) => {
    const e = r.event || {};
    if (r.id === id || (record && e.correlationid === record.event.correlationid)) reload();
  });
  ctx.every(() => { if (record && !FINAL.has(record.status)) reload(); }, 2000);
}

function openForm(ctx) {
  const form = el('form', 'open-event');
  const input = el('input');
  input.name = 'id';
  input.placeholder = 'evt_…';
  input.required = true;
  const go = el('button', null, 'Open');
  go.type = 'submit';
  const label = el('label', null, 'Open an event by its id (or choose one in the activity feed)');
  label.append(input);
  form.append(label, go);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const href = ctx.linkTo('event', input.value.trim());
    if (href) location.hash = href;
  });
  return form;
}

function render(r, tree, linkOf) {
  const e = r.event;
  const head = el('div', 'detail-head');
  head.append(el('h2', 'type', r.type), badge(r.status));
  const facts = definitions([
    ['Id', el('code', null, r.id)],
    ['Source', e.source],
    ['Subject', e.subject],
    ['Category', e.category],
    ['Time', time(e.time)],
    ['Received', time(r.receivedAt)],
    ['Updated', time(r.updatedAt)],
    ['Attempts', r.attempts],
    ['Parent', e.causationid ? maybeLink(e.causationid, linkOf(e.causationid)) : undefined],
    ['Root', e.correlationid && e.correlationid !== r.id ? maybeLink(e.correlationid, linkOf(e.correlationid)) : undefined],
    ['Error', r.error ? r.error.code + ': ' + r.error.message : undefined],
  ]);
  const parts = el('div', 'parts');
  parts.append(decision(r.decision), chain(r, tree, linkOf), drivers(r.drivers || []), section('Data', json(e.data)), audit(r.audit || []));
  return [head, facts, parts];
}

function decision(d) {
  if (!d) return section('Decision', notice('Not decided yet: the event has not been processed.'));
  const verdict = el('p', 'verdict ' + (d.allowed ? 'allowed' : 'refused'), (d.allowed ? 'Allowed' : d.verdict === 'require_approval' ? 'Waiting for approval' : d.verdict === 'throttle' ? 'Throttled' : 'Denied') + ' by ' + d.authorizer + (d.decidedBy ? ' (' + d.decidedBy + ')' : ''));
  const matched = new Map((d.matched || []).map((m) => [m.id, m]));
  const policies = el('ol', 'policies');
  for (const id of d.policies || []) {
    const m = matched.get(id);
    const item = el('li', m ? 'matched' : null);
    item.dataset.policy = id;
    item.append(el('code', null, id));
    if (m) item.append(' ', el('span', 'action action-' + m.action, m.action), m.error ? el('span', 'error', ' ' + m.error) : '');
    policies.append(item);
  }
  const pii = el('span', 'chips');
  (d.pii || []).forEach((kind) => pii.append(el('span', 'chip', kind)));
  const restrictions = d.restrictions && Object.keys(d.restrictions).length ? definitions(Object.entries(d.restrictions).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)])) : undefined;
  return section('Decision', verdict, el('p', 'reason', d.reason), definitions([
    ['Policies evaluated', (d.policies || []).length ? policies : 'none'],
    ['Matched', (d.matched || []).map((m) => m.id + ' (' + m.action + ')').join(', ') || 'none'],
    ['Restrictions', restrictions],
    ['Personal data', (d.pii || []).length ? pii : 'none found'],
    ['Context path', d.contextPath],
    ['Approval', d.approval ? d.approval.id + ' - ' + d.approval.reason : undefined],
    ['Throttle', d.throttle ? d.throttle.policy + ', runs at ' + time(d.throttle.runAt) : undefined],
    ['Notified', (d.notifications || []).map((n) => n.policy + ' -> ' + n.to.join(', ')).join('; ') || undefined],
  ]));
}

function drivers(runs) {
  if (runs.length === 0) return section('Drivers run', notice('No driver ran.'));
  return section('Drivers run', table([
    ['Driver', (d) => el('code', null, d.driver)],
    ['Status', (d) => badge(d.status)],
    ['Attempt', (d) => d.attempt],
    ['Duration', (d) => duration(d.durationMs)],
    ['Emitted', (d) => d.emitted.length],
    ['Tokens', (d) => (d.usage ? tokens(d.usage.tokens) : '')],
    ['Cost', (d) => (d.usage ? usd(d.usage.costUsd) : '')],
    ['Error', (d) => (d.error ? d.error.code + ': ' + d.error.message : '')],
  ], runs, (d) => 'driver-run status-row-' + d.status));
}

/** Parents up to the root, then this event and everything that came of it, as nested lists. */
function chain(r, tree, linkOf) {
  const item = (node, current) => {
    const li = el('li', current ? 'current' : null);
    li.dataset.eventId = node.id;
    li.append(current ? el('strong', 'type', node.type) : maybeLink(node.type || node.id, linkOf(node.id), 'type'), ' ', badge(node.status || 'accepted'), ' ', shortId(node.id));
    return li;
  };
  const parts = [];
  if (tree && tree.ancestors && tree.ancestors.length) {
    const up = el('ol', 'ancestors');
    tree.ancestors.forEach((a) => up.append(item(a, false)));
    parts.push(el('h4', null, 'Parents, from the root'), up);
  }
  const root = el('ul', 'tree');
  const self = item({ id: r.id, type: r.type, status: r.status }, true);
  root.append(self);
  if (tree && Array.isArray(tree.nodes)) {
    const byParent = new Map();
    for (const node of tree.nodes) {
      if (node.id === r.id) continue;
      if (!byParent.has(node.parent)) byParent.set(node.parent, []);
      byParent.get(node.parent).push(node);
    }
    const grow = (li, id) => {
      const kids = byParent.get(id);
      if (!kids) return;
      const ul = el('ul');
      for (const kid of kids) { const child = item(kid, false); grow(child, kid.id); ul.append(child); }
      li.append(ul);
    };
    grow(self, r.id);
    if (tree.truncated) parts.push(notice('The tree is cut short: the chain is larger than one page shows.'));
  } else if (r.children.length) {
    const ul = el('ul');
    r.children.forEach((id) => ul.append(item({ id, type: id }, false)));
    self.append(ul);
  }
  parts.push(el('h4', null, 'This event and what came of it'), root);
  return section('Chain', ...parts);
}

function audit(entries) {
  if (entries.length === 0) return section('Audit', notice('No audit entries yet.'));
  return section('Audit', table([
    ['At', (a) => time(a.at)],
    ['#', (a) => a.seq],
    ['Attempt', (a) => a.attempt],
    ['Status', (a) => (a.status ? badge(a.status) : a.action || a.kind)],
    ['Decision', (a) => (a.decision ? a.decision.reason : a.reason || '')],
    ['Drivers', (a) => (a.drivers || []).join(', ')],
    ['Emitted', (a) => (a.emitted || []).length],
    ['Hash', (a) => (a.hash ? shortId(a.hash) : '')],
  ], entries, () => 'audit-entry'));
}
`;
