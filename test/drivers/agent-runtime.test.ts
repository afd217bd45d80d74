/**
 * The agent runtime's loop through the real processor (in-memory ports): a run's model requests
 * and tool calls are events addressed back to the agent, each incoming event changes the run
 * once, and a redelivered event re-emits the same events. The model here is a scripted test
 * driver answering `model.request` with the models driver's `model.response` shape: it stands in
 * for the models driver, which is tested against wire-format servers (test/drivers/models*), and
 * the end-to-end tests run agents with that real driver.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { MemoryStateStore } from '../../src/adapters/memory/index.js';
import { AgentRuntime, ConversationStore, createAgentDriver, RunStore } from '../../src/drivers/agent-runtime/index.js';
import { agentDefinitionSchema, type AgentDefinition, type AgentDefinitionInput } from '../../src/registries/agents/index.js';
import { createToolRegistry, defineEventTool, emitEventTool } from '../../src/registries/tools/index.js';
import { defineDriver } from '../../src/drivers/index.js';
import type { Envelope, Outcome } from '../../src/kernel/index.js';
import { kernelFixture, makeEvent } from '../helpers/kernel-fixture.js';

type Answer = { content?: string; toolCalls?: Array<{ id: string; name: string; arguments: unknown }> };

function scriptedModel(answers: Answer[], seen: Envelope[]) {
  return defineDriver({
    manifest: { id: 'models', name: 'Scripted model', version: '1.0.0', type: 'io', capabilities: ['model.request'], external: false },
    async handle(event) {
      seen.push(event);
      const answer = answers.shift();
      if (!answer) return [{ type: 'model.error', data: { requestId: event.id, code: 'provider_error', message: 'no more scripted answers' } }];
      const message = { content: answer.content ?? '', toolCalls: answer.toolCalls ?? [] };
      return [{ type: 'model.response', data: { requestId: event.id, model: 'test-model', provider: 'test', message, finishReason: message.toolCalls.length > 0 ? 'tool-calls' : 'stop', usage: { inputTokens: 10, outputTokens: 5, costUsd: 0.001 }, latencyMs: 1 } }];
    },
  });
}

const knowledge = defineDriver({
  manifest: { id: 'kb', name: 'Knowledge', version: '1.0.0', type: 'tool', capabilities: ['kb.lookup'], external: false },
  async handle(event) {
    const { topic } = event.data as { topic: string };
    if (topic === 'secret') throw new Error('the knowledge base refuses');
    return [{ type: 'kb.lookup.result', data: { topic, fact: `${topic} is blue` } }];
  },
});

/** The real tool registry, with a tool answered by the knowledge driver above and the native emit_event. */
const tools = createToolRegistry([
  defineEventTool({
    name: 'lookup',
    description: 'Looks a topic up',
    inputSchema: { type: 'object', properties: { topic: { type: 'string' } }, required: ['topic'], additionalProperties: false },
    eventType: 'kb.lookup',
    resultTypes: ['kb.lookup.result'],
    driver: 'kb',
  }),
  emitEventTool(),
]);

function agent(overrides: Partial<AgentDefinitionInput> = {}): AgentDefinition {
  return agentDefinitionSchema.parse({
    id: 'helper',
    name: 'Helper',
    capabilities: ['help.asked'],
    system_prompt: 'You help.',
    conversation: 'data.conversationId',
    input: '{{data.message}}',
    tools: ['lookup', 'emit_event'],
    max_steps: 4,
    emits: { response: 'help.answered', error: 'help.failed' },
    ...overrides,
  });
}

function setup(answers: Answer[], spec = agent()) {
  const state = new MemoryStateStore();
  const runtime = new AgentRuntime({ runs: new RunStore(state), conversations: new ConversationStore(state), tools, contextWindow: () => 100_000, now: () => new Date('2026-01-01T00:00:00Z') });
  const seen: Envelope[] = [];
  const fixture = kernelFixture([createAgentDriver(spec, runtime), scriptedModel(answers, seen), knowledge]);
  const emitted = (outcome: Outcome): Envelope[] => (outcome.kind === 'complete' || outcome.kind === 'retry' ? outcome.emissions.map((emission) => emission.event) : []);
  /** Processes `event` and everything it leads to, breadth first; returns every event processed. */
  async function drive(event: Envelope): Promise<Envelope[]> {
    const all: Envelope[] = [];
    const queue = [event];
    while (queue.length > 0) {
      const next = queue.shift()!;
      all.push(next);
      queue.push(...emitted(await fixture.processor.process(next, { deliveryCount: 1 })));
    }
    return all;
  }
  return { ...fixture, runs: new RunStore(state), state, seen, drive, emitted };
}

describe('the agent runtime', () => {
  it('runs the tool loop over events: model request, tool calls awaited as replies, results back to the model, the answer', async () => {
    const { drive, runs, seen } = setup([
      { content: 'let me look', toolCalls: [{ id: 'c1', name: 'lookup', arguments: { topic: 'sky' } }, { id: 'c2', name: 'emit_event', arguments: { type: 'note.add', data: { text: 'asked about sky' } } }, { id: 'c3', name: 'wipe_disk', arguments: {} }] },
      { content: 'The sky is blue.' },
    ]);
    const events = await drive(makeEvent({ id: 't1', type: 'help.asked', data: { message: 'What colour is the sky?' } }));
    assert.deepEqual(events.map((event) => event.type), ['help.asked', 'model.request', 'model.response', 'kb.lookup', 'note.add', 'kb.lookup.result', 'model.request', 'model.response', 'help.answered']);
    const requests = events.filter((event) => event.type === 'model.request');
    assert.ok(requests.every((event) => event.replyto === 'helper'), 'model requests await their replies');
    assert.equal(events.find((event) => event.type === 'kb.lookup')?.replyto, 'helper');
    assert.equal(events.find((event) => event.type === 'note.add')?.replyto, undefined, 'fire and forget');

    const second = seen[1]!.data as { messages: Array<{ role: string; content?: string; isError?: boolean; name?: string }> };
    const results = second.messages.filter((message) => message.role === 'tool');
    assert.deepEqual(results.map((message) => [message.name, message.isError ?? false]), [['lookup', false], ['emit_event', false], ['wipe_disk', true]]);
    assert.match(results[0]!.content ?? '', /sky is blue/);
    assert.match(results[2]!.content ?? '', /no tool named wipe_disk/);

    const answer = events.at(-1)!;
    const data = answer.data as { runId: string; text: string; usage: { steps: number; costUsd: number } };
    assert.equal(data.text, 'The sky is blue.');
    assert.equal(data.usage.steps, 2);
    const run = await runs.get('alice', data.runId);
    assert.equal(run?.status, 'completed');
    assert.deepEqual(run?.steps.map((step) => [step.model, step.toolCalls.map((call) => call.status)]), [['test-model', ['done', 'done', 'failed']], ['test-model', []]]);
    assert.equal(Math.round((run?.totals.costUsd ?? 0) * 1000), 2);
  });

  it('re-emits the same events when an incoming event is delivered again, without calling the model again', async () => {
    const { processor, emitted, seen } = setup([{ content: '', toolCalls: [{ id: 'c1', name: 'lookup', arguments: { topic: 'sea' } }] }, { content: 'done' }]);
    const trigger = makeEvent({ id: 't2', type: 'help.asked', data: { message: 'sea?' } });
    const first = emitted(await processor.process(trigger, { deliveryCount: 1 }));
    const again = emitted(await processor.process({ ...trigger }, { deliveryCount: 2 }));
    assert.deepEqual(again.map((event) => event.id), first.map((event) => event.id));
    const response = emitted(await processor.process(first[0]!, { deliveryCount: 1 }))[0]!;
    const calls = emitted(await processor.process(response, { deliveryCount: 1 }));
    // The same response handed to the agent again (a redelivery whose first settle was lost).
    const recalls = emitted(await processor.process({ ...response, id: response.id }, { deliveryCount: 2 }));
    assert.deepEqual(recalls.map((event) => event.id), calls.map((event) => event.id));
    assert.equal(seen.length, 1, 'the model was asked once');
  });

  it('a denied model call (a budget ran out) fails the run with the reason', async () => {
    const { processor, emitted, runs } = setup([]);
    const [request] = emitted(await processor.process(makeEvent({ id: 't3', type: 'help.asked', data: { message: 'hi' } }), { deliveryCount: 1 }));
    const denied = makeEvent({ id: 'd3', type: 'event.denied', causationid: request!.id, recipient: 'helper', data: { eventId: request!.id, eventType: 'model.request', reason: 'Denied by policy "monthly-cost-hard-limit": budget spent' } });
    const [failure] = emitted(await processor.process(denied, { deliveryCount: 1 }));
    assert.equal(failure?.type, 'help.failed');
    const { error, runId } = failure.data as { error: { code: string; message: string }; runId: string };
    assert.equal(error.code, 'denied');
    assert.match(error.message, /budget spent/);
    assert.equal((await runs.get('alice', runId))?.status, 'failed');
  });

  it('stops at the step limit with a clear error', async () => {
    const loop = { content: '', toolCalls: [{ id: 'c', name: 'lookup', arguments: { topic: 'more' } }] };
    const { drive } = setup([loop, loop, loop], agent({ max_steps: 2 }));
    const events = await drive(makeEvent({ id: 't4', type: 'help.asked', data: { message: 'loop' } }));
    const failure = events.at(-1)!;
    assert.equal(failure.type, 'help.failed');
    assert.match((failure.data as { error: { message: string } }).error.message, /used its 2 steps/);
  });

  it('continues a conversation: a follow-up with the same id sees the earlier exchange', async () => {
    const { drive, seen } = setup([{ content: 'Hello Ann.' }, { content: 'You are Ann.' }]);
    await drive(makeEvent({ id: 't5', type: 'help.asked', data: { message: 'I am Ann', conversationId: 'conv-1' } }));
    await drive(makeEvent({ id: 't6', type: 'help.asked', data: { message: 'Who am I?', conversationId: 'conv-1' } }));
    const messages = (seen[1]!.data as { messages: Array<{ role: string; content?: string }> }).messages;
    assert.deepEqual(messages.slice(1).map((message) => `${message.role}: ${message.content}`), ['user: I am Ann', 'assistant: Hello Ann.', 'user: Who am I?']);
  });

  it('a tool call that fails in its driver comes back to the model as an error, and the run goes on', async () => {
    const { drive, seen } = setup([{ content: '', toolCalls: [{ id: 'c1', name: 'lookup', arguments: { topic: 'secret' } }] }, { content: 'I could not look that up.' }]);
    const events = await drive(makeEvent({ id: 't7', type: 'help.asked', data: { message: 'secret?' } }));
    assert.equal(events.at(-1)?.type, 'help.answered');
    const result = (seen[1]!.data as { messages: Array<{ role: string; content?: string; isError?: boolean }> }).messages.find((message) => message.role === 'tool');
    assert.equal(result?.isError, true);
    assert.match(result?.content ?? '', /refuses/);
  });
});
