/** The UI application format without HTTP: templates, markdown escaping, the store's path index. */
import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../src/adapters/memory/index.js';
import { isKernelError } from '../../src/kernel/index.js';
import { checkTemplate, parseUiApplication, renderMarkdown, UI_APP_PATH_KIND, UiAppStore } from '../../src/ui/index.js';
import { TestClock } from '../helpers/kernel-fixture.js';

const app = (extra: Record<string, unknown> = {}) => parseUiApplication({ type: 'ui_application', id: 'a', name: 'A', path: '/a', components: [{ id: 'm', type: 'markdown', content: 'x' }], ...extra });

describe('card templates', () => {
  it('accept the allowed tags, class attributes and field paths', () => {
    expect(checkTemplate('<h3 class="x">{{data.location}}</h3><p><strong>{{ data.temperature }}°</strong> <em>{{conditions}}</em></p><br/>')).toEqual([]);
  });

  it.each([
    ['<script>alert(1)</script>', 'uses <script>'],
    ['<img src=x onerror=alert(1)>', 'uses <img>'],
    ['<a href="javascript:alert(1)">x</a>', 'uses <a>'],
    ['<span onclick="alert(1)">x</span>', 'gives <span> the attribute onclick'],
    ['<div style="color:red">x</div>', 'gives <div> the attribute style'],
    ['{{data.x + 1}}', 'has the placeholder {{data.x + 1}}'],
    ['{{{data.html}}}', 'uses {{{ }}}'],
  ])('refuse %s', (template, reason) => {
    expect(checkTemplate(template).join('; ')).toContain(reason);
  });
});

describe('markdown components', () => {
  it('show raw HTML as text and keep only safe links', () => {
    const html = renderMarkdown('# Hi <script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[bad](javascript:alert(1)) [ok](https://example.com) ![x](https://tracker.example/p.gif) **b**');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toMatch(/<script|<img|javascript:/);
    expect(html).toContain('<a href="https://example.com" rel="noopener noreferrer">ok</a>');
    expect(html).toContain('<strong>b</strong>');
  });
});

describe('the format', () => {
  it('fills in the defaults', () => {
    const parsed = parseUiApplication({
      type: 'ui_application', id: 'd', name: 'D', path: '/d',
      components: [{ id: 's', type: 'event_stream', filter: ['task.*'] }, { id: 'c', type: 'chart', source: { type: 'event_aggregate', event: 'task.completed' } }],
      actions: [{ id: 'new', label: 'New', emit_event: { type: 'task.create', data: { form_fields: ['title'] } } }],
    });
    expect(parsed.layout).toEqual({ type: 'grid', columns: 3 });
    expect(parsed.components?.[0]).toMatchObject({ display: 'timeline', limit: 50, span: 1 });
    expect(parsed.components?.[1]).toMatchObject({ source: { window: '7d', bucket: 'day' }, metrics: ['count'], display: 'line' });
    expect(parsed.actions[0]?.emit_event.data.form_fields).toEqual([{ name: 'title', input: 'text', required: false }]);
  });

  it('names every problem with its pointer', () => {
    try {
      parseUiApplication({ type: 'ui_application', id: '1x', name: '', path: 'dash', components: [{ id: 'x', type: 'fancy' }, { type: 'metric', event: 'a.b', window: '2w' }] });
      expect.unreachable();
    } catch (error) {
      expect(isKernelError(error, 'invalid_input')).toBe(true);
      const pointers = ((error as { details?: { errors?: Array<{ pointer: string }> } }).details?.errors ?? []).map((e) => e.pointer);
      expect(pointers).toEqual(expect.arrayContaining(['/id', '/name', '/path', '/components/0/type', '/components/1/id', '/components/1/window']));
    }
  });
});

describe('UiAppStore', () => {
  it('finds applications by path, moves the index with the path, and repairs a stale index entry', async () => {
    const state = new MemoryStateStore({ clock: new TestClock() });
    const store = new UiAppStore(state);
    await store.put('alice', app());
    expect((await store.byPath('alice', '/a'))?.app.id).toBe('a');
    await store.put('alice', app({ path: '/b' }));
    expect(await store.byPath('alice', '/a')).toBeUndefined();
    expect((await store.byPath('alice', '/b'))?.app.id).toBe('a');
    // An index entry left by an interrupted delete does not block the path.
    await state.put('alice', UI_APP_PATH_KIND, '/c', { id: 'gone' });
    expect((await store.put('alice', app({ id: 'c', path: '/c' }))).created).toBe(true);
    expect((await store.byPath('alice', '/c'))?.app.id).toBe('c');
    expect(await store.delete('alice', 'a')).toBe(true);
    expect(await store.byPath('alice', '/b')).toBeUndefined();
    expect(await store.byPath('bob', '/c')).toBeUndefined();
  });
});
