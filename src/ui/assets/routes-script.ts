/**
 * `/apps/_assets/routes.js`: an application's pages. An application with `pages` shows them as
 * tabs and routes by the URL's hash: `#/<page>` and `#/<page>/<id>?user=<user>` for an item (an
 * event, a plan, a run) that the page's detail components show. A one-page application is one
 * page, `main`. Admin pages and components are left out for readers without the admin role
 * (GET /api/me); the API refuses what they read to anyone else anyway.
 *
 * An admin may read another user's views: `?user=<id>` on the route (the "Read as" field sets
 * it, every tab and link keeps it), which components pass on to the API as `user=`; the API
 * refuses it to anyone else, and changes (cancel, approve...) stay the owner's business.
 *
 * Every component renders in a scope of its own: its stream listeners, intervals and requests
 * end when it is replaced (another page, another item), so nothing keeps running for a view
 * that is gone. Components that show the route's item re-render when only the item changes;
 * the others stay as they are (a feed keeps its filters and rows) and hear of the new route.
 */
export const ROUTES_SCRIPT = String.raw`
import { el } from './dom.js';
import { actionPanel, renderComponent } from './components.js';

/** Components showing the route's item: re-rendered when it changes. */
const ROUTED = new Set(['event_detail', 'plan_graph', 'agent_runs']);
/** Components that are better without the card's height limit. */
const TALL = new Set(['event_stream', 'event_detail', 'plan_list', 'plan_graph', 'agent_runs', 'driver_table', 'schedule_table', 'approval_list', 'dead_letters']);
/** Which component a link to an item opens. */
const TARGETS = { event: 'event_detail', plan: 'plan_graph', run: 'agent_runs' };

export function pagesOf(app) {
  return app.pages || [{ id: 'main', title: app.name, admin: false, components: app.components }];
}

export function parseRoute(hash) {
  const text = (hash || '').replace(/^#\/?/, '');
  const [path, search] = text.split('?');
  const [page, ...rest] = path.split('/');
  let id;
  try { id = rest.length ? decodeURIComponent(rest.join('/')) : undefined; } catch { id = undefined; }
  const query = Object.fromEntries(new URLSearchParams(search || ''));
  return { page: page || undefined, id: id || undefined, query };
}

export function hrefOf(page, id, query) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query || {})) if (value) params.set(key, value);
  const search = params.toString();
  return '#/' + encodeURIComponent(page) + (id ? '/' + encodeURIComponent(id) : '') + (search ? '?' + search : '');
}

/** Lays out the application, follows the hash, and feeds every live record to the components that listen. */
export function mountApp(main, app, view, services) {
  const { api, me } = services;
  const pages = pagesOf(app).filter((page) => me.admin || !page.admin);
  const hidden = pagesOf(app).filter((page) => !me.admin && page.admin).map((page) => page.id);
  const listeners = new Set();
  const states = new Map();
  const routeHooks = new Set();

  const header = el('header', 'app-header');
  header.append(el('h1', null, app.name));
  if (app.description) header.append(el('p', 'description', app.description));
  if (app.actions.length > 0) {
    const actions = el('div', 'actions');
    const actionCtx = { api, app, view, me, subscribe: (listener) => listeners.add(listener) };
    for (const action of app.actions) actions.append(actionPanel(action, actionCtx));
    header.append(actions);
  }
  const tabs = el('nav', 'tabs');
  tabs.setAttribute('aria-label', 'Pages');
  const tabLinks = new Map();
  // One page needs no tab; an admin still gets the Read as field.
  for (const page of pages.length > 1 ? pages : []) {
    const a = el('a', 'tab', page.title);
    a.href = hrefOf(page.id);
    a.dataset.page = page.id;
    tabLinks.set(page.id, a);
    tabs.append(a);
  }
  const readAsForm = me.admin ? readAs(() => current) : undefined;
  if (readAsForm) tabs.append(readAsForm.form);
  const body = el('div', 'page');
  main.replaceChildren(header, ...(pages.length > 1 || readAsForm ? [tabs] : []), body);

  let current;
  /** Whose views an admin reads (the route's ?user=); undefined for one's own. */
  const readingAs = () => (me.admin && current && current.route.query.user && current.route.query.user !== me.userId ? current.route.query.user : undefined);

  /** Where a link to an item goes: the first page holding its detail component, if the reader sees one. */
  const linkTo = (kind, id, query) => {
    const page = pages.find((p) => p.components.some((c) => c.type === TARGETS[kind] && (me.admin || !c.admin)));
    return page && id ? hrefOf(page.id, id, query || { user: readingAs() }) : undefined;
  };

  const route = () => {
    const wanted = parseRoute(location.hash);
    const page = pages.find((p) => p.id === wanted.page) || (hidden.includes(wanted.page) ? undefined : pages[0]);
    const user = me.admin ? wanted.query.user : undefined;
    for (const [id, a] of tabLinks) {
      a.href = hrefOf(id, undefined, { user });
      if (page && id === page.id) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
    }
    if (readAsForm) readAsForm.show(user);
    // Another user's views are a different page altogether: render afresh.
    if (current && (current.route.query.user || '') !== (wanted.query.user || '')) { current.controllers.forEach((c) => c.abort()); current = undefined; }
    if (!page) {
      current?.controllers.forEach((c) => c.abort());
      current = undefined;
      body.replaceChildren(el('p', 'error', 'This page needs the admin role.'));
      return;
    }
    document.body.dataset.page = page.id;
    if (current && current.page === page) {
      current.route = wanted;
      for (const entry of current.cards) if (ROUTED.has(entry.component.type)) entry.render();
      routeHooks.forEach((hook) => hook(wanted));
      return;
    }
    current?.controllers.forEach((c) => c.abort());
    routeHooks.clear();
    current = { page, route: wanted, cards: [], controllers: new Set() };
    const grid = el('div', 'grid cols-' + app.layout.columns);
    const loads = [];
    for (const component of page.components) {
      if (component.admin && !me.admin) continue;
      const card = el('section', 'component span-' + Math.min(component.span, app.layout.columns) + (TALL.has(component.type) ? ' tall' : ''));
      card.dataset.component = component.id;
      card.dataset.type = component.type;
      grid.append(card);
      const entry = { component, controller: undefined };
      const owner = current;
      entry.render = () => {
        if (entry.controller) { entry.controller.abort(); owner.controllers.delete(entry.controller); }
        const controller = new AbortController();
        entry.controller = controller;
        owner.controllers.add(controller);
        card.replaceChildren();
        if (component.title) card.append(el('h2', null, component.title));
        const ctx = context(component, controller.signal, owner, page.id);
        return renderComponent(component, card, ctx).catch((error) => { if (!controller.signal.aborted) card.append(el('p', 'error', error.message)); });
      };
      current.cards.push(entry);
      loads.push(entry.render());
    }
    body.replaceChildren(grid);
    // When every component of the first page shown finished its first load (ms since navigation
    // start): the browser tests and the ui bench wait for it.
    if (!document.body.dataset.ready) Promise.all(loads).then(() => { document.body.dataset.ready = String(Math.round(performance.now())); });
  };

  const context = (component, signal, owner, pageId) => ({
    api, app, view, me, signal, linkTo,
    /** Another user whose views an admin reads, or undefined. */
    readAs: readingAs,
    /** '?user=' (or '&user=') for the API when an admin reads another user's views, '' otherwise. */
    userParam: (sep) => (readingAs() ? (sep || '?') + 'user=' + encodeURIComponent(readingAs()) : ''),
    /** The route now: components that stay on a route change read the new one. */
    get route() { return owner.route; },
    /** This page, or an item on it. */
    hrefHere: (id, query) => hrefOf(pageId, id, query || { user: readingAs() }),
    /** Live records, until the component is replaced. */
    subscribe: (listener) => {
      listeners.add(listener);
      signal.addEventListener('abort', () => listeners.delete(listener), { once: true });
    },
    /** fn every ms milliseconds, until the component is replaced. */
    every: (fn, ms) => {
      const timer = setInterval(fn, ms);
      signal.addEventListener('abort', () => clearInterval(timer), { once: true });
    },
    onRoute: (hook) => {
      routeHooks.add(hook);
      signal.addEventListener('abort', () => routeHooks.delete(hook), { once: true });
    },
    go: (page, id, query) => { location.hash = hrefOf(page, id, query); },
    /** What a component keeps across re-renders (a feed's filters). */
    state: () => {
      if (!states.has(component.id)) states.set(component.id, {});
      return states.get(component.id);
    },
  });

  window.addEventListener('hashchange', route);
  route();
  return (record) => { for (const listener of [...listeners]) listener(record); };
}

/** The admin's "Read as" field: sets or clears ?user= on the current route. */
function readAs(currentOf) {
  const form = el('form', 'read-as');
  const input = el('input');
  input.name = 'user';
  input.placeholder = 'user id';
  input.setAttribute('aria-label', 'Read as user');
  const go = el('button', 'secondary', 'Read as');
  go.type = 'submit';
  const label = el('span', 'reading');
  form.append(label, input, go);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const route = currentOf() ? currentOf().route : parseRoute(location.hash);
    const page = route.page || (currentOf() ? currentOf().page.id : 'main');
    location.hash = hrefOf(page, undefined, { user: input.value.trim() });
  });
  return {
    form,
    show: (user) => {
      input.value = user || '';
      label.textContent = user ? 'Reading as ' + user : '';
      document.body.dataset.readAs = user || '';
    },
  };
}

/** Every type the page shows: subscribed_events, the components' filters and the events its forms emit. */
export function streamFilter(app) {
  const patterns = new Set(app.subscribed_events);
  for (const page of pagesOf(app)) {
    for (const c of page.components) {
      if (c.type === 'event_stream') c.filter.forEach((p) => patterns.add(p));
      if (c.type === 'chart') patterns.add(c.source.event);
      if (c.type === 'metric') patterns.add(c.event);
      if (c.type === 'form') patterns.add(c.emit_event.type);
      // An event's page follows its whole chain, whatever the types in it.
      if (c.type === 'event_detail' || c.type === 'plan_graph') patterns.add('*');
      if (c.type === 'plan_list') patterns.add('plan.*');
      if (c.type === 'approval_list') patterns.add('approval.*');
    }
  }
  for (const a of app.actions) patterns.add(a.emit_event.type);
  return patterns.has('*') ? '' : [...patterns].join(',');
}
`;
