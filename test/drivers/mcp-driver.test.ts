/**
 * The mcp driver's effectively-once rule, at its own boundary (the processor cannot be made to
 * crash between a driver's call and the commit of its answer from the outside): the same event
 * delivered again (same idempotency key) gets the answer stored the first time and no second
 * call; a call whose first delivery was cut off after it was sent is not sent again unless the
 * server marks the tool read-only or idempotent. Against the SDK-built test server over stdio.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, it } from 'vitest';
import { MemoryStateStore } from '../../src/adapters/memory/index.js';
import { createMcpDriver, mcpServersSchema, McpServers, resolveServer } from '../../src/drivers/mcp/index.js';
import { createToolRegistry } from '../../src/registries/tools/index.js';
import type { Driver, DriverContext, EmittedEvent } from '../../src/kernel/index.js';
import { makeEvent, silentLogger, TestClock } from '../helpers/kernel-fixture.js';
import { fixtureServer } from '../helpers/mcp-servers.js';

let servers: McpServers;
let driver: Driver;

beforeAll(async () => {
  const [entry] = mcpServersSchema.parse([fixtureServer('tester', 'test')]);
  servers = new McpServers([resolveServer(entry!, process.cwd(), () => undefined)], { tools: createToolRegistry(), logger: silentLogger });
  driver = createMcpDriver({ id: 'mcp', servers, state: new MemoryStateStore(), startGraceMs: 30_000, ownsLifecycle: true });
  await driver.init?.();
});
afterAll(async () => {
  await driver.shutdown?.();
});

function context(key: string, signal = new AbortController().signal): DriverContext {
  return { logger: silentLogger, clock: new TestClock(), signal, idempotencyKey: key, attempt: 1, restrictions: {}, reportUsage: () => undefined };
}

const call = (id: string, tool: string, args: Record<string, unknown> = {}) => makeEvent({ id, type: 'tool.call', data: { server: 'tester', tool, arguments: args } });
const textOf = (outputs: readonly EmittedEvent[] | void) => ((outputs?.[0]?.data ?? {}) as { content?: Array<{ text: string }> }).content?.[0]?.text;

it('answers a redelivered call with the stored answer, without calling the server again', async () => {
  const first = await driver.handle(call('c1', 'web_search', { query: 'once' }), context('c1:mcp'));
  const again = await driver.handle(call('c1', 'web_search', { query: 'once' }), context('c1:mcp'));
  assert.deepEqual(again, first);
  assert.equal(textOf(await driver.handle(call('c2', 'count'), context('c2:mcp'))), '1', 'the server saw one call');
});

it('does not send again a call that may have reached the server, unless the tool is read-only', async () => {
  const cut = new AbortController();
  const pending = driver.handle(call('c3', 'slow', { ms: 3000 }), context('c3:mcp', cut.signal));
  setTimeout(() => cut.abort(new Error('the host stopped')), 300);
  await assert.rejects(pending);
  const redelivered = await driver.handle(call('c3', 'slow', { ms: 10 }), context('c3:mcp'));
  assert.equal(redelivered?.[0]?.type, 'tool.error');
  assert.equal((redelivered?.[0]?.data as { code: string }).code, 'outcome_unknown');

  const readOnly = new AbortController();
  readOnly.abort(new Error('the host stopped'));
  await assert.rejects(driver.handle(call('c4', 'add', { a: 1, b: 1 }), context('c4:mcp', readOnly.signal)));
  const sum = await driver.handle(call('c4', 'add', { a: 1, b: 1 }), context('c4:mcp'));
  assert.equal(sum?.[0]?.type, 'tool.result', 'add is read-only at the server: sent again');
});
