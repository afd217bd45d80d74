/** The tool registry: registration rules, change notification, scopes and argument validation. */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { isKernelError } from '../../src/kernel/index.js';
import { createToolRegistry, defineEventTool, emitEventTool, globMatches, parseScopeEntry, type ToolDefinition } from '../../src/registries/tools/index.js';

function tool(name: string, extra: Partial<Parameters<typeof defineEventTool>[0]> = {}): ToolDefinition {
  return defineEventTool({
    name,
    description: `the ${name} tool`,
    inputSchema: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'], additionalProperties: false },
    eventType: `${name.replaceAll('_', '.')}.request`,
    resultTypes: [`${name}.result`],
    ...extra,
  });
}

const mcp = (server: string, name: string) => tool(`${server}_${name}`, { source: `mcp:${server}`, sourceName: name });

describe('registering tools', () => {
  it('lists tools in registration order and finds them by name', () => {
    const registry = createToolRegistry([tool('alpha'), tool('beta')]);
    assert.deepEqual(registry.list().map((t) => t.name), ['alpha', 'beta']);
    assert.equal(registry.get('beta')?.name, 'beta');
    assert.equal(registry.get('gamma'), undefined);
  });

  it('refuses a duplicate name with a conflict, and bad definitions as invalid input', () => {
    const registry = createToolRegistry([tool('alpha')]);
    assert.throws(() => registry.register(tool('alpha')), (error) => isKernelError(error, 'conflict'));
    assert.throws(() => registry.register(tool('has space')), (error) => isKernelError(error, 'invalid_input') && /not a tool name/.test(error.message));
    assert.throws(() => registry.register(tool('x'.repeat(65))), (error) => isKernelError(error, 'invalid_input'));
    assert.throws(() => registry.register(tool('empty', { description: '  ' })), /needs a description/);
    assert.throws(() => registry.register(tool('arr', { inputSchema: { type: 'array' } })), /type "object"/);
    assert.throws(() => registry.register(tool('bad', { inputSchema: { type: 'object', properties: { a: { type: 'no-such-type' } } } })), /not a valid JSON Schema/);
    assert.deepEqual(registry.list().map((t) => t.name), ['alpha']);
  });

  it('tells listeners about every change until they unsubscribe', () => {
    const registry = createToolRegistry();
    let changes = 0;
    const stop = registry.onChange(() => (changes += 1));
    registry.register(tool('alpha'));
    assert.equal(registry.unregister('alpha'), true);
    assert.equal(registry.unregister('alpha'), false, 'nothing to remove: no change');
    assert.equal(changes, 2);
    stop();
    registry.register(tool('beta'));
    assert.equal(changes, 2);
  });

  it('keeps notifying the other listeners when one throws, then reports the failure', () => {
    const registry = createToolRegistry();
    let heard = false;
    registry.onChange(() => {
      throw new Error('listener broke');
    });
    registry.onChange(() => (heard = true));
    assert.throws(() => registry.register(tool('alpha')), /listener broke/);
    assert.ok(heard);
    assert.ok(registry.get('alpha'), 'the change itself happened');
  });

  it('hands out snapshots: a list taken before a change does not move', () => {
    const registry = createToolRegistry([tool('alpha')]);
    const before = registry.list();
    registry.register(tool('beta'));
    assert.equal(before.length, 1);
    assert.equal(registry.list().length, 2);
  });
});

describe('scopes', () => {
  const registry = createToolRegistry([tool('context_read'), tool('context_write'), emitEventTool(), mcp('github', 'search_issues'), mcp('brave', 'web_search'), mcp('fetch', 'fetch')]);
  const names = (scope: string[]) => registry.forScope(scope).map((t) => t.name);

  it('matches exact names, globs over names, and source/name patterns', () => {
    assert.deepEqual(names(['context_read']), ['context_read']);
    assert.deepEqual(names(['context_*']), ['context_read', 'context_write']);
    assert.deepEqual(names(['mcp:github/*']), ['github_search_issues']);
    assert.deepEqual(names(['mcp:*/*search*']), ['github_search_issues', 'brave_web_search']);
    assert.deepEqual(names(['native/*']), ['context_read', 'context_write', 'emit_event']);
    assert.equal(names(['*']).length, 6);
  });

  it('matches source patterns against the name at the source, not the registry name', () => {
    assert.deepEqual(names(['mcp:brave/web_search']), ['brave_web_search']);
    assert.deepEqual(names(['mcp:brave/brave_web_search']), []);
  });

  it('keeps the scope order, offers each tool once and skips entries that match nothing', () => {
    assert.deepEqual(names(['emit_event', 'context_write', 'context_*', 'mcp:nothing/*', 'not valid!']), ['emit_event', 'context_write', 'context_read']);
  });

  it('narrows a tool that takes arguments, and the first entry for a tool decides', () => {
    const [narrowed] = registry.forScope(['emit_event(meeting.schedule)', 'emit_event']);
    assert.equal(narrowed?.name, 'emit_event');
    assert.deepEqual((narrowed?.inputSchema['properties'] as Record<string, { enum?: string[] }>)['type']?.enum, ['meeting.schedule']);
    assert.equal(registry.forScope(['emit_event(meeting.schedule)'])[0], narrowed, 'the same narrowed copy until the registry changes');
  });

  it('checks scopes: syntax, native tools that exist, arguments; MCP patterns may name tools not connected yet', () => {
    const issues = registry.checkScope(['context_read', 'contxt_read', 'mcp:slack/*', 'bad name', 'context_read(x)', 'emit_event(model.request)', 'mcp:x/y(z)', 'emit_event(a.b, c.*)']);
    assert.deepEqual(issues.map((issue) => issue.index), [1, 3, 4, 5, 6]);
    assert.match(issues[0]!.reason, /matches no native tool \(native tools: context_read, context_write, emit_event\)/);
    assert.match(issues[2]!.reason, /takes no arguments/);
    assert.match(issues[3]!.reason, /model\.request/);
  });

  it('parses entries and globs as documented', () => {
    assert.deepEqual(parseScopeEntry('mcp:github/*'), { text: 'mcp:github/*', source: 'mcp:github', name: '*', args: undefined });
    assert.deepEqual(parseScopeEntry('emit_event( a.b ,c.* )'), { text: 'emit_event( a.b ,c.* )', source: undefined, name: 'emit_event', args: ['a.b', 'c.*'] });
    assert.equal(typeof parseScopeEntry('a/b/c'), 'string');
    assert.equal(typeof parseScopeEntry('context_*(x)'), 'string');
    assert.ok(globMatches('a*c', 'abbbc') && globMatches('a*c', 'ac') && !globMatches('a*c', 'abd'));
    assert.ok(globMatches('a.b', 'a.b') && !globMatches('a.b', 'axb'), 'dots are literal');
  });
});

describe('validating arguments', () => {
  const registry = createToolRegistry([
    tool('nested', {
      inputSchema: {
        type: 'object',
        properties: { q: { type: 'string', minLength: 2 }, limit: { type: 'integer', minimum: 1 }, mode: { enum: ['a', 'b'] }, opts: { type: 'object', properties: { deep: { type: 'boolean' } }, required: ['deep'], additionalProperties: false } },
        required: ['q'],
        additionalProperties: false,
      },
    }),
  ]);

  it('accepts valid arguments as they are', () => {
    assert.deepEqual(registry.validate('nested', { q: 'hello', limit: 3, opts: { deep: true } }), { ok: true, value: { q: 'hello', limit: 3, opts: { deep: true } } });
  });

  it('names each missing, extra and wrong-typed field, nested ones by their dotted path', () => {
    const result = registry.validate('nested', { limit: 'three', extra: 1, mode: 'c', opts: { deep: 'yes', more: 2 } });
    assert.equal(result.ok, false);
    assert.deepEqual(!result.ok && [...result.issues].sort(), [
      'extra: is not a known field',
      'limit: must be an integer',
      'mode: must be one of "a", "b"',
      'opts.deep: must be a boolean',
      'opts.more: is not a known field',
      'q: is required',
    ]);
    assert.deepEqual(registry.validate('nested', { q: 'x' }), { ok: false, issues: ['q: must NOT have fewer than 2 characters'] });
  });

  it('refuses arguments that are not an object, and unknown tools', () => {
    assert.deepEqual(registry.validate('nested', ['q']), { ok: false, issues: ['(arguments): must be a JSON object'] });
    assert.deepEqual(registry.validate('nested', null), { ok: false, issues: ['(arguments): must be a JSON object'] });
    assert.deepEqual(registry.validate('missing', {}), { ok: false, issues: ['there is no tool named "missing"'] });
  });

  it("runs a tool's own check after its schema", () => {
    const withCheck = createToolRegistry([{ ...tool('checked'), check: (args: Record<string, unknown>) => (args['q'] === 'no' ? ['q: may not be "no"'] : []) }]);
    assert.deepEqual(withCheck.validate('checked', { q: 'no' }), { ok: false, issues: ['q: may not be "no"'] });
    assert.equal(withCheck.validate('checked', { q: 'yes' }).ok, true);
  });
});
