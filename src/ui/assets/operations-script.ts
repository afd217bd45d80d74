/**
 * `/apps/_assets/operations.js`: the running system at a glance. `driver_table`: every driver
 * with its health, counters and latency (GET /api/drivers), reloaded every `refresh` seconds;
 * `schedule_table`: the reader's schedules and when each fires next, with Pause and Resume;
 * `approval_list`: the events waiting for the reader's decision (an admin may name another
 * user), with Approve and Reject (POST /api/approvals/{id}).
 */
export const OPERATIONS_SCRIPT = String.raw`
import { debounce, el, time } from './dom.js';
import { badge, button, duration, maybeLink, notice, relative, shortId, table } from './widgets.js';

export async function driverTable(c, card, ctx) {
  const box = el('div', 'drivers');
  card.append(box);
  const latency = (d, key) => (d.stats.latencyMs && d.stats.latencyMs.samples ? duration(d.stats.latencyMs[key]) : '');
  const columns = [
    ['Driver', (d) => { const cell = el('span'); cell.append(el('code', null, d.manifest.id), el('small', 'muted', ' ' + d.manifest.name)); return cell; }],
    ['Type', (d) => d.manifest.type],
    ['Health', (d) => { const h = d.stats.health; if (!h) return ''; const b = badge(h.status); b.title = h.reason || ''; return b; }],
    ['Runs', (d) => d.stats.invocations],
    ['Failures', (d) => d.stats.failures],
    ['Timeouts', (d) => d.stats.timeouts],
    ['In flight', (d) => d.stats.inFlight],
    ['p50', (d) => latency(d, 'p50')],
    ['p95', (d) => latency(d, 'p95')],
    ['p99', (d) => latency(d, 'p99')],
    ['Last run', (d) => (d.stats.lastRunAt ? relative(d.stats.lastRunAt) : 'never')],
    ['Handles', (d) => { const caps = d.manifest.capabilities || []; return caps.slice(0, 4).join(', ') + (caps.length > 4 ? ' +' + (caps.length - 4) : ''); }],
  ];
  const load = async () => {
    const { drivers } = await ctx.api('GET', '/api/drivers');
    if (ctx.signal.aborted) return;
    const t = table(columns, drivers, (d) => 'driver health-' + (d.stats.health ? d.stats.health.status : 'unknown'));
    t.querySelectorAll('tbody tr').forEach((row, index) => { row.dataset.driver = drivers[index].manifest.id; });
    const reasons = drivers.filter((d) => d.stats.health && d.stats.health.status !== 'ok' && d.stats.health.status !== 'idle' && d.stats.health.reason);
    box.replaceChildren(t, ...reasons.map((d) => el('p', 'health-reason', d.manifest.id + ': ' + d.stats.health.reason)));
  };
  const show = (error) => box.replaceChildren(notice(error.message, 'error'));
  await load().catch(show);
  ctx.every(() => load().catch(show), c.refresh * 1000);
}

export async function scheduleTable(c, card, ctx) {
  const box = el('div', 'schedules');
  card.append(box);
  const change = (s, what) => async () => {
    try { await ctx.api('POST', '/api/schedules/' + encodeURIComponent(s.id) + '/' + what); await load(); } catch (error) { show(error); }
  };
  const columns = [
    ['Schedule', (s) => shortId(s.id)],
    ['Emits', (s) => el('code', null, s.event.type)],
    ['When', (s) => (s.cron ? s.cron + ' (' + s.timezone + ')' : 'once at ' + time(s.at))],
    ['Status', (s) => badge(s.status)],
    ['Next', (s) => (s.nextFireAt ? time(s.nextFireAt) + ' (' + relative(s.nextFireAt) + ')' : '')],
    ['Fired', (s) => s.fired],
    ['Last fired', (s) => (s.lastFiredAt ? relative(s.lastFiredAt) : '')],
    ['', (s) => (ctx.readAs() ? '' : s.status === 'active' ? button('Pause', change(s, 'pause'), 'secondary') : s.status === 'paused' ? button('Resume', change(s, 'resume'), 'secondary') : '')],
  ];
  const load = async () => {
    const { schedules } = await ctx.api('GET', '/api/schedules?limit=' + c.limit + ctx.userParam('&'));
    if (ctx.signal.aborted) return;
    box.replaceChildren(schedules.length ? table(columns, schedules, () => 'schedule') : notice('No schedules (POST /api/schedules, npx vextir schedules).'));
  };
  const show = (error) => box.replaceChildren(notice(error.message, 'error'));
  await load().catch(show);
  ctx.every(() => load().catch(show), 30000);
}

export async function approvalList(c, card, ctx) {
  const saved = ctx.state();
  const box = el('div', 'approvals');
  let who;
  if (ctx.me.admin) {
    const form = el('form', 'list-controls');
    who = el('input');
    who.name = 'user';
    who.placeholder = ctx.me.userId || 'user id';
    who.value = ctx.readAs() || saved.user || '';
    const label = el('label', null, 'User (admin)');
    label.append(who);
    const go = el('button', null, 'Show');
    go.type = 'submit';
    form.append(label, go);
    form.addEventListener('submit', (event) => { event.preventDefault(); saved.user = who.value.trim(); load().catch(show); });
    card.append(form);
  }
  card.append(box);
  const user = () => (who && who.value.trim() ? who.value.trim() : undefined);
  const userQuery = () => (user() ? '?user=' + encodeURIComponent(user()) : '');
  const decide = (approval, decision, comment, row) => async () => {
    row.querySelectorAll('button').forEach((b) => { b.disabled = true; });
    try {
      const body = { decision };
      if (comment.value.trim()) body.comment = comment.value.trim();
      const answer = await ctx.api('POST', '/api/approvals/' + encodeURIComponent(approval.id) + userQuery(), body);
      row.dataset.decided = answer.approval.status;
      row.querySelector('.outcome').textContent = answer.approval.status + (answer.released ? ': the event runs again' : '');
    } catch (error) {
      row.querySelector('.outcome').textContent = error.message;
      row.querySelectorAll('button').forEach((b) => { b.disabled = false; });
    }
  };
  const load = async () => {
    const { approvals } = await ctx.api('GET', '/api/approvals?status=pending&limit=' + c.limit + (user() ? '&user=' + encodeURIComponent(user()) : ''));
    if (ctx.signal.aborted) return;
    if (approvals.length === 0) { box.replaceChildren(notice('Nothing is waiting for a decision.')); return; }
    const list = el('ul', 'approval-list');
    for (const approval of approvals) {
      const row = el('li', 'approval');
      row.dataset.approvalId = approval.id;
      const comment = el('input');
      comment.placeholder = 'comment (optional)';
      comment.setAttribute('aria-label', 'Comment');
      const head = el('div', 'approval-head');
      head.append(maybeLink(approval.eventType, ctx.linkTo('event', approval.eventId, user() ? { user: user() } : undefined), 'type'), ' ', el('span', 'muted', 'asked ' + relative(approval.requestedAt) + ' by policy '), el('code', null, approval.policy));
      const actions = el('div', 'approval-actions');
      actions.append(comment, button('Approve', decide(approval, 'approve', comment, row), 'approve'), button('Reject', decide(approval, 'reject', comment, row), 'danger reject'), el('span', 'outcome'));
      row.append(head, el('p', 'reason', approval.reason), actions);
      list.append(row);
    }
    box.replaceChildren(list);
  };
  const show = (error) => box.replaceChildren(notice(error.message, 'error'));
  await load().catch(show);
  const reload = debounce(() => { if (!box.querySelector('[data-decided]')) load().catch(show); }, 500);
  ctx.subscribe((record) => { if (record.type.startsWith('approval.')) reload(); });
  ctx.every(() => { if (!box.querySelector('input:focus')) load().catch(show); }, 10000);
}
`;
