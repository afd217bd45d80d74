/**
 * `/apps/_assets/dead-letters.js`: the `dead_letters` component (admin). The messages the bus
 * gave up on (GET /api/admin/dead-letters): why, how often they were delivered, what they carry.
 * Replay one with its button, or tick several (or all) and replay them together: a progress bar
 * counts them as POST /api/admin/dead-letters/{messageId}/replay answers, a few at a time, and
 * each row says how its replay went.
 */
export const DEAD_LETTERS_SCRIPT = String.raw`
import { el, show, time } from './dom.js';
import { button, notice, table } from './widgets.js';

/** Replays in flight at once: enough to be quick, few enough not to flood the queue's writer. */
const PARALLEL = 3;

export async function deadLetters(c, card, ctx) {
  const toolbar = el('div', 'bulk');
  const all = el('input');
  all.type = 'checkbox';
  all.setAttribute('aria-label', 'Select all');
  const replaySelected = button('Replay selected', () => bulk().catch(() => undefined), 'replay-selected');
  const progress = el('progress');
  progress.hidden = true;
  const status = el('span', 'bulk-status');
  status.setAttribute('aria-live', 'polite');
  const refresh = button('Refresh', () => load().catch(problem), 'secondary');
  const allLabel = el('label', 'inline', 'All');
  allLabel.prepend(all);
  toolbar.append(allLabel, replaySelected, progress, status, refresh);
  const box = el('div', 'dead-letter-list');
  card.append(toolbar, box);
  let letters = [];
  const rows = new Map();

  const selected = () => letters.filter((l) => rows.get(l.messageId)?.querySelector('input.pick').checked && !rows.get(l.messageId).dataset.replayed);
  const count = () => {
    const n = selected().length;
    replaySelected.textContent = 'Replay selected (' + n + ')';
    replaySelected.disabled = n === 0;
  };
  const replay = async (letter) => {
    const row = rows.get(letter.messageId);
    const outcome = row.querySelector('.outcome');
    outcome.textContent = 'replaying…';
    try {
      await ctx.api('POST', '/api/admin/dead-letters/' + encodeURIComponent(letter.messageId) + '/replay');
      row.dataset.replayed = 'true';
      outcome.textContent = 'back on the queue';
      row.querySelectorAll('input, button').forEach((input) => { input.disabled = true; });
      return true;
    } catch (error) {
      outcome.textContent = error.message;
      row.dataset.failed = 'true';
      return false;
    }
  };
  const bulk = async () => {
    const chosen = selected();
    if (chosen.length === 0) return;
    replaySelected.disabled = true;
    progress.hidden = false;
    progress.max = chosen.length;
    progress.value = 0;
    let done = 0;
    let failed = 0;
    const say = () => { status.textContent = done + ' of ' + chosen.length + ' replayed' + (failed ? ', ' + failed + ' failed' : ''); };
    say();
    const queue = [...chosen];
    await Promise.all(Array.from({ length: Math.min(PARALLEL, queue.length) }, async () => {
      for (let letter = queue.shift(); letter; letter = queue.shift()) {
        if (await replay(letter)) done++; else failed++;
        progress.value = done + failed;
        say();
      }
    }));
    status.textContent = 'Done: ' + done + ' of ' + chosen.length + ' replayed' + (failed ? ', ' + failed + ' failed' : '');
    card.dataset.bulk = 'done';
    count();
  };
  const columns = [
    ['', (l) => { const pick = el('input', 'pick'); pick.type = 'checkbox'; pick.setAttribute('aria-label', 'Select ' + l.messageId); pick.addEventListener('change', count); return pick; }],
    ['Message', (l) => el('code', null, l.messageId)],
    ['Reason', (l) => l.reason],
    ['Why', (l) => { const why = el('span', 'why-text', l.description.length > 160 ? l.description.slice(0, 160) + '…' : l.description); why.title = l.description; return why; }],
    ['Deliveries', (l) => l.deliveryCount],
    ['Dead-lettered', (l) => time(l.deadLetteredAt)],
    ['Carries', (l) => carries(l.body)],
    ['', (l) => button('Replay', () => replay(l).then(count), 'replay-one')],
    ['', () => el('span', 'outcome')],
  ];
  const load = async () => {
    const answer = await ctx.api('GET', '/api/admin/dead-letters?limit=' + c.limit);
    if (ctx.signal.aborted) return;
    letters = answer.deadLetters;
    rows.clear();
    all.checked = false;
    card.dataset.bulk = '';
    if (letters.length === 0) { box.replaceChildren(notice('No dead letters: the bus has given up on nothing.')); count(); return; }
    const t = table(columns, letters, () => 'dead-letter');
    t.querySelectorAll('tbody tr').forEach((row, index) => { row.dataset.messageId = letters[index].messageId; rows.set(letters[index].messageId, row); });
    box.replaceChildren(t);
    count();
  };
  const problem = (error) => box.replaceChildren(notice(error.status === 403 ? 'Dead letters need the admin role.' : error.message, 'error'));
  all.addEventListener('change', () => {
    for (const row of rows.values()) { const pick = row.querySelector('input.pick'); if (!pick.disabled) pick.checked = all.checked; }
    count();
  });
  await load().catch(problem);
}

/** What a dead letter's body says it is, as far as it says. */
function carries(body) {
  if (!body || typeof body !== 'object') return show(body).slice(0, 120);
  const parts = [body.type, body.id, body.userid ? 'user ' + body.userid : undefined].filter((p) => p !== undefined && p !== null);
  return parts.length ? parts.map(show).join(' · ') : show(body).slice(0, 120);
}
`;
