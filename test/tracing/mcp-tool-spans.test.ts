/**
 * MCP tool calls as `execute_tool` client spans inside the driver run's span, with the decision:
 * called, replayed (a redelivery answered from the stored answer), not_found. Against the
 * SDK-built test server over stdio; spans to an in-memory exporter.
 */
import assert from 'node:assert/strict';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, it } from 'vitest';
import { MemoryStateStore } from '../../src/adapters/memory/index.js';
import { createMcpDriver, mcpServersSchema, McpServers, resolveServer } from '../../src/drivers/mcp/index.js';
import { createToolRegistry } from '../../src/registries/tools/index.js';
import type { Driver, DriverContext, TraceSpan } from '../../src/kernel/index.js';
import { createTracing } from '../../src/tracing/index.js';
import { makeEvent, silentLogger, TestClock } from '../helpers/kernel-fixture.js';
import { fixtureServer } from '../helpers/mcp-servers.js';

let driver: Driver;
const exporter = new InMemorySpanExporter();
const tracing = createTracing({ serviceName: 'test', serviceVersion: '0.0.0', exporters: [exporter] });

beforeAll(async () => {
  const [entry] = mcpServersSchema.parse([fixtureServer('tester', 'test')]);
  const servers = new McpServers([resolveServer(entry!, process.cwd(), () => undefined)], { tools: createToolRegistry(), logger: silentLogger });
  driver = createMcpDriver({ id: 'mcp', servers, state: new MemoryStateStore(), startGraceMs: 30_000, ownsLifecycle: true });
  await driver.init?.();
});
afterAll(async () => {
  await driver.shutdown?.();
  await tracing.shutdown();
});

const context = (key: string, trace: TraceSpan): DriverContext => ({ logger: silentLogger, clock: new TestClock(), signal: new AbortController().signal, idempotencyKey: key, attempt: 1, restrictions: {}, reportUsage: () => undefined, trace });
const call = (id: string, tool: string, args: Record<string, unknown> = {}) => makeEvent({ id, type: 'tool.call', data: { server: 'tester', tool, arguments: args } });

async function traced(id: string, tool: string, args: Record<string, unknown> = {}): Promise<void> {
  const event = call(id, tool, args);
  const delivery = tracing.tracer.startEvent(event, 1);
  const run = delivery.startChild('driver mcp');
  await driver.handle(event, context(`${id}:mcp`, run));
  run.end();
  delivery.end();
}

it('makes each call an execute_tool span in the run, saying whether it was called, replayed or refused', async () => {
  await traced('t1', 'add', { a: 2, b: 3 });
  await traced('t1', 'add', { a: 2, b: 3 }); // a redelivery: the stored answer
  await traced('t2', 'no_such_tool');
  await tracing.flush();
  const spans = exporter.getFinishedSpans();
  const calls = spans.filter((span) => span.name.startsWith('execute_tool '));
  assert.deepEqual(calls.map((span) => [span.name, span.attributes['vextir.tool.decision'], span.attributes['error.type']]), [
    ['execute_tool add', 'called', undefined],
    ['execute_tool add', 'replayed', undefined],
    ['execute_tool no_such_tool', 'not_found', 'not_found'],
  ]);
  for (const span of calls) {
    assert.equal(span.kind, 2, 'client'); // SpanKind.CLIENT in the API's enum
    assert.equal(span.attributes['gen_ai.operation.name'], 'execute_tool');
    assert.equal(span.attributes['vextir.tool.server'], 'tester');
    const run = spans.find((candidate) => candidate.spanContext().spanId === span.parentSpanContext?.spanId);
    assert.equal(run?.name, 'driver mcp');
  }
  assert.equal(calls[0]!.attributes['gen_ai.tool.name'], 'add');
});
