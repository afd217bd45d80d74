/**
 * Ingest backpressure, in memory: once a user's delayed events (throttled, not yet run) reach
 * `maxDelayedEvents`, POST /api/events answers 429 with Retry-After (when the earliest waiting
 * round is due) and takes nothing in; the MCP server's emit_event refuses the same way, as a
 * tool error that says when to retry. Other users are not affected, and the bound lifts as the
 * delayed events run.
 */
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { describe, it } from 'vitest';
import { apiFixture, apiRequest, assertProblem, cloudEvent, send, STRUCTURED, type ApiFixture } from './helpers.js';

/** Delayed to the start of the next minute: the fixture's clock is at 00:00:00, so 60 s away. */
const NEXT_MINUTE = { window: 'minute' as const, start: new Date('2026-01-01T00:01:00.000Z') };

async function delay(fixture: ApiFixture, user: string, count: number): Promise<void> {
  for (let i = 0; i < count; i += 1) await fixture.services.security.delayed.moved(user, { to: NEXT_MINUTE });
}

const post = async (fixture: ApiFixture, user: string, id: string) => send(fixture, 'POST', '/api/events', { token: await fixture.token(user), headers: STRUCTURED, body: JSON.stringify(cloudEvent({ id })) });

describe('ingest backpressure (VEXTIR_MAX_DELAYED_EVENTS)', () => {
  it('answers 429 with Retry-After once the delayed events reach the bound, takes nothing in, and accepts again as they run', async () => {
    const fixture = apiFixture({ limits: { maxDelayedEvents: 3 } });
    await delay(fixture, 'alice', 2);
    assert.equal((await post(fixture, 'alice', 'a1')).status, 202, 'below the bound');

    await delay(fixture, 'alice', 1);
    const refused = await post(fixture, 'alice', 'a2');
    const problem = assertProblem(refused, 429);
    assert.equal(problem.type, 'urn:vextir:problem:rate_limited');
    assert.equal(refused.headers['retry-after'], '60', 'when the waiting round is due');
    assert.match(problem.detail, /^3 of your events are waiting for a rate limit .*at most 3 may wait.*retry in 60 s$/);
    assert.equal(await fixture.store.get('alice', 'a2'), undefined, 'nothing accepted');
    assert.equal(await fixture.queue.depth(), 1, 'only a1 is on the bus');

    assert.equal((await post(fixture, 'bob', 'b1')).status, 202, 'other users are not held back');

    await fixture.services.security.delayed.moved('alice', { from: NEXT_MINUTE }); // one of them ran
    assert.equal((await post(fixture, 'alice', 'a2')).status, 202);
  });

  it('MCP emit_event refuses with a tool error that says when to retry', async () => {
    const fixture = apiFixture({ limits: { maxDelayedEvents: 1 } });
    await delay(fixture, 'carol', 1);
    const transport = new StreamableHTTPClientTransport(new URL('http://localhost:7071/api/mcp'), {
      requestInit: { headers: { authorization: `Bearer ${await fixture.token('carol')}` } },
      fetch: async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
        const request = new Request(input, init);
        const headers: Record<string, string> = {};
        request.headers.forEach((value, name) => void (headers[name] = value));
        const answer = await fixture.api.handle(apiRequest(request.method, request.url, { headers, body: request.method === 'POST' ? await request.text() : undefined }));
        if ('stream' in answer) throw new Error('/api/mcp never streams');
        return new Response(answer.body === undefined || answer.body === '' ? null : answer.body, { status: answer.status, headers: answer.headers });
      },
    });
    const client = new Client({ name: 'in-memory', version: '1.0.0' });
    await client.connect(transport);
    const result = (await client.callTool({ name: 'emit_event', arguments: { type: 'meeting.schedule', data: {} } })) as CallToolResult;
    assert.equal(result.isError, true);
    const text = result.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
    assert.match(text, /^emit_event: 1 of your events are waiting for a rate limit .* retry in 60 s$/);
    assert.equal(await fixture.queue.depth(), 0, 'nothing accepted');
    await client.close();
  });
});
