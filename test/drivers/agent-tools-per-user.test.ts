/**
 * Tools only some users may call (a skill pack's MCP tools: users with the pack's grant in force)
 * are offered to an agent only when it runs for such a user, decided afresh at every step. The
 * model is a scripted test driver, as in agent-runtime.test.ts; the registry and the runtime are real.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { MemoryStateStore } from '../../src/adapters/memory/index.js';
import { AgentRuntime, ConversationStore, createAgentDriver, RunStore } from '../../src/drivers/agent-runtime/index.js';
import { defineDriver } from '../../src/drivers/index.js';
import type { Envelope, Outcome } from '../../src/kernel/index.js';
import { agentDefinitionSchema } from '../../src/registries/agents/index.js';
import { createToolRegistry, defineEventTool } from '../../src/registries/tools/index.js';
import { kernelFixture, makeEvent } from '../helpers/kernel-fixture.js';

const granted = new Set(['alice']);
const tool = (name: string) =>
  defineEventTool({ name, description: `${name} things`, inputSchema: { type: 'object', properties: {}, additionalProperties: false }, eventType: `${name}.run`, resultTypes: [`${name}.done`], driver: name });
const tools = createToolRegistry([tool('open_tool'), { ...tool('pack_tool'), availableTo: async (userId: string) => granted.has(userId) }]);

function setup() {
  const requests: Envelope[] = [];
  const model = defineDriver({
    manifest: { id: 'models', name: 'Scripted model', version: '1.0.0', type: 'io', capabilities: ['model.request'], external: false },
    async handle(event) {
      requests.push(event);
      const message = { content: 'done', toolCalls: [] };
      return [{ type: 'model.response', data: { requestId: event.id, model: 'test-model', provider: 'test', message, finishReason: 'stop', usage: { inputTokens: 1, outputTokens: 1, costUsd: 0 }, latencyMs: 1 } }];
    },
  });
  const agent = agentDefinitionSchema.parse({
    id: 'helper',
    name: 'Helper',
    capabilities: ['help.asked'],
    system_prompt: 'You help.',
    input: '{{data.message}}',
    tools: ['open_tool', 'pack_tool'],
    emits: { response: 'help.answered', error: 'help.failed' },
  });
  const state = new MemoryStateStore();
  const runtime = new AgentRuntime({ runs: new RunStore(state), conversations: new ConversationStore(state), tools, contextWindow: () => 100_000, now: () => new Date('2026-01-01T00:00:00Z') });
  const fixture = kernelFixture([createAgentDriver(agent, runtime), model]);
  const emitted = (outcome: Outcome): Envelope[] => (outcome.kind === 'complete' ? outcome.emissions.map((emission) => emission.event) : []);
  async function offered(userid: string, id: string): Promise<string[]> {
    const queue = [makeEvent({ id, userid, type: 'help.asked', data: { message: 'hi' } })];
    while (queue.length > 0) queue.push(...emitted(await fixture.processor.process(queue.shift()!, { deliveryCount: 1 })));
    const request = requests.find((event) => event.userid === userid && event.correlationid === id);
    assert.ok(request, `no model request for ${userid}`);
    return ((request.data as { tools?: Array<{ name: string }> }).tools ?? []).map((each) => each.name);
  }
  return { offered };
}

describe("an agent's tools for its user", () => {
  it('offers a tool with a user restriction only to the users it allows, and follows a grant given later', async () => {
    const { offered } = setup();
    assert.deepEqual(await offered('alice', 'a1'), ['open_tool', 'pack_tool']);
    assert.deepEqual(await offered('bob', 'b1'), ['open_tool'], 'bob has no grant: the tool is not offered');
    granted.add('bob');
    assert.deepEqual(await offered('bob', 'b2'), ['open_tool', 'pack_tool'], 'once granted, the next run offers it');
  });
});
