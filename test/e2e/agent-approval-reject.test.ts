/**
 * A person rejects an agent's tool call: the call is denied (nothing is written), the model is
 * told the call was rejected and why, and the run goes on to its answer. Over HTTP on the
 * embedded default, with an OpenAI wire-format server the test starts.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../helpers/local-system.js';
import { startOpenAiServer, type ModelServer } from '../helpers/model-servers/index.js';
import { until } from '../helpers/until.js';

const USER = 'fay';
let openai: ModelServer;
let system: TestSystem;

beforeAll(async () => {
  openai = await startOpenAiServer();
  const filer = { id: 'filer', name: 'Filer', capabilities: ['file.it'], tools: ['context_write'], approval: { tools: ['context_write'] }, input: '{{data.text}}', system_prompt: 'File what you are given under /Filed.' };
  system = await startTestSystem({ agents: [filer], env: { OPENAI_API_KEY: 'sk-reject', OPENAI_BASE_URL: openai.url } });
});
afterAll(async () => {
  await system.stop();
  await openai.close();
});

it('a rejected tool call writes nothing, the model hears why, and the run answers', async () => {
  openai.script('*', { toolCalls: [{ name: 'context_write', arguments: { path: '/Filed/secret', content: 'the secret' } }] }, { text: 'I could not file it: the write was rejected.' });
  await system.emit(USER, 'file.it', { text: 'the secret' });
  const pending = await until('the pending approval', async () => {
    const { approvals } = (await (await system.request(USER, 'GET', '/api/approvals?status=pending')).json()) as { approvals: Array<{ id: string; policy: string; eventType: string }> };
    return approvals[0];
  });
  assert.deepEqual({ policy: pending.policy, eventType: pending.eventType }, { policy: 'driver:filer', eventType: 'context.write' });
  assert.equal((await system.request(USER, 'POST', `/api/approvals/${pending.id}`, { body: { decision: 'reject', comment: 'not that one' } })).status, 200);

  const answer = await until('the answer', async () => {
    const { events } = (await (await system.request(USER, 'GET', '/api/events?type=file.it.*')).json()) as { events: Array<{ type: string; event: { data: { runId: string; text: string } } }> };
    return events[0];
  });
  assert.equal(answer.type, 'file.it.response');
  assert.equal(answer.event.data.text, 'I could not file it: the write was rejected.');
  assert.equal((await system.request(USER, 'GET', '/api/context/Filed/secret')).status, 404, 'nothing was written');

  const second = openai.requests[1]?.body as { messages: Array<{ role: string; content: unknown }> } | undefined;
  const toolMessage = second?.messages.find((message) => message.role === 'tool');
  assert.match(String(toolMessage?.content), /rejected/);

  const run = (await (await system.request(USER, 'GET', `/api/agents/runs/${answer.event.data.runId}`)).json()) as { status: string; steps: Array<{ toolCalls: Array<{ status: string; replyType?: string; record?: { status: string } }> }> };
  assert.equal(run.status, 'completed');
  const call = run.steps[0]?.toolCalls[0];
  assert.equal(call?.status, 'failed');
  assert.equal(call?.replyType, 'event.denied');
  assert.equal(call?.record?.status, 'denied');
});
