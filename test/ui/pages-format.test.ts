/**
 * Applications with pages (tabs) and the operator's components: what the format accepts, the
 * pointers its refusals name, and the built-in operator's dashboard, which is valid by the
 * same schema and kept from users' applications.
 */
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { isKernelError } from '../../src/kernel/index.js';
import { allComponents, COMPONENT_TYPES, parseUiApplication, readUiApplicationDocument, SYSTEM_APP_YAML } from '../../src/ui/index.js';

const pagesApp = (pages: unknown[], extra: Record<string, unknown> = {}) => ({ type: 'ui_application', id: 'ops', name: 'Ops', path: '/ops', pages, ...extra });

function pointers(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(isKernelError(error, 'invalid_input')).toBe(true);
    return ((error as { details?: { errors?: Array<{ pointer: string }> } }).details?.errors ?? []).map((e) => e.pointer);
  }
  throw new Error('the application was accepted');
}

describe('pages', () => {
  it('take components like the page of a one-page application, with the defaults filled in', () => {
    const app = parseUiApplication(pagesApp([
      { id: 'activity', title: 'Activity', components: [{ id: 'feed', type: 'event_stream', filter: ['*'], controls: true, link: true }] },
      { id: 'event', title: 'Event', components: [{ id: 'detail', type: 'event_detail' }] },
      { id: 'dlq', title: 'Dead letters', admin: true, components: [{ id: 'dl', type: 'dead_letters' }] },
    ]));
    expect(app.components).toBeUndefined();
    expect(app.pages?.map((p) => [p.id, p.admin])).toEqual([['activity', false], ['event', false], ['dlq', true]]);
    expect(allComponents(app).map((c) => [c.id, c.admin])).toEqual([['feed', false], ['detail', false], ['dl', true]]);
    expect(app.pages?.[0]?.components[0]).toMatchObject({ controls: true, link: true, display: 'timeline', limit: 50 });
  });

  it('name the page and the component of each problem', () => {
    const md = { id: 'm', type: 'markdown', content: 'x' };
    expect(pointers(() => parseUiApplication(pagesApp([
      { id: 'a', title: 'A', components: [md] },
      { id: 'b', title: 'B', components: [{ id: 'n', type: 'markdown', content: 'y' }] },
      { id: 'c', title: 'C', components: [{ id: 'x', type: 'iframe' }, { id: 'p', type: 'plan_list', limit: 0 }] },
    ])))).toEqual(['/pages/2/components/0/type', '/pages/2/components/1/limit']);
    expect(pointers(() => parseUiApplication(pagesApp([{ id: 'a', title: 'A', components: [md] }, { id: 'a', title: 'B', components: [{ ...md, id: 'm2' }] }])))).toEqual(['/pages/1/id']);
    // Component ids are unique across pages: the page finds a component by it.
    expect(pointers(() => parseUiApplication(pagesApp([{ id: 'a', title: 'A', components: [md] }, { id: 'b', title: 'B', components: [md] }])))).toEqual(['/pages/1/components/0/id']);
    expect(pointers(() => parseUiApplication(pagesApp([{ id: 'a', components: [md], colour: 'red' }])))).toEqual(expect.arrayContaining(['/pages/0/title', '/pages/0/colour']));
    expect(pointers(() => parseUiApplication(pagesApp([], { pages: undefined })))).toEqual(['/components']);
    expect(pointers(() => parseUiApplication(pagesApp([{ id: 'a', title: 'A', components: [md] }], { components: [md] })))).toEqual(['/pages']);
  });

  it('refuse a link with nothing to open', () => {
    expect(pointers(() => parseUiApplication(pagesApp([{ id: 'a', title: 'A', components: [{ id: 'feed', type: 'event_stream', filter: ['*'], link: true }, { id: 'plans', type: 'plan_list', link: true }] }])))).toEqual(['/pages/0/components/0/link', '/pages/0/components/1/link']);
  });
});

describe('the operator components', () => {
  it('are all known to the format, with their defaults', () => {
    expect(COMPONENT_TYPES).toEqual(expect.arrayContaining(['event_detail', 'plan_list', 'plan_graph', 'agent_runs', 'driver_table', 'schedule_table', 'approval_list', 'dead_letters', 'usage_chart']));
    const app = parseUiApplication({ type: 'ui_application', id: 'o', name: 'O', path: '/o', components: [
      { id: 'd', type: 'driver_table' }, { id: 'dl', type: 'dead_letters' }, { id: 'u', type: 'usage_chart' }, { id: 'r', type: 'agent_runs' },
    ] });
    expect(app.components).toEqual([
      { id: 'd', type: 'driver_table', span: 1, admin: false, refresh: 10 },
      // Dead letters are the admin's: the page hides them from others, as the API refuses them.
      { id: 'dl', type: 'dead_letters', span: 1, admin: true, limit: 100 },
      { id: 'u', type: 'usage_chart', span: 1, admin: false, metric: 'tokens', display: 'bar', totals: true },
      { id: 'r', type: 'agent_runs', span: 1, admin: false, limit: 50 },
    ]);
  });

  it('refuse bad fields by name', () => {
    const one = (c: Record<string, unknown>) => pointers(() => parseUiApplication({ type: 'ui_application', id: 'o', name: 'O', path: '/o', components: [{ id: 'c', ...c }] }));
    expect(one({ type: 'usage_chart', metric: 'joules' })).toEqual(['/components/0/metric']);
    expect(one({ type: 'driver_table', refresh: 1 })).toEqual(['/components/0/refresh']);
    expect(one({ type: 'plan_graph', plan: 'pl_1' })).toEqual(['/components/0/plan']);
    expect(one({ type: 'event_detail', admin: 'yes' })).toEqual(['/components/0/admin']);
  });
});

describe('the operator\'s dashboard', () => {
  it('is valid by the same schema, on pages, with the dead letters for admins only', () => {
    const app = readUiApplicationDocument(SYSTEM_APP_YAML, 'yaml', { builtIn: true });
    expect([app.id, app.path]).toEqual(['system', '/system']);
    expect(app.pages?.map((p) => p.id)).toEqual(['activity', 'event', 'plans', 'agents', 'approvals', 'drivers', 'dead-letters', 'usage']);
    expect(app.pages?.filter((p) => p.admin).map((p) => p.id)).toEqual(['dead-letters']);
    const types = new Set(allComponents(app).map((c) => c.type));
    for (const type of ['event_stream', 'event_detail', 'plan_list', 'plan_graph', 'agent_runs', 'driver_table', 'schedule_table', 'approval_list', 'dead_letters', 'usage_chart', 'chart']) expect(types.has(type as never), type).toBe(true);
  });

  it("keeps its id and path from users' applications; a copy under another id and path is valid", () => {
    const document = parseYaml(SYSTEM_APP_YAML) as Record<string, unknown>;
    expect(pointers(() => parseUiApplication(document))).toEqual(['/id', '/path']);
    expect(pointers(() => parseUiApplication({ ...document, id: 'ops', path: '/system/mine' }))).toEqual(['/path']);
    expect(parseUiApplication({ ...document, id: 'ops', path: '/ops' }).pages).toHaveLength(8);
  });
});
