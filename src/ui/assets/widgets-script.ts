/**
 * `/apps/_assets/widgets.js`: the small pieces the operator's components are built of: tables,
 * links, buttons, definition lists, JSON shown as text, and how times, durations, tokens and
 * money read. Like dom.js, everything here writes data as text only.
 */
export const WIDGETS_SCRIPT = String.raw`
import { el, show, statusBadge } from './dom.js';

/** A table: columns are [heading, (row) => a node or a value shown as text]. */
export function table(columns, rows, rowClass) {
  const t = el('table', 'grid-table');
  const head = el('tr');
  columns.forEach(([heading]) => head.append(el('th', null, heading)));
  const thead = el('thead');
  thead.append(head);
  const body = el('tbody');
  for (const row of rows) body.append(tableRow(columns, row, rowClass));
  t.append(thead, body);
  return t;
}

export function tableRow(columns, row, rowClass) {
  const tr = el('tr', rowClass ? rowClass(row) : null);
  for (const [, cell] of columns) {
    const value = cell(row);
    const td = el('td');
    if (value instanceof Node) td.append(value);
    else td.textContent = show(value);
    tr.append(td);
  }
  return tr;
}

/** A same-page link (the route of an application page); href is built from ids, never from markup. */
export function link(text, href, className) {
  const a = el('a', className, text);
  a.href = href;
  return a;
}

/** A link when there is somewhere to go, plain text otherwise. */
export function maybeLink(text, href, className) {
  return href ? link(text, href, className) : el('span', className, text);
}

export function button(text, onClick, className) {
  const b = el('button', className, text);
  b.type = 'button';
  b.addEventListener('click', onClick);
  return b;
}

/** A definition list from [term, value] pairs; undefined values are left out. */
export function definitions(pairs, className) {
  const dl = el('dl', 'facts' + (className ? ' ' + className : ''));
  for (const [term, value] of pairs) {
    if (value === undefined || value === null || value === '') continue;
    const dd = el('dd');
    if (value instanceof Node) dd.append(value);
    else dd.textContent = show(value);
    dl.append(el('dt', null, term), dd);
  }
  return dl;
}

/** A value as indented JSON text, cut at max characters. */
export function json(value, max) {
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  const limit = max || 20000;
  return el('pre', 'json', text === undefined ? '' : text.length > limit ? text.slice(0, limit) + '\n… (' + text.length + ' characters)' : text);
}

export function badge(status) {
  return statusBadge(status);
}

export function section(title, ...children) {
  const s = el('section', 'part');
  s.dataset.part = title.toLowerCase().replace(/[^a-z]+/g, '-');
  s.append(el('h3', null, title), ...children);
  return s;
}

export function notice(text, kind) {
  return el('p', kind || 'empty', text);
}

export function duration(ms) {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '';
  if (ms < 1000) return (ms < 10 ? ms.toFixed(1) : Math.round(ms)) + ' ms';
  if (ms < 60000) return (ms / 1000).toFixed(1) + ' s';
  if (ms < 3600000) return Math.floor(ms / 60000) + ' min ' + Math.round((ms % 60000) / 1000) + ' s';
  return Math.floor(ms / 3600000) + ' h ' + Math.round((ms % 3600000) / 60000) + ' min';
}

export function between(from, to) {
  const a = Date.parse(from);
  const b = to ? Date.parse(to) : Date.now();
  return Number.isNaN(a) || Number.isNaN(b) ? '' : duration(b - a);
}

/** "in 3 h", "5 min ago". */
export function relative(iso) {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '';
  const delta = at - Date.now();
  if (Math.abs(delta) < 5000) return 'just now';
  const text = duration(Math.abs(delta)).replace(/ \d+ (s|min)$/, '');
  return delta >= 0 ? 'in ' + text : text + ' ago';
}

export function tokens(n) {
  return typeof n === 'number' ? n.toLocaleString() : '';
}

export function usd(n) {
  if (typeof n !== 'number') return '';
  return '$' + (n === 0 ? '0' : n < 0.01 ? n.toPrecision(2) : n.toFixed(2));
}

/** A short form of a long id, for tables; the whole id is its title. */
export function shortId(id) {
  const node = el('code', 'id', id.length > 22 ? id.slice(0, 10) + '…' + id.slice(-8) : id);
  node.title = id;
  return node;
}
`;
