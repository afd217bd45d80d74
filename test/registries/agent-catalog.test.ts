/** The agent catalog over the in-memory state store: sources, per-user agents, ids, ETags, the routing cache. */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { MemoryStateStore } from '../../src/adapters/memory/index.js';
import { contextTools } from '../../src/drivers/context/index.js';
import { isKernelError, localCacheGeneration } from '../../src/kernel/index.js';
import { AGENT_STATE_KIND, createAgentCatalog, type AgentCatalogDeps } from '../../src/registries/agents/index.js';
import { createToolRegistry, emitEventTool } from '../../src/registries/tools/index.js';
import { silentLogger, TestClock } from '../helpers/kernel-fixture.js';

const mine = { id: 'summarizer', name: 'Summarizer', system_prompt: 'Summarize.', capabilities: ['doc.summarize'], tools: ['context_read'] };

function setup(overrides: Partial<AgentCatalogDeps> = {}) {
  const clock = new TestClock();
  const state = new MemoryStateStore({ clock });
  const catalog = createAgentCatalog({ state, clock, logger: silentLogger, tools: createToolRegistry([...contextTools(), emitEventTool()]), driverIds: () => ['ping', 'context'], ...overrides });
  return { clock, state, catalog };
}

describe('the agent catalog', () => {
  it('lists the user’s own agents, then the project’s, then the built-ins, each with its source', async () => {
    const { catalog } = setup({ projectAgents: [{ ...mine, id: 'triage', capabilities: ['ticket.created'] }] });
    await catalog.put('ann', mine);
    const listed = (await catalog.list('ann')).map((entry) => `${entry.source}:${entry.definition.id}`);
    assert.deepEqual(listed, ['user:summarizer', 'project:triage', 'builtin:chat', 'builtin:research_agent', 'builtin:email_assistant']);
    assert.deepEqual(catalog.shared().map((entry) => entry.definition.id), ['chat', 'research_agent', 'email_assistant', 'triage']);
  });

  it('keeps a user’s agents to that user', async () => {
    const { catalog } = setup();
    await catalog.put('ann', mine);
    assert.equal((await catalog.get('ann', 'summarizer'))?.source, 'user');
    assert.equal(await catalog.get('bob', 'summarizer'), undefined);
    assert.equal((await catalog.list('bob')).some((entry) => entry.definition.id === 'summarizer'), false);
    assert.equal(await catalog.delete('bob', 'summarizer'), false);
    assert.equal((await catalog.get('bob', 'chat'))?.source, 'builtin');
  });

  it('refuses ids of built-in and project agents and of registered drivers (409), naming /id', async () => {
    const { catalog } = setup({ projectAgents: [{ ...mine, id: 'triage' }] });
    for (const id of ['chat', 'triage', 'ping']) {
      await assert.rejects(catalog.put('ann', { ...mine, id }), (error) => isKernelError(error, 'conflict') && (error.details?.['errors'] as Array<{ pointer: string }>)[0]?.pointer === '/id');
    }
    await assert.rejects(catalog.delete('ann', 'chat'), (error) => isKernelError(error, 'conflict') && /built-in agent/.test(error.message));
  });

  it('replaces with ETags: a stale If-Match and a second If-None-Match: * are refused', async () => {
    const { catalog } = setup();
    const first = await catalog.put('ann', mine, { ifNoneMatch: '*' });
    assert.equal(first.created, true);
    await assert.rejects(catalog.put('ann', mine, { ifNoneMatch: '*' }), (error) => isKernelError(error, 'precondition_failed'));
    const second = await catalog.put('ann', { ...mine, name: 'Summarizer 2' }, { ifMatch: first.entry.etag! });
    assert.equal(second.created, false);
    await assert.rejects(catalog.put('ann', mine, { ifMatch: first.entry.etag! }), (error) => isKernelError(error, 'precondition_failed'));
    await assert.rejects(catalog.delete('ann', 'summarizer', { ifMatch: first.entry.etag! }), (error) => isKernelError(error, 'precondition_failed'));
    assert.equal(await catalog.delete('ann', 'summarizer', { ifMatch: second.entry.etag! }), true);
  });

  it('validates fully on put: tools must exist', async () => {
    const { catalog } = setup();
    await assert.rejects(catalog.put('ann', { ...mine, tools: ['send_email'] }), (error) => isKernelError(error, 'invalid_input') && /\/tools\/0/.test(error.message));
  });

  it('caps the agents one user may keep', async () => {
    const { catalog } = setup({ maxAgentsPerUser: 2 });
    await catalog.put('ann', { ...mine, id: 'a1' });
    await catalog.put('ann', { ...mine, id: 'a2' });
    await assert.rejects(catalog.put('ann', { ...mine, id: 'a3' }), (error) => isKernelError(error, 'conflict') && /most one user may keep/.test(error.message));
    await catalog.put('ann', { ...mine, id: 'a2', name: 'replaced' }); // replacing is not adding
  });

  it('routes by type to the user’s enabled agents, through a cache other instances’ changes reach within cacheMs', async () => {
    const { clock, state, catalog } = setup({ cacheMs: 1000 });
    await catalog.put('ann', { ...mine, capabilities: ['doc.*'], emits: { response: 'summary.done', error: 'summary.failed' } });
    await catalog.put('ann', { ...mine, id: 'off', enabled: false });
    assert.deepEqual((await catalog.userAgentsFor('ann', 'doc.summarize')).map((entry) => entry.definition.id), ['summarizer']);
    assert.deepEqual(await catalog.userAgentsFor('ann', 'other.thing'), []);
    assert.deepEqual(await catalog.userAgentsFor('bob', 'doc.summarize'), []);

    const other = createAgentCatalog({ state, clock, logger: silentLogger, tools: createToolRegistry([...contextTools(), emitEventTool()]), driverIds: () => [] });
    await other.delete('ann', 'summarizer'); // another instance
    assert.equal((await catalog.userAgentsFor('ann', 'doc.summarize')).length, 1, 'cached');
    clock.advance(1000);
    assert.deepEqual(await catalog.userAgentsFor('ann', 'doc.summarize'), []);

    await catalog.put('ann', { ...mine, capabilities: ['doc.summarize'] }); // this instance: at once
    assert.equal((await catalog.userAgentsFor('ann', 'doc.summarize')).length, 1);
  });

  it('sees a change made through another catalog sharing its cache generation at once (another thread of the host)', async () => {
    const generation = localCacheGeneration();
    const { clock, state, catalog } = setup({ cacheMs: 60_000, generation });
    const thread = createAgentCatalog({ state, clock, logger: silentLogger, tools: createToolRegistry([...contextTools(), emitEventTool()]), driverIds: () => [], cacheMs: 60_000, generation });
    assert.deepEqual(await thread.userAgentsFor('ann', 'doc.summarize'), [], 'cached: none');
    await catalog.put('ann', mine);
    assert.deepEqual((await thread.userAgentsFor('ann', 'doc.summarize')).map((entry) => entry.definition.id), ['summarizer']);
    await catalog.delete('ann', 'summarizer');
    assert.deepEqual(await thread.userAgentsFor('ann', 'doc.summarize'), []);
  });

  it('skips a stored definition that no longer parses instead of failing the user’s routing', async () => {
    const { state, catalog } = setup();
    await catalog.put('ann', mine);
    await state.put('ann', AGENT_STATE_KIND, 'broken', { id: 'broken', name: 'no capabilities' });
    assert.deepEqual((await catalog.list('ann')).filter((entry) => entry.source === 'user').map((entry) => entry.definition.id), ['summarizer']);
    assert.equal(await catalog.delete('ann', 'broken'), true, 'its owner can still delete it');
  });

  it('stops offering a user agent whose id a driver or project agent took later, but lets its owner delete it', async () => {
    const { state, clock } = setup();
    const before = createAgentCatalog({ state, clock, logger: silentLogger, tools: createToolRegistry([...contextTools(), emitEventTool()]), driverIds: () => [] });
    await before.put('ann', { ...mine, id: 'weather_tool' });
    await before.put('ann', mine);
    const after = createAgentCatalog({ state, clock, logger: silentLogger, tools: createToolRegistry([...contextTools(), emitEventTool()]), driverIds: () => ['weather_tool'], projectAgents: [mine] });
    assert.deepEqual((await after.list('ann')).filter((entry) => entry.source === 'user'), []);
    assert.deepEqual(await after.userAgentsFor('ann', 'doc.summarize').then((entries) => entries.map((entry) => entry.source)), []);
    assert.equal((await after.get('ann', 'summarizer'))?.source, 'project');
    assert.equal(await after.delete('ann', 'summarizer'), true);
    assert.equal(await after.delete('ann', 'weather_tool'), true);
    await assert.rejects(after.delete('ann', 'summarizer'), (error) => isKernelError(error, 'conflict'));
  });

  it('fails start-up on a bad project agent or an id used twice, naming the entry', () => {
    assert.throws(() => setup({ projectAgents: [mine, { ...mine, tools: ['nope'] }], projectFile: 'my.yaml' }), /^KernelError: my\.yaml: agents\[1\] is invalid: \/agents\/1\/tools\/0/);
    assert.throws(() => setup({ projectAgents: [{ ...mine, id: 'chat' }] }), /agents\[0\] uses the id "chat" of a built-in agent/);
    assert.throws(() => setup({ projectAgents: [mine, mine] }), /uses the id "summarizer" of another agent of the file/);
  });
});
