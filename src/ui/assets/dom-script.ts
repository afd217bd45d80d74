/**
 * `/apps/_assets/dom.js`: the client's DOM and small shared helpers (type patterns, windows,
 * the live stream's subscriptions). The one rule: data reaches the page only as
 * text (textContent, text nodes). Card templates are parsed in an inert document (DOMParser runs
 * no script and loads nothing), only allow-listed tags are copied, with no attribute but
 * `class`, and each `{{field}}` becomes part of a text node, so event data is never parsed.
 *
 * Kept as a string in a .ts module so the build (tsc, which copies only .ts) ships it with
 * the code on both hosts; written without backticks or `${` so it needs no escaping here.
 */
import { TEMPLATE_TAGS } from '../template.js';

export const DOM_SCRIPT = String.raw`
export const TEMPLATE_TAGS = new Set(` + JSON.stringify(TEMPLATE_TAGS) + String.raw`);
const DROPPED = new Set(['script', 'style', 'template', 'iframe', 'object', 'embed', 'noscript', 'svg', 'math']);

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

/** The value at a dotted path; a path not found at the top is looked up in data (so {{location}} finds data.location). */
export function lookup(scope, path) {
  const walk = (root) => path.split('.').reduce((value, key) => (value !== null && typeof value === 'object' && Object.hasOwn(value, key) ? value[key] : undefined), root);
  const found = walk(scope);
  return found === undefined && scope && typeof scope.data === 'object' ? walk(scope.data) : found;
}

export function show(value) {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function fill(text, scope) {
  return document.createTextNode(text.replace(/\{\{([^{}]*)\}\}/g, (_, path) => show(lookup(scope, path.trim()))));
}

function copy(from, to, scope) {
  for (const node of from.childNodes) {
    if (node.nodeType === Node.TEXT_NODE) to.append(fill(node.nodeValue, scope));
    else if (node.nodeType === Node.ELEMENT_NODE) {
      const tag = node.tagName.toLowerCase();
      if (DROPPED.has(tag)) continue;
      if (!TEMPLATE_TAGS.has(tag)) { copy(node, to, scope); continue; }
      const made = document.createElement(tag);
      const cls = node.getAttribute('class');
      if (cls) made.className = cls;
      copy(node, made, scope);
      to.append(made);
    }
  }
}

const parsed = new Map();
/** A card from a template and a scope: see the file comment for why this is safe. */
export function renderTemplate(template, scope) {
  let body = parsed.get(template);
  if (!body) {
    body = new DOMParser().parseFromString('<!doctype html><body>' + template, 'text/html').body;
    parsed.set(template, body);
  }
  const out = el('div', 'templated');
  copy(body, out, scope);
  return out;
}

export function time(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleString();
}

export function matches(patterns, type) {
  return patterns.length === 0 || patterns.some((p) => p === '*' || (p.endsWith('.*') ? type.startsWith(p.slice(0, -1)) : p === type));
}

export function scopeOf(record) {
  const e = record.event || {};
  return { id: record.id, type: record.type, status: record.status, time: e.time, source: e.source, subject: e.subject, data: e.data };
}

/** Subscribes at once and holds records until the first load is shown, so none is lost in between. */
export function subscribeAfter(ctx, loaded, listener) {
  const held = [];
  let ready = false;
  ctx.subscribe((record) => (ready ? listener(record) : held.push(record)));
  return loaded.then(() => { ready = true; held.splice(0).forEach(listener); });
}

export function debounce(fn, ms) {
  let timer;
  return () => { clearTimeout(timer); timer = setTimeout(fn, ms); };
}

export function eventsUrl(types, limit) {
  return '/api/events?type=' + encodeURIComponent(types.join(',')) + '&limit=' + limit;
}

export function statusBadge(status) {
  return el('span', 'status status-' + status, status);
}

`;
