/**
 * Traces end to end: the embedded host with OTEL_EXPORTER_OTLP_ENDPOINT set exports its spans
 * over OTLP/HTTP to a receiver started here. One trace per correlation id (its id derived from
 * it), each delivery's span the parent of its driver runs, a child event's delivery under its
 * cause's; a model call as a gen_ai client span; a plan's transitions as plan.step events.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { eventSpanIdOf, traceIdOf } from '../../src/tracing/index.js';
import { startTestSystem, type TestSystem } from '../helpers/local-system.js';
import { startOpenAiServer, type ModelServer } from '../helpers/model-servers/index.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './otlp-receiver.js';

const CONSUMER = 5;
const CLIENT = 3;
const ERROR = 2;

let receiver: OtlpReceiver;
let openai: ModelServer;
let system: TestSystem;

beforeAll(async () => {
  [receiver, openai] = await Promise.all([startOtlpReceiver(), startOpenAiServer()]);
  system = await startTestSystem({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: 'vextir-test', OPENAI_API_KEY: 'sk-traces', OPENAI_BASE_URL: openai.url } });
});
afterAll(async () => {
  await system.stop();
  await Promise.all([receiver.close(), openai.close()]);
});

/** Exports what is buffered, then waits until the spans `predicate` expects have arrived. */
async function received(predicate: (spans: readonly ReceivedSpan[]) => boolean): Promise<void> {
  await system.host.system.tracing?.flush();
  await receiver.waitFor(predicate);
}

const processing = (eventId: string) => (span: ReceivedSpan) => span.kind === CONSUMER && span.attributes['cloudevents.event_id'] === eventId;
const one = (spans: readonly ReceivedSpan[], predicate: (span: ReceivedSpan) => boolean, what: string): ReceivedSpan => {
  const found = spans.filter(predicate);
  assert.equal(found.length, 1, `one span of ${what}, got ${found.length}: ${spans.map((span) => span.name).join(', ')}`);
  return found[0]!;
};

describe('traces over OTLP/HTTP', () => {
  it('puts a chain of two events in one trace: each delivery the parent of its driver runs, the child under its cause', async () => {
    const pingId = await system.emit('ana', 'demo.ping', { n: 1 });
    const ping = await system.settled('ana', pingId);
    assert.equal(ping.status, 'processed');
    const pongId = ping.children[0]!;
    await system.settled('ana', pongId);
    await received((spans) => spans.some(processing(pongId)));

    const traceId = traceIdOf(pingId);
    const pingSpan = one(receiver.spans, processing(pingId), 'demo.ping');
    assert.equal(pingSpan.name, 'process demo.ping');
    assert.equal(pingSpan.traceId, traceId, 'the trace id is derived from the correlation id');
    assert.equal(pingSpan.spanId, eventSpanIdOf(pingId), "the first delivery's span id is derived from the event id");
    assert.equal(pingSpan.parentSpanId, undefined, 'the event that starts the correlation is the root');
    assert.equal(pingSpan.resource['service.name'], 'vextir-test');
    assert.equal(pingSpan.attributes['cloudevents.event_type'], 'demo.ping');
    assert.equal(pingSpan.attributes['messaging.message.conversation_id'], pingId);
    assert.equal(pingSpan.attributes['vextir.event.status'], 'processed');
    assert.equal(pingSpan.attributes['vextir.delivery.attempt'], 1);

    const run = one(receiver.spans, (span) => span.name === 'driver ping' && span.parentSpanId === pingSpan.spanId, 'the ping driver run');
    assert.equal(run.traceId, traceId);
    assert.equal(run.attributes['vextir.driver.status'], 'succeeded');
    assert.equal(run.attributes['vextir.driver.emitted'], 1);

    const pongSpan = one(receiver.spans, processing(pongId), 'demo.pong');
    assert.equal(pongSpan.traceId, traceId, 'the child event is in its cause’s trace');
    assert.equal(pongSpan.parentSpanId, pingSpan.spanId, 'under the delivery of its cause');
    assert.equal(pongSpan.attributes['vextir.event.causation_id'], pingId);
    assert.equal(pongSpan.attributes['vextir.event.depth'], 1);
    assert.deepEqual(new Set(receiver.spans.filter((span) => span.attributes['messaging.message.conversation_id'] === pingId).map((span) => span.traceId)), new Set([traceId]));
    assert.deepEqual(receiver.rejected, []);
  });

  it('makes a model call through the models driver a gen_ai chat span with the model, tokens and cost', async () => {
    openai.script('*', { text: 'traced answer', usage: { input: 2000, output: 500 } });
    const requestId = await system.emit('ana', 'model.request', { model: 'auto', messages: [{ role: 'user', content: 'hello' }] });
    const record = await system.settled('ana', requestId);
    assert.equal(record.status, 'processed');
    await received((spans) => spans.some((span) => span.traceId === traceIdOf(requestId) && span.name.startsWith('chat ')));

    const delivery = one(receiver.spans, processing(requestId), 'model.request');
    const run = one(receiver.spans, (span) => span.name === 'driver models' && span.parentSpanId === delivery.spanId, 'the models driver run');
    const call = one(receiver.spans, (span) => span.name.startsWith('chat ') && span.traceId === delivery.traceId, 'the model call');
    assert.equal(call.parentSpanId, run.spanId, 'the call is inside the driver run');
    assert.equal(call.kind, CLIENT);
    const model = call.attributes['gen_ai.request.model'];
    assert.equal(call.name, `chat ${String(model)}`);
    assert.equal(call.attributes['gen_ai.operation.name'], 'chat');
    assert.equal(call.attributes['gen_ai.provider.name'], 'openai');
    assert.equal(call.attributes['gen_ai.response.model'], model);
    assert.equal(call.attributes['gen_ai.usage.input_tokens'], 2000);
    assert.equal(call.attributes['gen_ai.usage.output_tokens'], 500);
    assert.deepEqual(call.attributes['gen_ai.response.finish_reasons'], ['stop']);
    assert.ok(Number(call.attributes['vextir.model.cost_usd']) > 0, 'the cost at the registry’s prices');
    assert.equal(run.attributes['vextir.usage.tokens'], 2500);
    assert.equal(openai.requests.length > 0, true);
  });

  it('ends the span of a failed provider call in error, with the status as error.type', async () => {
    openai.reset();
    openai.script('*', { status: 400, message: 'bad request from the test' });
    const requestId = await system.emit('ana', 'model.request', { model: 'auto', messages: [{ role: 'user', content: 'refuse me' }] });
    await system.settled('ana', requestId);
    await received((spans) => spans.some((span) => span.traceId === traceIdOf(requestId) && span.name.startsWith('chat ')));
    const call = one(receiver.spans, (span) => span.traceId === traceIdOf(requestId) && span.name.startsWith('chat '), 'the refused call');
    assert.equal(call.status.code, ERROR);
    assert.equal(call.attributes['error.type'], '400');
  });

  it("records an agent's tool decisions: requested, refused (no such tool), and each result", async () => {
    openai.reset();
    openai.script('*', { toolCalls: [{ name: 'context_search', arguments: { text: 'launch' } }, { name: 'no_such_tool', arguments: {} }] }, { text: 'nothing about a launch' });
    const chatId = await system.emit('ana', 'llm.chat', { message: 'When does Alpha launch?', conversationId: 'traced-1' });
    const decisions = (spans: readonly ReceivedSpan[]) => spans.filter((span) => span.traceId === traceIdOf(chatId)).flatMap((span) => span.events.filter((event) => event.name.startsWith('gen_ai.tool.')).map((event) => ({ span, name: event.name, attributes: event.attributes })));
    for (let i = 0; i < 400 && !decisions(receiver.spans).some((each) => each.name === 'gen_ai.tool.result'); i += 1) {
      await system.host.system.tracing?.flush();
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const found = decisions(receiver.spans);
    const called = found.filter((each) => each.name === 'gen_ai.tool.call');
    assert.deepEqual(called.map((each) => [each.attributes['gen_ai.tool.name'], each.attributes['vextir.tool.decision']]), [['context_search', 'requested'], ['no_such_tool', 'refused']], JSON.stringify(found));
    assert.match(String(called[1]?.attributes['vextir.tool.error']), /no tool named no_such_tool/);
    const result = found.find((each) => each.name === 'gen_ai.tool.result')!;
    assert.equal(result.attributes['gen_ai.tool.name'], 'context_search');
    assert.equal(result.attributes['vextir.tool.status'], 'done');
    assert.equal(called[0]!.span.attributes['gen_ai.agent.id'], result.span.attributes['gen_ai.agent.id']);
    assert.ok(called[0]!.span.name.startsWith('driver '), 'on the agent driver run');
  });

  it("records a plan's steps as plan.step events with the plan, node, attempt and status", async () => {
    const instruction = { id: 'traced', plan: [{ id: 'note', action: 'emit_event', event: { type: 'demo.ping', data: { n: 1 } } }] };
    const saved = await system.request('ana', 'POST', '/api/instructions', { body: instruction });
    assert.equal(saved.status, 201, await saved.text());
    const started = await system.request('ana', 'POST', '/api/instructions/traced/run', { body: { inputs: {} } });
    assert.equal(started.status, 202, await started.clone().text());
    const planId = ((await started.json()) as { plan: string }).plan;
    let status = '';
    for (let i = 0; i < 200 && status !== 'completed' && status !== 'failed'; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      const plan = (await (await system.request('ana', 'GET', `/api/plans/${encodeURIComponent(planId)}`)).json()) as { plan?: { status: string }; status?: string };
      status = plan.plan?.status ?? plan.status ?? '';
    }
    assert.equal(status, 'completed', 'the step (a demo.ping the ping driver answers) completed the plan');
    const steps = (spans: readonly ReceivedSpan[]) => spans.flatMap((span) => span.events.filter((event) => event.name === 'plan.step' && event.attributes['vextir.plan.id'] === planId).map((event) => ({ span, event: event.attributes })));
    await received((spans) => steps(spans).some(({ event }) => event['vextir.plan.node.status'] === 'completed'));

    const all = steps(receiver.spans);
    assert.ok(all.every(({ span }) => span.name === 'driver plans'), 'on the plans driver runs');
    assert.ok(all.some(({ event }) => event['vextir.plan.node.status'] === 'running' && event['vextir.plan.node.attempt'] === 1), JSON.stringify(all.map(({ event }) => event)));
    const done = all.find(({ event }) => event['vextir.plan.node.status'] === 'completed')!;
    assert.equal(done.event['vextir.plan.node'], 'note');
    assert.equal(done.event['vextir.plan.node.index'], 0);
    assert.equal(done.event['vextir.plan.node.action'], 'emit_event');
    assert.equal(done.span.attributes['vextir.plan.id'], planId);
  });
});
