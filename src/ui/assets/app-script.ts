/**
 * `/apps/_assets/app.js`: the page's entry. Reads the token from sessionStorage (the sign-in
 * page puts it there), finds the application for the page's path over the API, lays it out
 * (routes.js: its pages and components) and keeps it live from `GET /api/stream`, read with
 * fetch and a small SSE parser because EventSource cannot send the Authorization header.
 * Reconnects with Last-Event-ID.
 */
export const APP_SCRIPT = String.raw`
import { el } from './dom.js';
import { mountApp, streamFilter } from './routes.js';

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

function renderBar(title, me) {
  const home = el('a', 'home', 'Vextir apps');
  home.href = '/apps/';
  const live = el('span', 'live', 'offline');
  live.id = 'live';
  const who = el('span', 'who', me && me.userId ? me.userId + (me.admin ? ' (admin)' : '') : '');
  const out = el('button', 'signout', 'Sign out');
  out.addEventListener('click', () => { sessionStorage.removeItem(TOKEN_KEY); location.assign('/apps/_signin'); });
  bar.replaceChildren(home, el('span', 'title', title || ''), who, live, out);
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
  const dashboard = el('p', 'system-link');
  const link = el('a', null, "The operator's dashboard");
  link.href = '/apps/system';
  dashboard.append(link, ' - events and why they ran, plans, agent runs, drivers, schedules, approvals and usage (copy it: npx vextir apps get system).');
  main.replaceChildren(dashboard, el('h1', null, 'Your applications'), apps.length ? list : el('p', null, 'No applications yet: npx vextir apps put <file>.'));
}

/** Who reads: GET /api/me; a server without it reads as a user without the admin role. */
async function whoAmI() {
  try {
    const me = await api('GET', '/api/me');
    return { userId: me.userId, admin: me.admin === true };
  } catch (error) {
    if (error.message === 'unauthenticated') throw error;
    return { userId: undefined, admin: false };
  }
}

async function appPage(path) {
  const { apps } = await api('GET', '/api/ui-apps?path=' + encodeURIComponent(path));
  if (apps.length === 0) {
    renderBar('');
    main.replaceChildren(el('p', 'error', 'There is no application at /apps' + path + '.'));
    return;
  }
  const [view, me] = await Promise.all([api('GET', '/api/ui-apps/' + encodeURIComponent(apps[0].id)), whoAmI()]);
  const app = view.app;
  document.title = app.name + ' - Vextir';
  renderBar(app.name, me);
  const dispatch = mountApp(main, app, view, { api, me });
  follow(streamFilter(app), dispatch);
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
