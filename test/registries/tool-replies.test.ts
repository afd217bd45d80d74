/** Answers to tool calls: which child events are answers, and the result each gives a model. */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { defineEventTool, emitEventTool, isReservedEventType, RESERVED_EVENT_TYPES } from '../../src/registries/tools/index.js';
import { createToolRegistry } from '../../src/registries/tools/index.js';

const tool = defineEventTool({
  name: 'context_read',
  description: 'read',
  inputSchema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'], additionalProperties: false },
  eventType: 'context.read',
  resultTypes: ['context.read.result'],
  errorTypes: ['context.error'],
  driver: 'context',
});

describe('an event tool', () => {
  it('becomes its request event and awaits one of its reply types', () => {
    assert.deepEqual(tool.toEvent({ path: '/Notes/a' }), { type: 'context.read', data: { path: '/Notes/a' } });
    assert.equal(tool.awaitsReply, true);
    assert.equal(tool.source, 'native');
    assert.deepEqual(tool.replyTypes, ['context.read.result', 'context.error', 'event.denied', 'error']);
  });

  it('gives the result without the requestId', () => {
    const reply = { type: 'context.read.result', data: { requestId: 'e1', owner: 'alice', path: '/Notes/a', entry: { content: 'hi' } } };
    assert.ok(tool.isReply(reply));
    assert.deepEqual(tool.fromReply(reply), { ok: true, value: { owner: 'alice', path: '/Notes/a', entry: { content: 'hi' } } });
  });

  it("reports the driver's refusal with its code and message", () => {
    const reply = { type: 'context.error', data: { requestId: 'e1', request: 'context.read', code: 'not_found', message: 'there is no document or folder at /Notes/a' } };
    assert.deepEqual(tool.fromReply(reply), { ok: false, error: 'context_read failed (not_found): there is no document or folder at /Notes/a' });
  });

  it('reports a denial with the authorizer, the policy and the reason, and tells the model not to repeat it', () => {
    const reply = { type: 'event.denied', data: { eventId: 'e1', eventType: 'context.read', authorizer: 'policy', reason: 'no /Personal for agents', policy: 'personal-data' } };
    assert.ok(tool.isReply(reply));
    const result = tool.fromReply(reply);
    assert.equal(result.ok, false);
    assert.match(!result.ok ? result.error : '', /^context_read was denied by policy \(policy "personal-data"\): no \/Personal for agents\. Repeating the same call will be denied again/);
  });

  it("reports its driver's failure, saying when it may be temporary", () => {
    const reply = { type: 'error', data: { eventId: 'e1', eventType: 'context.read', driver: 'context', code: 'unavailable', message: 'store down', retryable: true } };
    assert.ok(tool.isReply(reply));
    assert.deepEqual(tool.fromReply(reply), { ok: false, error: 'context_read failed in the context driver (unavailable): store down. The failure may be temporary.' });
    assert.ok(tool.isReply({ type: 'error', data: { driver: 'processor', code: 'internal', message: 'x' } }), 'the processor failing the event is an answer too');
  });

  it('is not answered by other children: approvals, notifications, other drivers', () => {
    assert.equal(tool.isReply({ type: 'approval.requested', data: { approvalId: 'a1' } }), false);
    assert.equal(tool.isReply({ type: 'policy.notify', data: {} }), false);
    assert.equal(tool.isReply({ type: 'error', data: { driver: 'audit-logger', code: 'internal', message: 'x' } }), false);
    assert.equal(tool.isReply({ type: 'context.updated', data: {} }), false);
    assert.deepEqual(tool.fromReply({ type: 'context.updated', data: {} }), { ok: false, error: 'context_read got an unexpected answer of type context.updated' });
  });

  it('survives answers whose data is not an object', () => {
    assert.deepEqual(tool.fromReply({ type: 'context.error', data: 'weird' }), { ok: false, error: 'context_read failed: the request was refused' });
    assert.deepEqual(tool.fromReply({ type: 'event.denied', data: null }), { ok: false, error: 'context_read was denied by the system: no reason given. Repeating the same call will be denied again; change it or tell the user.' });
  });
});

describe('emit_event', () => {
  const registry = createToolRegistry([emitEventTool()]);

  it('emits the event fire-and-forget and reports its id', () => {
    const emit = emitEventTool();
    assert.equal(emit.awaitsReply, false);
    assert.deepEqual(emit.replyTypes, []);
    assert.deepEqual(emit.toEvent({ type: 'meeting.schedule', data: { with: ['a@b.c'] } }), { type: 'meeting.schedule', data: { with: ['a@b.c'] } });
    assert.deepEqual(emit.toEvent({ type: 'note.taken' }), { type: 'note.taken', data: {} });
    assert.deepEqual(emit.emitted?.('evt-9'), { emitted: true, eventId: 'evt-9' });
    assert.equal(emit.isReply({ type: 'event.denied', data: {} }), false);
  });

  it('refuses every reserved type, naming the field', () => {
    for (const type of ['error', 'event.denied', 'approval.requested', 'policy.notify', 'model.request', 'model.response', 'agent.run.started', 'context.write', 'mcp.call', 'tool.call']) {
      const result = registry.validate('emit_event', { type });
      assert.equal(result.ok, false, type);
      assert.match(!result.ok ? result.issues[0]! : '', /^type: ".*" is reserved/);
      assert.throws(() => emitEventTool().toEvent({ type }), /reserved/, 'toEvent refuses it too');
    }
    assert.ok(isReservedEventType('model') && !isReservedEventType('models.listed') && !isReservedEventType('errors.seen'));
    assert.ok(RESERVED_EVENT_TYPES.includes('event.denied'));
  });

  it('validates its arguments: a dotted type, an object of data, nothing else', () => {
    const result = registry.validate('emit_event', { type: 'no spaces', data: [1], extra: true });
    assert.deepEqual(!result.ok && [...result.issues].sort(), ['data: must be an object', 'extra: is not a known field', 'type: must match pattern "' + '^[A-Za-z0-9][A-Za-z0-9_-]*(\\.[A-Za-z0-9][A-Za-z0-9_-]*)*$"']);
  });

  it('narrowed, emits only the types it was given (exact ones as an enum, patterns as a regex)', () => {
    const exact = emitEventTool().narrow!(['meeting.schedule']);
    assert.deepEqual(registry.validate(exact, { type: 'meeting.schedule' }).ok, true);
    assert.deepEqual(registry.validate(exact, { type: 'email.send' }), { ok: false, issues: ['type: must be one of "meeting.schedule"'] });
    assert.match(exact.description, /may emit only: meeting\.schedule/);
    const patterned = emitEventTool().narrow!(['task.*', 'note.taken']);
    assert.equal(registry.validate(patterned, { type: 'task.create' }).ok, true);
    assert.equal(registry.validate(patterned, { type: 'note.taken' }).ok, true);
    assert.equal(registry.validate(patterned, { type: 'task' }).ok, false);
    assert.equal(registry.validate(patterned, { type: 'email.send' }).ok, false);
    assert.throws(() => patterned.toEvent({ type: 'email.send' }), /may emit only task\.\*, note\.taken/);
  });

  it('refuses to be narrowed to reserved types, "*" or non-types', () => {
    for (const args of [['model.request'], ['context.*'], ['*'], ['not a type'], ['approval']]) assert.throws(() => emitEventTool().narrow!(args), /is not an event type or "prefix\.\*" pattern an agent may emit/);
  });
});
