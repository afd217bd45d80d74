/**
 * Vextir as an MCP server, used as an MCP client uses it: the SDK's own Client over Streamable
 * HTTP against the running embedded host, with a user's bearer token. Every call is an event,
 * so what the tests see (answers, denials, records, the audit trail) is the real pipeline's.
 */
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startTestSystem, type RecordBody, type TestSystem } from '../helpers/local-system.js';

let system: TestSystem;
const clients: Client[] = [];
beforeAll(async () => {
  system = await startTestSystem();
});
afterAll(async () => {
  for (const client of clients) await client.close();
  await system.stop();
});

async function connect(user: string): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(`${system.url}/api/mcp`), {
    requestInit: { headers: { authorization: `Bearer ${await system.token(user)}` } },
  });
  const client = new Client({ name: 'vextir-test', version: '1.0.0' });
  await client.connect(transport);
  clients.push(client);
  return client;
}

async function call(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

function text(result: CallToolResult): string {
  return result.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

/** A successful result's structured value (fails the test with the error text otherwise). */
function value(result: CallToolResult): Record<string, unknown> {
  assert.notEqual(result.isError, true, text(result));
  assert.ok(result.structuredContent, 'a successful call has structured content');
  return result.structuredContent;
}

describe('POST /api/mcp with the SDK client', () => {
  it('offers the Context Hub tools, emit_event and event_status, and a document template', async () => {
    const client = await connect('ada');
    assert.equal(client.getServerVersion()?.name, 'vextir');
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((tool) => tool.name), ['context_read', 'context_write', 'context_query', 'context_search', 'emit_event', 'event_status']);
    const write = tools.find((tool) => tool.name === 'context_write');
    assert.deepEqual(write?.inputSchema.required, ['path', 'content']);
    const { resourceTemplates } = await client.listResourceTemplates();
    assert.deepEqual(resourceTemplates.map((template) => template.uriTemplate), ['vextir://context/{+path}']);
  });

  it('writes a document, reads it back, and the HTTP API sees the same document', async () => {
    const client = await connect('ada');
    const written = value(await call(client, 'context_write', { path: '/Notes/from-mcp', content: '# Hello from MCP', contentType: 'text/markdown', metadata: { topic: 'mcp' } }));
    assert.equal((written['entry'] as { version: number }).version, 1);
    const read = value(await call(client, 'context_read', { path: '/Notes/from-mcp' }));
    const entry = read['entry'] as { content: unknown; contentType: string; metadata: unknown };
    assert.deepEqual([entry.content, entry.contentType, entry.metadata], ['# Hello from MCP', 'text/markdown', { topic: 'mcp' }]);
    const overHttp = await system.request('ada', 'GET', '/api/context/Notes/from-mcp');
    assert.equal(await overHttp.text(), '# Hello from MCP');
  });

  it('queries by metadata and searches by words', async () => {
    const client = await connect('ben');
    value(await call(client, 'context_write', { path: '/Projects/Apollo/status', content: { phase: 'launch' }, metadata: { priority: 'high' } }));
    value(await call(client, 'context_write', { path: '/Projects/Gemini/status', content: { phase: 'design' }, metadata: { priority: 'low' } }));
    value(await call(client, 'context_write', { path: '/Research/rockets', content: 'Saturn five used liquid hydrogen in its upper stages.' }));
    const queried = value(await call(client, 'context_query', { prefix: '/Projects', where: 'priority = "high"' }));
    assert.deepEqual((queried['entries'] as Array<{ path: string }>).map((found) => found.path), ['/Projects/Apollo/status']);
    const searched = value(await call(client, 'context_search', { text: 'liquid hydrogen' }));
    assert.deepEqual((searched['hits'] as Array<{ entry: { path: string } }>).map((hit) => hit.entry.path), ['/Research/rockets']);
  });

  it('emits an event that the system processes, and event_status shows it like GET /api/events/{id}', async () => {
    const client = await connect('cal');
    const emitted = value(await call(client, 'emit_event', { type: 'demo.ping', data: { note: 'from an MCP client' } }));
    const eventId = String(emitted['eventId']);
    const record = await system.settled('cal', eventId);
    assert.equal(record.status, 'processed');
    assert.equal(record.event.type, 'demo.ping');
    assert.deepEqual(record.drivers.map((run) => [run.driver, run.status]), [['ping', 'succeeded']]);
    const status = value(await call(client, 'event_status', { id: eventId }));
    assert.equal(status['status'], 'processed');
    assert.equal((status['event'] as { source: string }).source, '/mcp');
    const other = await connect('dee');
    const hidden = await call(other, 'event_status', { id: eventId });
    assert.equal(hidden.isError, true);
    assert.match(text(hidden), /no event .* was found/);
  });

  it('refuses reserved event types and invalid arguments with a precise tool error', async () => {
    const client = await connect('cal');
    const reserved = await call(client, 'emit_event', { type: 'context.write', data: { path: '/Notes/x', content: 'sneaky' } });
    assert.equal(reserved.isError, true);
    assert.match(text(reserved), /"context\.write" is reserved/);
    const invalid = await call(client, 'context_write', { path: '/Notes/x' });
    assert.equal(invalid.isError, true);
    assert.match(text(invalid), /content/);
    const relative = await call(client, 'context_read', { path: 'Notes/x' });
    assert.equal(relative.isError, true);
    assert.match(text(relative), /relative; it must start with "\/"/);
  });

  it("applies the user's policies: a denied write is an error naming the policy, and nothing is written", async () => {
    const policies = { policies: [{ id: 'locked-folder', name: 'Locked', condition: "event.type == 'context.write' && context.path.startsWith('/Locked')", action: 'deny', config: { reason: '/Locked is read-only' } }] };
    assert.equal((await system.request('eve', 'PUT', '/api/policies?scope=user', { body: policies })).status, 200);
    const client = await connect('eve');
    const denied = await call(client, 'context_write', { path: '/Locked/plan', content: 'overwrite' });
    assert.equal(denied.isError, true);
    assert.match(text(denied), /denied by policy-engine \(policy "locked-folder"\): .*\/Locked is read-only/);
    assert.equal((await system.request('eve', 'GET', '/api/context/Locked/plan')).status, 404);
    value(await call(client, 'context_write', { path: '/Notes/open', content: 'allowed' }));
  });

  it('a call a policy parks for approval says so, and runs once the user approves it', async () => {
    const policies = { policies: [{ id: 'review-writes', name: 'Review', condition: "event.type == 'context.write' && context.path.startsWith('/Review')", action: 'require_approval', config: { reason: 'writes to /Review need a look' } }] };
    assert.equal((await system.request('jon', 'PUT', '/api/policies?scope=user', { body: policies })).status, 200);
    const client = await connect('jon');
    const parked = await call(client, 'context_write', { path: '/Review/draft', content: 'please check' });
    assert.notEqual(parked.isError, true);
    assert.match(text(parked), /has NOT run yet: it waits for a person's approval \(writes to \/Review need a look\)/);
    const { eventId, approvalId, status } = parked.structuredContent as { eventId: string; approvalId: string; status: string };
    assert.equal(status, 'awaiting_approval');
    assert.equal((await system.request('jon', 'GET', '/api/context/Review/draft')).status, 404);
    assert.equal((await system.request('jon', 'POST', `/api/approvals/${approvalId}`, { body: { decision: 'approve' } })).status, 200);
    const record = await system.settled('jon', eventId, (candidate) => candidate.status === 'processed');
    assert.deepEqual(record.drivers.map((run) => run.driver), ['context']);
    assert.equal(await (await system.request('jon', 'GET', '/api/context/Review/draft')).text(), 'please check');
  });

  it('a call no driver may answer (a restrict policy skips the context driver) ends in an error, not a wait', async () => {
    const policies = { policies: [{ id: 'no-context-driver', name: 'Skip', condition: "event.type == 'context.read'", action: 'restrict', config: { restrictions: { drivers: { deny: ['context'] } } } }] };
    assert.equal((await system.request('kai', 'PUT', '/api/policies?scope=user', { body: policies })).status, 200);
    const client = await connect('kai');
    const result = await call(client, 'context_read', { path: '/Welcome' });
    assert.equal(result.isError, true);
    assert.match(text(result), /context_read got no answer: the event \S+ ended processed: no answer came from the drivers: context skipped/);
  });

  it('treats the client as an external service: /Personal answers are withheld, personal data is redacted', async () => {
    const client = await connect('lea');
    const written = await call(client, 'context_write', { path: '/Personal/diary', content: 'Dear diary' });
    assert.equal(written.isError, true);
    assert.match(text(written), /context_write ran \(event \S+\), but its answer \(context\.updated\) is not given to MCP clients: policy "personal-stays-internal" keeps/);
    assert.equal(await (await system.request('lea', 'GET', '/api/context/Personal/diary')).text(), 'Dear diary', 'the write itself happened');
    const read = await call(client, 'context_read', { path: '/Personal/diary' });
    assert.equal(read.isError, true);
    assert.doesNotMatch(text(read), /Dear diary/);
    const readId = /ran \(event (\S+)\)/.exec(text(read))?.[1];
    const status = value(await call(client, 'event_status', { id: String(readId) }));
    assert.match(String((status['event'] as { dataWithheld?: string }).dataWithheld), /personal-stays-internal/);
    await assert.rejects(client.readResource({ uri: 'vextir://context/Personal/diary' }), /personal-stays-internal/);
    await assert.rejects(client.listResources(), /personal-stays-internal/, 'the recent documents include /Personal/diary');

    value(await call(client, 'context_write', { path: '/Notes/contact', content: 'Write to jane.doe@example.com about the offer.' }));
    const contact = value(await call(client, 'context_read', { path: '/Notes/contact' }));
    assert.equal((contact['entry'] as { content: string }).content, 'Write to [REDACTED:email] about the offer.');
    assert.match(await (await system.request('lea', 'GET', '/api/context/Notes/contact')).text(), /jane\.doe@example\.com/);
  });

  it("keeps users apart: another user's hub needs their grant, and their documents are not in mine", async () => {
    const owner = await connect('fay');
    value(await call(owner, 'context_write', { path: '/Notes/secret', content: 'fay only' }));
    const intruder = await connect('gus');
    const viaOwner = await call(intruder, 'context_read', { path: '/Notes/secret', owner: 'fay' });
    assert.equal(viaOwner.isError, true);
    assert.match(text(viaOwner), /denied by acl/);
    const own = await call(intruder, 'context_read', { path: '/Notes/secret' });
    assert.equal(own.isError, true);
    assert.match(text(own), /not_found/);
    await assert.rejects(intruder.readResource({ uri: 'vextir://context/Notes/secret' }), (error: unknown) => error instanceof McpError && error.code === -32002);
  });

  it('lists recent documents as resources and reads one', async () => {
    const client = await connect('hal');
    value(await call(client, 'context_write', { path: '/Notes/a b', content: { list: [1, 2] } }));
    const { resources } = await client.listResources();
    const listed = resources.find((resource) => resource.name === '/Notes/a b');
    assert.equal(listed?.uri, 'vextir://context/Notes/a%20b');
    assert.equal(listed.mimeType, 'application/json');
    const { contents } = await client.readResource({ uri: listed.uri });
    assert.deepEqual(contents, [{ uri: 'vextir://context/Notes/a%20b', mimeType: 'application/json', text: '{"list":[1,2]}' }]);
    await assert.rejects(client.readResource({ uri: 'vextir://context/Notes/../etc' }), (error: unknown) => error instanceof McpError && error.code === -32602);
  });

  it("records every MCP call in the caller's audit trail, refusals included", async () => {
    const client = await connect('ivy');
    const written = value(await call(client, 'context_write', { path: '/Notes/audited', content: 'trace me' }));
    await call(client, 'context_write', { path: '/Notes/audited' });
    const response = await system.request('ivy', 'GET', '/api/audit?limit=1000');
    const { entries } = (await response.json()) as { entries: Array<{ kind: string; eventId?: string; action?: string; target?: string; reason?: string; request?: { status: number } }> };
    const decision = entries.find((entry) => entry.kind === 'event' && entry.eventId === written['eventId']);
    assert.ok(decision, 'the write has its decision entry');
    const record = (await (await system.request('ivy', 'GET', `/api/events/${String(written['eventId'])}`)).json()) as RecordBody;
    assert.equal((record.event as { source?: string }).source, '/mcp');
    const refusals = entries.filter((entry) => entry.kind === 'access' && entry.target === '/api/mcp');
    assert.equal(refusals[0]?.request?.status, 400);
    assert.match(refusals[0].reason ?? '', /MCP tool call refused: context_write: invalid arguments/);
    await assert.rejects(client.readResource({ uri: 'vextir://context/a/../b' }));
    const after = (await (await system.request('ivy', 'GET', '/api/audit?limit=1000')).json()) as { entries: Array<{ kind: string; target?: string; reason?: string }> };
    assert.ok(after.entries.some((entry) => entry.kind === 'access' && entry.target === '/api/mcp' && /MCP resource read refused/.test(entry.reason ?? '')));
  });
});

describe('POST /api/mcp over plain HTTP', () => {
  it('answers 401 problem+json with WWW-Authenticate without a valid token, and the SDK client cannot connect', async () => {
    const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } };
    for (const headers of [{}, { authorization: 'Bearer not-a-token' }]) {
      const response = await fetch(`${system.url}/api/mcp`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify(initialize) });
      assert.equal(response.status, 401);
      assert.equal(response.headers.get('content-type'), 'application/problem+json');
      assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer /);
      assert.equal(((await response.json()) as { title: string }).title, 'Unauthenticated');
    }
    const client = new Client({ name: 'anonymous', version: '1.0.0' });
    await assert.rejects(client.connect(new StreamableHTTPClientTransport(new URL(`${system.url}/api/mcp`))));
  });

  it('answers GET and DELETE with 405 and Allow: POST (no sessions, no server-sent stream)', async () => {
    for (const method of ['GET', 'DELETE']) {
      const response = await system.request('ada', method, '/api/mcp', { headers: { accept: 'text/event-stream' } });
      assert.equal(response.status, 405);
      assert.equal(response.headers.get('allow'), 'POST');
      await response.arrayBuffer();
    }
  });

  it('refuses a web page of another origin with 403 (DNS rebinding), and accepts its own origin', async () => {
    const ping = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' });
    const headers = { accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18' };
    const foreign = await system.request('ada', 'POST', '/api/mcp', { body: ping, headers: { ...headers, origin: 'http://attacker.example' } });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.headers.get('content-type'), 'application/problem+json');
    assert.match(((await foreign.json()) as { detail: string }).detail, /another origin \(http:\/\/attacker\.example\)/);
    const own = await system.request('ada', 'POST', '/api/mcp', { body: ping, headers: { ...headers, origin: new URL(system.url).origin } });
    assert.equal(own.status, 200);
    assert.deepEqual(await own.json(), { jsonrpc: '2.0', id: 1, result: {} });
  });

  it('answers a malformed JSON-RPC body with a JSON-RPC parse error', async () => {
    const response = await system.request('ada', 'POST', '/api/mcp', { body: '{not json', headers: { accept: 'application/json, text/event-stream' } });
    assert.equal(response.status, 400);
    const body = (await response.json()) as { error: { code: number } };
    assert.equal(body.error.code, -32700);
  });
});
