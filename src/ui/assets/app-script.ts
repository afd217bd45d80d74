/**
 * `/apps/_assets/app.js`: the page's entry. Reads the token from sessionStorage (the sign-in
 * page puts it there), finds the application for the page's path over the API, lays out its
 * components and keeps them live from `GET /api/stream`, read with fetch and a small SSE parser
 * because EventSource cannot send the Authorization header. Reconnects with Last-Event-ID.
 */
export const APP_SCRIPT = String.raw`
import { el } from './dom.js';
import { actionPanel, renderComponent } from './components.js';

const TOKEN_KEY = 'vextir.token';
const main = document.getElementById('app');
const bar = document.getElementById('bar');

export function token() { return sessionStorage.getItem(TOKEN_KEY); }

export async function api(method, path, body) {
  const headers = { authorization: 'Bearer ' + token(), accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 401) {
    sessionStorage.removeItem(TOKEN_KEY);
    signInLink('Your token was refused (expired or from another server): sign in again.');
    throw new Error('unauthenticated');
  }
  const json = (response.headers.get('content-type') || '').includes('json') ? await response.json() : undefined;
  if (!response.ok) {
    const error = new Error((json && (json.detail || json.title)) || response.status + ' ' + response.statusText);
    error.status = response.status;
    throw error;
  }
  return json;
}

function signInLink(message) {
  const link = el('a', null, 'Sign in');
  link.href = '/apps/_signin?next=' + encodeURIComponent(location.pathname);
  main.replaceChildren(el('p', 'error', message), link);
}

function signInPage() {
  document.title = 'Sign in - Vextir apps';
  const form = el('form', 'signin');
  const label = el('label', null, 'Paste a token (npx vextir token <user> on the embedded default; an Entra ID access token for the API on Azure)');
  const input = el('textarea');
  input.name = 'token';
  input.required = true;
  input.rows = 4;
  input.autocomplete = 'off';
  label.append(input);
  const submit = el('button', null, 'Sign in');
  submit.type = 'submit';
  const status = el('p', 'status');
  form.append(el('h1', null, 'Sign in'), label, submit, status);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = input.value.trim().replace(/^Bearer\s+/i, '');
    sessionStorage.setItem(TOKEN_KEY, value);
    api('GET', '/api/ui-apps').then(() => {
      const next = new URLSearchParams(location.search).get('next') || '/apps/';
      location.assign(/^\/apps\/(?!_signin)/.test(next) ? next : '/apps/');
    }, (error) => { status.textContent = 'Not signed in: ' + error.message; });
  });
  main.replaceChildren(form);
}

function renderBar(title) {
  const home = el('a', 'home', 'Vextir apps');
  home.href = '/apps/';
  const live = el('span', 'live', 'offline');
  live.id = 'live';
  const out = el('button', 'signout', 'Sign out');
  out.addEventListener('click', () => { sessionStorage.removeItem(TOKEN_KEY); location.assign('/apps/_signin'); });
  bar.replaceChildren(home, el('span', 'title', title || ''), live, out);
}

async function listPage() {
  renderBar('Applications');
  const { apps } = await api('GET', '/api/ui-apps');
  const list = el('ul', 'apps');
  for (const app of apps) {
    const link = el('a', null, app.name);
    link.href = '/apps' + app.path;
    const item = el('li');
    item.append(link, el('code', null, app.path));
    list.append(item);
  }
  main.replaceChildren(el('h1', null, 'Your applications'), apps.length ? list : el('p', null, 'No applications yet: npx vextir apps put <file>.'));
}

async function appPage(path) {
  const { apps } = await api('GET', '/api/ui-apps?path=' + encodeURIComponent(path));
  if (apps.length === 0) {
    renderBar('');
    main.replaceChildren(el('p', 'error', 'There is no application at /apps' + path + '.'));
    return;
  }
  const view = await api('GET', '/api/ui-apps/' + encodeURIComponent(apps[0].id));
  const app = view.app;
  document.title = app.name + ' - Vextir';
  renderBar(app.name);
  const grid = el('div', 'grid cols-' + app.layout.columns);
  const listeners = [];
  const context = { api, app, view, subscribe: (listener) => listeners.push(listener) };
  const loads = [];
  for (const component of app.components) {
    const card = el('section', 'component span-' + Math.min(component.span, app.layout.columns));
    card.dataset.component = component.id;
    card.dataset.type = component.type;
    if (component.title) card.append(el('h2', null, component.title));
    grid.append(card);
    loads.push(renderComponent(component, card, context).catch((error) => card.append(el('p', 'error', error.message))));
  }
  // When every component's first load settled (ms since navigation start): tests and the ui bench wait for it.
  Promise.all(loads).then(() => { document.body.dataset.ready = String(Math.round(performance.now())); });
  const header = el('header', 'app-header');
  header.append(el('h1', null, app.name));
  if (app.description) header.append(el('p', 'description', app.description));
  if (app.actions.length > 0) {
    const actions = el('div', 'actions');
    for (const action of app.actions) actions.append(actionPanel(action, context));
    header.append(actions);
  }
  main.replaceChildren(header, grid);
  follow(streamFilter(app), (record) => { for (const listener of listeners) listener(record); });
}

/** Every type the page shows: subscribed_events, the components' filters and the events its forms emit. */
function streamFilter(app) {
  const patterns = new Set(app.subscribed_events);
  for (const c of app.components) {
    if (c.type === 'event_stream') c.filter.forEach((p) => patterns.add(p));
    if (c.type === 'chart') patterns.add(c.source.event);
    if (c.type === 'metric') patterns.add(c.event);
    if (c.type === 'form') patterns.add(c.emit_event.type);
  }
  for (const a of app.actions) patterns.add(a.emit_event.type);
  return patterns.has('*') ? '' : [...patterns].join(',');
}

/** GET /api/stream as Server-Sent Events over fetch; calls onRecord with each event record. */
async function follow(filter, onRecord) {
  const live = document.getElementById('live');
  let lastId = null;
  for (let attempt = 0; ; attempt++) {
    try {
      const headers = { authorization: 'Bearer ' + token(), accept: 'text/event-stream' };
      if (lastId) headers['last-event-id'] = lastId;
      const response = await fetch('/api/stream' + (filter ? '?filter=' + encodeURIComponent(filter) : ''), { headers });
      if (response.status === 401) { signInLink('Your token was refused: sign in again.'); return; }
      // A cursor the server no longer takes (another instance's, a restored store): start from now.
      if (response.status === 400 && lastId) { lastId = null; continue; }
      if (!response.ok || !response.body) throw new Error('stream answered ' + response.status);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        if (live.textContent !== 'live') { live.textContent = 'live'; document.body.dataset.live = 'open'; attempt = 0; }
        buffer += value.replace(/\r\n?/g, '\n');
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const message = parseMessage(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          if (message.id) lastId = message.id;
          if (message.data) { try { onRecord(JSON.parse(message.data)); } catch (error) { console.warn('a live event could not be shown', error); } }
        }
      }
    } catch (error) {
      console.warn('the live stream stopped', error);
    }
    live.textContent = 'reconnecting';
    document.body.dataset.live = 'reconnecting';
    await new Promise((resolve) => setTimeout(resolve, Math.min(30000, 500 * 2 ** Math.min(attempt, 6))));
  }
}

function parseMessage(block) {
  const message = { data: '' };
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') message.data += (message.data ? '\n' : '') + value;
    else if (field === 'id' || field === 'event') message[field] = value;
  }
  return message;
}

async function start() {
  const path = location.pathname.replace(/^\/apps/, '').replace(/\/+$/, '');
  if (path === '/_signin') return signInPage();
  if (!token()) { location.assign('/apps/_signin?next=' + encodeURIComponent(location.pathname)); return; }
  return path === '' ? listPage() : appPage(path);
}

start().catch((error) => { if (error.message !== 'unauthenticated') main.replaceChildren(el('p', 'error', error.message)); });
`;
