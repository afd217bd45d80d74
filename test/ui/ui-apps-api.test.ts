/** /api/ui-apps and the /apps pages, called in memory over the in-memory adapters. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { APP_CSP, CLIENT_MODULES, SYSTEM_APP_YAML } from '../../src/ui/index.js';
import { apiFixture, assertProblem, send } from '../api/helpers.js';

const YAML = { 'content-type': 'application/yaml' };
const JSON_TYPE = { 'content-type': 'application/json' };
const tasks = readFileSync(new URL('../../examples/apps/tasks.yaml', import.meta.url), 'utf8');
const weather = readFileSync(new URL('../../examples/packs/weather/weather-app.yaml', import.meta.url), 'utf8');

function app(components: unknown[], extra: Record<string, unknown> = {}) {
  return JSON.stringify({ type: 'ui_application', id: 'a1', name: 'A', path: '/a', components, ...extra });
}

describe('/api/ui-apps', () => {
  it('stores the examples as YAML, lists, finds by path, gets and deletes them', async () => {
    const fixture = apiFixture();
    const token = await fixture.token('alice');
    const created = await send(fixture, 'POST', '/api/ui-apps', { token, headers: YAML, body: tasks });
    expect(created.status, created.text).toBe(201);
    expect(created.json()).toMatchObject({ id: 'task_dashboard', path: '/dashboard/tasks', components: 3 });
    expect(created.headers['location']).toBe('/api/ui-apps/task_dashboard');
    expect((await send(fixture, 'POST', '/api/ui-apps', { token, headers: YAML, body: tasks })).status).toBe(200);
    expect((await send(fixture, 'POST', '/api/ui-apps', { token, headers: YAML, body: weather })).status).toBe(201);

    const list = (await send(fixture, 'GET', '/api/ui-apps', { token })).json() as { apps: Array<{ id: string }> };
    expect(list.apps.map((a) => a.id).sort()).toEqual(['task_dashboard', 'weather']);
    const byPath = (await send(fixture, 'GET', '/api/ui-apps?path=%2Fweather', { token })).json() as { apps: Array<{ id: string }> };
    expect(byPath.apps.map((a) => a.id)).toEqual(['weather']);
    expect((await send(fixture, 'GET', '/api/ui-apps?path=%2Fnowhere', { token })).json()).toEqual({ apps: [] });

    const one = (await send(fixture, 'GET', '/api/ui-apps/weather', { token })).json() as { app: { components: unknown[] }; markdown: Record<string, string> };
    expect(one.app.components).toHaveLength(5);
    expect(one.markdown['about']).toContain('<strong>weather_tool</strong>');
    const yaml = await send(fixture, 'GET', '/api/ui-apps/weather', { token, headers: { accept: 'application/yaml' } });
    expect(yaml.text).toContain('path: /weather');

    expect((await send(fixture, 'DELETE', '/api/ui-apps/weather', { token })).status).toBe(204);
    assertProblem(await send(fixture, 'GET', '/api/ui-apps/weather', { token }), 404);
    assertProblem(await send(fixture, 'DELETE', '/api/ui-apps/weather', { token }), 404);
    expect((await send(fixture, 'GET', '/api/ui-apps?path=%2Fweather', { token })).json()).toEqual({ apps: [] });
  });

  it("keeps each user's applications to themselves", async () => {
    const fixture = apiFixture();
    await send(fixture, 'POST', '/api/ui-apps', { token: await fixture.token('alice'), headers: YAML, body: weather });
    const bob = await fixture.token('bob');
    expect((await send(fixture, 'GET', '/api/ui-apps', { token: bob })).json()).toEqual({ apps: [] });
    assertProblem(await send(fixture, 'GET', '/api/ui-apps/weather', { token: bob }), 404);
    expect((await send(fixture, 'POST', '/api/ui-apps', { token: bob, headers: YAML, body: weather })).status).toBe(201);
  });

  it('needs a token', async () => {
    const fixture = apiFixture();
    assertProblem(await send(fixture, 'GET', '/api/ui-apps'), 401);
    assertProblem(await send(fixture, 'POST', '/api/ui-apps', { headers: YAML, body: weather }), 401);
  });

  it('refuses a path another application has, and frees a path when an application moves', async () => {
    const fixture = apiFixture();
    const token = await fixture.token('alice');
    expect((await send(fixture, 'POST', '/api/ui-apps', { token, headers: JSON_TYPE, body: app([{ id: 'm', type: 'markdown', content: 'x' }]) })).status).toBe(201);
    assertProblem(await send(fixture, 'POST', '/api/ui-apps', { token, headers: JSON_TYPE, body: app([{ id: 'm', type: 'markdown', content: 'x' }], { id: 'a2' }) }), 409);
    expect((await send(fixture, 'POST', '/api/ui-apps', { token, headers: JSON_TYPE, body: app([{ id: 'm', type: 'markdown', content: 'x' }], { path: '/b' }) })).status).toBe(200);
    expect((await send(fixture, 'POST', '/api/ui-apps', { token, headers: JSON_TYPE, body: app([{ id: 'm', type: 'markdown', content: 'x' }], { id: 'a2' }) })).status).toBe(201);
    expect((await send(fixture, 'GET', '/api/ui-apps?path=%2Fa', { token })).json()).toMatchObject({ apps: [{ id: 'a2' }] });
  });

  it('answers 400 naming the component for an unknown type or a bad field, and stores nothing', async () => {
    const fixture = apiFixture();
    const token = await fixture.token('alice');
    const post = (body: string) => send(fixture, 'POST', '/api/ui-apps', { token, headers: JSON_TYPE, body });
    const md = { id: 'm', type: 'markdown', content: 'x' };
    assertProblem(await post(app([md, md, { id: 'x', type: 'iframe', src: 'https://evil.example' }])), 400, { pointer: '/components/2/type' });
    assertProblem(await post(app([md, { id: 's', type: 'event_stream', filter: ['task.*'], limit: 5000 }])), 400, { pointer: '/components/1/limit' });
    assertProblem(await post(app([{ id: 's', type: 'event_stream', filter: ['not a type'] }])), 400, { pointer: '/components/0/filter/0' });
    assertProblem(await post(app([{ id: 's', type: 'event_stream', filter: ['a.*'], template: '<img src=x onerror=alert(1)>' }])), 400, { pointer: '/components/0/template' });
    assertProblem(await post(app([{ id: 's', type: 'event_stream', filter: ['a.*'], colour: 'red' }])), 400, { pointer: '/components/0/colour' });
    assertProblem(await post(app([{ id: 'c', type: 'chart', source: { type: 'event_aggregate', event: 'task.completed', window: 'a week' } }])), 400, { pointer: '/components/0/source/window' });
    assertProblem(await post(app([{ id: 'c', type: 'context_view', path: 'Tasks', display: 'carousel' }])), 400, { pointer: '/components/0/display' });
    assertProblem(await post(app([{ id: 'b', type: 'action', action: 'missing' }])), 400, { pointer: '/components/0/action' });
    assertProblem(await post(app([{ id: 'f', type: 'form', emit_event: { type: 'task.*' }, fields: ['title'] }])), 400, { pointer: '/components/0/emit_event/type' });
    assertProblem(await post(app([md, md])), 400, { pointer: '/components/1/id' });
    assertProblem(await post(app([md], { path: '/system' })), 400, { pointer: '/path' });
    assertProblem(await post(app([md], { path: '/_assets' })), 400, { pointer: '/path' });
    assertProblem(await post(app([md], { type: 'dashboard' })), 400, { pointer: '/type' });
    const problem = assertProblem(await send(fixture, 'POST', '/api/ui-apps', { token, headers: YAML, body: 'type: ui_application\nid: [' }), 400);
    expect(problem.detail).toContain('not valid YAML');
    assertProblem(await send(fixture, 'POST', '/api/ui-apps', { token, headers: { 'content-type': 'text/plain' }, body: 'x' }), 415);
    expect((await send(fixture, 'GET', '/api/ui-apps', { token })).json()).toEqual({ apps: [] });
  });
});

describe('the operator\'s dashboard, /api/ui-apps/system', () => {
  it('is every user\'s, served as shipped (comments and all) to be copied, and found by its path', async () => {
    const fixture = apiFixture();
    for (const user of ['alice', 'bob']) {
      const token = await fixture.token(user);
      const view = (await send(fixture, 'GET', '/api/ui-apps/system', { token })).json() as { id: string; builtIn: boolean; pages: number; app: { pages: Array<{ id: string }> } };
      expect(view).toMatchObject({ id: 'system', path: '/system', builtIn: true, pages: 8 });
      expect(view.app.pages[0]?.id).toBe('activity');
      expect((await send(fixture, 'GET', '/api/ui-apps?path=%2Fsystem', { token })).json()).toMatchObject({ apps: [{ id: 'system', builtIn: true }] });
      const yaml = await send(fixture, 'GET', '/api/ui-apps/system', { token, headers: { accept: 'application/yaml' } });
      expect(yaml.text).toBe(SYSTEM_APP_YAML);
      // A user's own list is theirs: the dashboard is linked from the /apps page instead.
      expect((await send(fixture, 'GET', '/api/ui-apps', { token })).json()).toEqual({ apps: [] });
    }
  });

  it('cannot be replaced or deleted; a copy under another id and path works like any application', async () => {
    const fixture = apiFixture();
    const token = await fixture.token('alice');
    const post = (body: string) => send(fixture, 'POST', '/api/ui-apps', { token, headers: YAML, body });
    assertProblem(await post(SYSTEM_APP_YAML), 400, { pointer: '/id' });
    assertProblem(await post(SYSTEM_APP_YAML.replace('id: system', 'id: ops')), 400, { pointer: '/path' });
    assertProblem(await send(fixture, 'DELETE', '/api/ui-apps/system', { token }), 403);
    const copy = toYaml({ ...(parseYaml(SYSTEM_APP_YAML) as object), id: 'ops', path: '/ops', name: 'Ops' });
    const created = await post(copy);
    expect(created.status, created.text).toBe(201);
    expect(created.json()).toMatchObject({ id: 'ops', path: '/ops', pages: 8, components: 12 });
    expect((await send(fixture, 'GET', '/api/ui-apps?path=%2Fops', { token })).json()).toMatchObject({ apps: [{ id: 'ops' }] });
    expect((await send(fixture, 'GET', '/api/ui-apps/system', { token })).json()).toMatchObject({ name: 'Vextir OS' });
  });

  it('refuses a page\'s bad component by its pointer', async () => {
    const fixture = apiFixture();
    const token = await fixture.token('alice');
    const body = JSON.stringify({ type: 'ui_application', id: 'p', name: 'P', path: '/p', pages: [{ id: 'a', title: 'A', components: [{ id: 'm', type: 'markdown', content: 'x' }] }, { id: 'b', title: 'B', components: [{ id: 'g', type: 'gauge' }] }] });
    assertProblem(await send(fixture, 'POST', '/api/ui-apps', { token, headers: JSON_TYPE, body }), 400, { pointer: '/pages/1/components/0/type' });
  });
});

describe('the /apps pages', () => {
  it('serve one static shell with a strict CSP, no inline script or style and no user data', async () => {
    const fixture = apiFixture();
    for (const path of ['/apps', '/apps/', '/apps/dashboard/tasks', '/apps/weather', '/apps/_signin']) {
      const page = await send(fixture, 'GET', path);
      expect(page.status, path).toBe(200);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.headers['content-security-policy']).toBe(APP_CSP);
      expect(page.headers['x-content-type-options']).toBe('nosniff');
      expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(page.text).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    }
    expect(APP_CSP).toBe("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
  });

  it('serve the assets, and 404 for others', async () => {
    const fixture = apiFixture();
    for (const name of [...Object.keys(CLIENT_MODULES), 'chart.js']) {
      const asset = await send(fixture, 'GET', `/apps/_assets/${name}`);
      expect(asset.status, name).toBe(200);
      expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
    }
    expect((await send(fixture, 'GET', '/apps/_assets/chart.js')).text).toContain('Chart');
    expect((await send(fixture, 'GET', '/apps/_assets/app.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    assertProblem(await send(fixture, 'GET', '/apps/_assets/secret.env'), 404);
    assertProblem(await send(fixture, 'GET', '/apps/_assets/__proto__'), 404);
    expect((await send(fixture, 'POST', '/apps/weather')).status).toBe(405);
  });

  it('write data as text only: the client never uses innerHTML except for the server-rendered markdown', async () => {
    const fixture = apiFixture();
    const names = Object.keys(CLIENT_MODULES);
    expect(names).toEqual(expect.arrayContaining(['app.js', 'routes.js', 'feed.js', 'event-detail.js', 'plan-graph.js', 'dead-letters.js', 'usage.js']));
    const scripts = await Promise.all(names.map(async (name) => (await send(fixture, 'GET', `/apps/_assets/${name}`)).text));
    const uses = scripts.join('\n').match(/\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write|eval\(|new Function|setAttribute\(\s*'on|\.on[a-z]+\s*=/g) ?? [];
    expect(uses).toEqual(['.innerHTML =']);
    expect(scripts[names.indexOf('components.js')]).toContain('box.innerHTML = ctx.view.markdown[c.id]');
    // Every module another imports is served.
    for (const script of scripts) for (const [, imported] of script.matchAll(/from '\.\/([a-z-]+\.js)'/g)) expect(names).toContain(imported);
  });
});
