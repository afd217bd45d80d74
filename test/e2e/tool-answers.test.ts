/**
 * Tool calls are events: the events the native tools become, sent into the real embedded system,
 * are answered by the context driver or refused by the ACL, and each answer maps to the result
 * the tool gives a model. (The agent runtime emits these from its driver; here a user does.)
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { nativeTools } from '../../src/wiring/index.js';
import { createToolRegistry } from '../../src/registries/tools/index.js';
import { startTestSystem, type TestSystem } from '../helpers/local-system.js';

const tools = createToolRegistry(nativeTools());
let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem();
});
afterAll(() => system.stop());

/** Emits the call's event as `user`, waits for it, and returns the tool's result from its answering child. */
async function callTool(user: string, name: string, args: Record<string, unknown>) {
  const tool = tools.get(name)!;
  const checked = tools.validate(tool, args);
  assert.ok(checked.ok);
  const request = tool.toEvent(checked.value);
  const id = await system.emit(user, request.type, request.data);
  const record = await system.settled(user, id, (candidate) => candidate.status !== 'accepted' && candidate.children.length > 0);
  for (const childId of record.children) {
    const child = await system.settled(user, childId);
    const reply = { type: child.event.type, data: child.event.data };
    if (tool.isReply(reply)) return { type: reply.type, result: tool.fromReply(reply) };
  }
  assert.fail(`no answer among ${record.children.join(', ')}`);
}

describe('native tool calls in the running system', () => {
  it('write, then read back through the context driver', async () => {
    const written = await callTool('kim', 'context_write', { path: '/Research/tools/finding', content: 'Tools are events.', contentType: 'text/markdown' });
    assert.equal(written.type, 'context.updated');
    const read = await callTool('kim', 'context_read', { path: '/Research/tools/finding' });
    assert.deepEqual(read.result.ok && (read.result.value as { entry: { content: unknown } }).entry.content, 'Tools are events.');
  });

  it("a refusal by the driver becomes an error naming its code", async () => {
    const missing = await callTool('kim', 'context_read', { path: '/Research/none' });
    assert.deepEqual(missing, { type: 'context.error', result: { ok: false, error: 'context_read failed (not_found): there is no document or folder at /Research/none' } });
  });

  it("a denial by the ACL (another user's hub without a grant) becomes an error the model should not retry", async () => {
    const denied = await callTool('kim', 'context_read', { path: '/Notes/private', owner: 'lou' });
    assert.equal(denied.type, 'event.denied');
    assert.match(!denied.result.ok ? denied.result.error : '', /^context_read was denied by acl: .*Repeating the same call will be denied again/);
  });
});
