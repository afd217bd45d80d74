/**
 * POST /api/mcp in memory, with no processor running: what a client gets when nothing answers
 * its call in time, what fire-and-forget calls leave behind, and the HTTP-level refusals. The
 * SDK's client is connected to the host-neutral API through its fetch option.
 */
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { describe, it } from 'vitest';
import { apiFixture, apiRequest, send, type ApiFixture } from './helpers.js';

/** The host's part: a web Request in, the API's answer out as a web Response. */
function fetchInto(fixture: ApiFixture) {
  return async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const body = request.method === 'POST' ? await request.text() : undefined;
    const answer = await fixture.api.handle(apiRequest(request.method, request.url, { headers, body }));
    if ('stream' in answer) throw new Error('/api/mcp never streams');
    return new Response(answer.body === undefined || answer.body === '' ? null : answer.body, { status: answer.status, headers: answer.headers });
  };
}

async function connect(fixture: ApiFixture, user: string): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL('http://localhost:7071/api/mcp'), {
    requestInit: { headers: { authorization: `Bearer ${await fixture.token(user)}` } },
    fetch: fetchInto(fixture),
  });
  const client = new Client({ name: 'in-memory', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

function text(result: CallToolResult): string {
  return result.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

describe('POST /api/mcp without a processor', () => {
  it('gives the event id instead of an answer when none comes in time; the event waits on the bus', async () => {
    const fixture = apiFixture({ limits: { mcpAnswerWaitMs: 1 } });
    const client = await connect(fixture, 'alice');
    const result = (await client.callTool({ name: 'context_read', arguments: { path: '/Notes/x' } })) as CallToolResult;
    assert.equal(result.isError, true);
    const eventId = /the event (\S+) is still accepted/.exec(text(result))?.[1];
    assert.ok(eventId, text(result));
    const record = await fixture.store.get('alice', eventId);
    assert.deepEqual([record?.type, record?.event.source, record?.event.data], ['context.read', '/mcp', { path: '/Notes/x' }]);
    assert.equal(await fixture.queue.depth(), 1);
    await client.close();
  });

  it('emit_event puts the event on the bus with the caller as its user, and returns its id', async () => {
    const fixture = apiFixture();
    const client = await connect(fixture, 'bob');
    const result = (await client.callTool({ name: 'emit_event', arguments: { type: 'meeting.schedule', data: { with: 'carol' } } })) as CallToolResult;
    assert.notEqual(result.isError, true, text(result));
    const eventId = String(result.structuredContent?.['eventId']);
    const record = await fixture.store.get('bob', eventId);
    assert.deepEqual([record?.status, record?.event.userid, record?.event.category, record?.event.data], ['accepted', 'bob', 'input', { with: 'carol' }]);
    assert.equal(await fixture.store.get('alice', eventId), undefined);
    await client.close();
  });

  it('answers at once that a call a rate limit delayed has not run yet, and when it will', async () => {
    const fixture = apiFixture({ limits: { mcpAnswerWaitMs: 10_000 } });
    const client = await connect(fixture, 'alice');
    const calling = client.callTool({ name: 'context_read', arguments: { path: '/Notes/x' } });
    // What the processor would record for it: throttled to the next minute.
    let record = (await fixture.store.list('alice', { limit: 1 }))[0];
    while (record === undefined) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      record = (await fixture.store.list('alice', { limit: 1 }))[0];
    }
    const throttle = { policy: 'rate-limit-minute', window: 'minute' as const, runAt: '2026-01-01T00:01:00.512Z' };
    const reason = 'Throttled by policy "rate-limit-minute": Rate limit: more than 600 events per minute; it runs again at the start of the next minute';
    await fixture.store.save({ ...record, status: 'throttled', decision: { allowed: false, authorizer: 'policy-engine', reason, policies: ['rate-limit-minute'], verdict: 'throttle', throttle }, throttle: { ...throttle, count: 1 } });
    fixture.changes.notify(['alice']);
    const result = (await calling) as CallToolResult;
    assert.notEqual(result.isError, true);
    assert.deepEqual(result.structuredContent, { status: 'throttled', eventId: record.id, reason, runAt: throttle.runAt });
    assert.match(text(result), /context_read has NOT run yet: a rate limit delayed it .*; it runs by itself at 2026-01-01T00:01:00.512Z\. Do not repeat the call/);
    await client.close();
  });

  it('refuses a body over the API limit with 413 problem+json, as POST /api/events does', async () => {
    const fixture = apiFixture({ limits: { maxBodyBytes: 1024 } });
    const call = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'context_write', arguments: { path: '/Notes/big', content: 'x'.repeat(2048) } } };
    const response = await send(fixture, 'POST', '/api/mcp', {
      token: await fixture.token('alice'),
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify(call),
    });
    assert.equal(response.status, 413);
    assert.equal(response.headers['content-type'], 'application/problem+json');
  });

  it('answers an unknown tool with an error result naming the tools', async () => {
    const fixture = apiFixture();
    const client = await connect(fixture, 'alice');
    const result = (await client.callTool({ name: 'shell_exec', arguments: {} })) as CallToolResult;
    assert.equal(result.isError, true);
    assert.match(text(result), /there is no tool "shell_exec"; the tools are context_read, context_write, context_query, context_search, emit_event, event_status/);
    await client.close();
  });
});
