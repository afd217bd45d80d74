/**
 * What users need of an MCP server beyond the happy path, end to end on the embedded host with
 * the SDK-built test server over stdio (test/fixtures/mcp): a call that passes its timeout, a
 * server that crashes and is started again, a command that does not exist, tools that join at
 * run time (tools/list_changed), approvals from the server's configuration, and PII redaction for
 * an external server.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../helpers/local-system.js';
import { callTool, firstChild, health, until } from '../helpers/mcp-calls.js';
import { fixtureServer } from '../helpers/mcp-servers.js';

let system: TestSystem;

beforeAll(async () => {
  system = await startTestSystem({
    project: {
      mcp_servers: [
        fixtureServer('tester', 'test', { timeout: '1s', approval: ['add_tool'] }),
        { id: 'broken', transport: 'stdio', command: 'vextir-no-such-mcp-server', args: ['--stdio'] },
      ],
    },
  });
});
afterAll(async () => {
  await system.stop();
});

type ErrorData = { code: string; message: string; retryable: boolean };

describe('timeouts', () => {
  it('answers tool.error "timeout" when the server takes longer than the server\'s timeout', async () => {
    const { answer } = await callTool(system, 'ann', 'tester', 'slow', { ms: 5000 });
    assert.equal(answer.type, 'tool.error');
    const data = answer.event.data as ErrorData;
    assert.equal(data.code, 'timeout');
    assert.match(data.message, /did not answer within 1000 ms/);
    // The server is still usable.
    const sum = await callTool(system, 'ann', 'tester', 'add', { a: 1, b: 2 });
    assert.deepEqual((sum.answer.event.data as { structuredContent: unknown }).structuredContent, { sum: 3 });
  });
});

describe('a server that crashes', () => {
  it('is started again (a new process) and answers the next calls', async () => {
    const pidOf = async () => /pid (\d+)/.exec((await health(system)).checks['mcp:tester']?.detail ?? '')?.[1];
    const before = await until('the tester server', pidOf);
    const crash = await callTool(system, 'bo', 'tester', 'crash');
    assert.equal(crash.answer.type, 'tool.error');
    assert.equal((crash.answer.event.data as ErrorData).code, 'unavailable');
    assert.equal((crash.answer.event.data as ErrorData).retryable, true);

    const after = await until('a new tester process', async () => {
      const pid = await pidOf();
      return pid !== undefined && pid !== before ? pid : undefined;
    });
    assert.notEqual(after, before);
    assert.match((await health(system)).checks['mcp:tester']?.detail ?? '', /ready: 6 tools, pid \d+, [1-9]\d* restarts/);
    const sum = await callTool(system, 'bo', 'tester', 'add', { a: 20, b: 22 });
    assert.equal(sum.answer.type, 'tool.result');
  });
});

describe('a server that never starts', () => {
  it('says why in /api/health and in every call\'s tool.error', async () => {
    // Between its restart attempts (one may be in flight at any moment, reported as "connecting").
    const check = await until('the broken server reported down', async () => {
      const found = (await health(system)).checks['mcp:broken'];
      return found?.ok === false ? found : undefined;
    });
    assert.match(check.detail ?? '', /^down: spawn vextir-no-such-mcp-server ENOENT/);
    const { answer } = await callTool(system, 'cy', 'broken', 'anything');
    assert.equal(answer.type, 'tool.error');
    const data = answer.event.data as ErrorData;
    assert.equal(data.code, 'unavailable');
    // Between attempts it says when the next is; during one, that attempt's failure.
    assert.match(data.message, /MCP server "broken" (is not running: spawn vextir-no-such-mcp-server ENOENT; next start attempt in \d+s|could not be started: spawn vextir-no-such-mcp-server ENOENT)/);
  });
});

describe('approval from the server\'s configuration', () => {
  it('parks a call of a listed tool until a person approves it, then runs it once', async () => {
    const { call, answer } = await callTool(system, 'dee', 'tester', 'add_tool');
    assert.equal(call.status, 'processed');
    assert.equal(answer.type, 'tool.call', 'the call is emitted again, asking for approval');
    const parked = await system.settled('dee', answer.id);
    assert.equal(parked.decision?.verdict, 'require_approval');
    type Approval = { id: string; policy: string; eventType: string; eventId: string };
    const { approvals } = (await (await system.request('dee', 'GET', '/api/approvals?status=pending')).json()) as { approvals: Approval[] };
    const pending = approvals.find((approval) => approval.eventId === answer.id);
    assert.ok(pending, JSON.stringify(approvals));
    assert.equal(pending.policy, 'driver:mcp');
    assert.equal(system.host.system.tools.get('tester_extra'), undefined, 'nothing ran before the approval');

    assert.equal((await system.request('dee', 'POST', `/api/approvals/${pending.id}`, { body: { decision: 'approve' }, admin: true })).status, 200);
    const released = await system.settled('dee', answer.id, (record) => record.status === 'processed' && record.children.length > 1);
    const children = await Promise.all(released.children.map((child) => system.settled('dee', child, () => true)));
    assert.deepEqual(children.map((child) => child.type), ['approval.requested', 'tool.result']);

    // The server announced tools/list_changed: its new tool joins the registry and can be called.
    const extra = await until('tester_extra in the registry', () => system.host.system.tools.get('tester_extra'));
    assert.equal(extra.requiresApproval, false);
    const shout = await callTool(system, 'dee', 'tester', 'extra', { word: 'hi' });
    assert.equal((shout.answer.event.data as { content: Array<{ text: string }> }).content[0]?.text, 'HI');
  });

  it('marks the tool so an agent\'s call of it asks for approval too', () => {
    assert.equal(system.host.system.tools.get('tester_add_tool')?.requiresApproval, true);
    assert.equal(system.host.system.tools.get('tester_add')?.requiresApproval, false);
  });
});

describe('personal data', () => {
  it('reaches an external server redacted (the default pii-protection policy)', async () => {
    const id = await system.emit('eve', 'tool.call', { server: 'tester', tool: 'web_search', arguments: { query: 'mail eve@example.com about 4111 1111 1111 1111' } });
    const { call, answer } = await firstChild(system, 'eve', id);
    assert.deepEqual(call.decision?.['pii'], ['email', 'payment_card']);
    const text = (answer.event.data as { content: Array<{ text: string }> }).content[0]?.text ?? '';
    assert.doesNotMatch(text, /eve@example\.com|4111/);
    assert.match(text, /REDACTED|\[email\]|redacted/i);
  });
});

describe('the user\'s policies', () => {
  it('decide on a tool.call by its server, tool and arguments: deny, or ask a person', async () => {
    const policies = {
      policies: [
        { id: 'no-secret-searches', name: 'No secret searches', condition: "event.type == 'tool.call' && event.data.tool == 'web_search' && event.data.arguments.query.contains('secret')", action: 'deny', config: { reason: 'searching for secrets is not allowed' } },
        { id: 'sums-need-approval', name: 'Sums need approval', condition: "event.type == 'tool.call' && event.data.server == 'tester' && event.data.tool == 'add'", action: 'require_approval', config: { reason: 'sums are checked by a person' } },
      ],
    };
    assert.equal((await system.request('fay', 'PUT', '/api/policies?scope=user', { body: policies })).status, 200);

    const denied = await system.settled('fay', await system.emit('fay', 'tool.call', { server: 'tester', tool: 'web_search', arguments: { query: 'the secret plans' } }));
    assert.equal(denied.status, 'denied');
    assert.equal(denied.decision?.['decidedBy'], 'no-secret-searches');
    assert.deepEqual(denied.drivers, [], 'no driver ran: the server never saw the call');

    const allowed = await callTool(system, 'fay', 'tester', 'web_search', { query: 'public plans' });
    assert.equal(allowed.answer.type, 'tool.result');

    const parked = await system.settled('fay', await system.emit('fay', 'tool.call', { server: 'tester', tool: 'add', arguments: { a: 1, b: 1 } }));
    assert.equal(parked.decision?.verdict, 'require_approval');
    assert.equal(parked.decision?.['decidedBy'], 'sums-need-approval');
  });
});
