/**
 * The Context Hub tools against the context driver itself: a call the tool's schema accepts
 * becomes a request the driver accepts and answers, and its answer becomes the tool's result.
 * This is what keeps the tools' schemas in sync with the driver's request schemas.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { MemoryContextStore, MemoryStateStore } from '../../src/adapters/memory/index.js';
import { contextTools, createContextDriver } from '../../src/drivers/context/index.js';
import { queryRequestSchema, readRequestSchema, searchRequestSchema, writeRequestSchema } from '../../src/drivers/context/requests.js';
import { ContextWorkspace } from '../../src/kernel/context/workspace.js';
import type { DriverContext, EmittedEvent } from '../../src/kernel/index.js';
import { createToolRegistry } from '../../src/registries/tools/index.js';
import { createContextAccessControl, GrantStore } from '../../src/security/index.js';
import { makeEvent, silentLogger, TestClock } from '../helpers/kernel-fixture.js';

const registry = createToolRegistry(contextTools());
const store = new MemoryContextStore();
const state = new MemoryStateStore();
const driver = createContextDriver({ store, access: createContextAccessControl(new GrantStore(state)), workspace: new ContextWorkspace(store, state) });
const context: DriverContext = { logger: silentLogger, clock: new TestClock(), signal: new AbortController().signal, idempotencyKey: 'k', attempt: 1, restrictions: {}, reportUsage() {} };
let sequence = 0;

/** Validates the arguments as the runtime does, emits the call's event to the driver, maps the answer. */
async function call(name: string, args: Record<string, unknown>) {
  const tool = registry.get(name)!;
  const checked = registry.validate(tool, args);
  assert.ok(checked.ok, `${name} ${JSON.stringify(args)}: ${!checked.ok ? checked.issues.join('; ') : ''}`);
  const request = tool.toEvent(checked.value);
  const outputs = (await driver.handle(makeEvent({ id: `call-${(sequence += 1)}`, type: request.type, data: request.data, userid: 'alice' }), context)) as EmittedEvent[];
  const [answer] = outputs;
  assert.ok(answer && tool.isReply({ type: answer.type, data: answer.data }), `${name}: ${answer?.type} answers the call`);
  return { answer, result: tool.fromReply({ type: answer.type, data: answer.data }) };
}

const VALID_CALLS: Record<string, Array<Record<string, unknown>>> = {
  context_write: [
    { path: '/Research/ai/trends', content: '# Trends', contentType: 'text/markdown', metadata: { topic: 'ai', priority: 'high' } },
    { path: '/Notes/json', content: { a: [1, 2] } },
    { path: '/Notes/new', content: null, ifNoneMatch: '*' },
  ],
  context_read: [{ path: '/Research/ai/trends' }, { path: '/Research/ai/trends', version: 1 }, { path: '/Research' }],
  context_query: [{}, { prefix: '/Research', where: 'priority = "high"', orderBy: 'updatedAt desc', limit: 5, kinds: 'document,folder' }],
  context_search: [{ text: 'trends' }, { text: 'trends', prefix: '/Research', limit: 3 }],
};

describe('the context tools', () => {
  it('are the four Context Hub tools, native, awaiting the context driver', () => {
    assert.deepEqual(registry.list().map((tool) => [tool.name, tool.source, tool.awaitsReply, tool.toEvent({}).type]), [
      ['context_read', 'native', true, 'context.read'],
      ['context_write', 'native', true, 'context.write'],
      ['context_query', 'native', true, 'context.query'],
      ['context_search', 'native', true, 'context.search'],
    ]);
    for (const tool of registry.list()) assert.ok(tool.replyTypes.includes('context.error') && tool.replyTypes.includes('event.denied') && tool.replyTypes.includes('error'));
  });

  it('turn every valid call into a request the driver answers with its result', async () => {
    for (const name of ['context_write', 'context_read', 'context_query', 'context_search']) {
      for (const args of VALID_CALLS[name]!) {
        const { answer, result } = await call(name, args);
        assert.notEqual(answer.type, 'context.error', `${name} ${JSON.stringify(args)}: ${JSON.stringify(answer.data)}`);
        assert.equal(result.ok, true);
      }
    }
    const { result } = await call('context_search', { text: 'trends' });
    assert.deepEqual(result.ok && (result.value as { hits: Array<{ entry: { path: string } }> }).hits.map((hit) => hit.entry.path), ['/Research/ai/trends']);
  });

  it("accept only fields the driver's request schema has, with its required fields", () => {
    const driverSchemas: Record<string, { shape: Record<string, unknown>; safeParse(value: unknown): { success: boolean } }> = {
      context_read: readRequestSchema,
      context_write: writeRequestSchema,
      context_query: queryRequestSchema,
      context_search: searchRequestSchema,
    };
    for (const tool of registry.list()) {
      const schema = driverSchemas[tool.name]!;
      const properties = Object.keys(tool.inputSchema['properties'] as object);
      assert.deepEqual(properties.filter((field) => !(field in schema.shape)), [], `${tool.name} offers only the driver's fields`);
      const required = (tool.inputSchema['required'] as string[] | undefined) ?? [];
      const minimal = Object.fromEntries(required.map((field) => [field, field === 'content' ? 'x' : field === 'text' ? 'x' : '/x']));
      assert.ok(schema.safeParse(minimal).success, `${tool.name}: the tool's required fields are enough for the driver`);
      assert.equal(registry.validate(tool, {}).ok, required.length === 0, `${tool.name}: the driver's required fields are required by the tool`);
    }
  });

  it('refuse what the driver would refuse, naming the field', () => {
    assert.deepEqual(registry.validate('context_read', { path: '' }), { ok: false, issues: ['path: must NOT have fewer than 1 characters'] });
    assert.deepEqual(registry.validate('context_write', { path: '/a' }), { ok: false, issues: ['content: is required'] });
    assert.deepEqual(registry.validate('context_search', { text: 'x', limit: 5000 }), { ok: false, issues: ['limit: must be <= 1000'] });
    assert.deepEqual(registry.validate('context_query', { where: { field: 'a' } }), { ok: false, issues: ['where: must be a string'] });
    assert.deepEqual(registry.validate('context_read', { path: '/a', owner: 'not a user!' }).ok, false);
  });

  it("map the driver's refusals to errors a model can act on", async () => {
    const { answer, result } = await call('context_read', { path: '/Nothing/here' });
    assert.equal(answer.type, 'context.error');
    assert.deepEqual(result, { ok: false, error: 'context_read failed (not_found): there is no document or folder at /Nothing/here' });
    const relative = await call('context_write', { path: 'Notes/relative', content: 'x' });
    assert.match(!relative.result.ok ? relative.result.error : '', /^context_write failed \(invalid_input\): data\.path: .*\/Notes\/relative/);
  });

  it('are described for a model, every argument included', () => {
    for (const tool of registry.list()) {
      assert.ok(tool.description.length > 80, tool.name);
      for (const [field, schema] of Object.entries(tool.inputSchema['properties'] as Record<string, { description?: string }>)) assert.ok(schema.description, `${tool.name}.${field} has a description`);
      assert.equal(tool.inputSchema['additionalProperties'], false);
    }
  });
});
