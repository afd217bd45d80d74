/**
 * `/apps/_assets/forms.js`: forms that emit one event over POST /api/events, then show the
 * event's id and follow its status (from the live stream, and a few reads of GET /api/events/{id}
 * for types the page does not follow). An application's actions are such forms behind a button.
 */
export const FORMS_SCRIPT = String.raw`
import { el, statusBadge } from './dom.js';

const WAITING = new Set(['accepted', 'throttled', 'awaiting_approval']);

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
`;
