/**
 * POST /api/mcp on the Azure path: the SDK's MCP client talks to the registered Functions HTTP
 * handler (its fetch hands each request to the handler as the Functions host would), and each
 * tool call's event goes through Service Bus (the AMQP test broker) to the
 * UniversalEventProcessor, with records in Cosmos DB (the protocol server). A peek-lock
 * receiver plays the Functions host's Service Bus trigger in the background.
 */
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import functions from '@azure/functions';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startFunctionApp, type FunctionApp } from '../helpers/function-app.js';

const { HttpRequest, InvocationContext } = functions;

let app: FunctionApp;
let pumping = true;
let pump: Promise<void>;

beforeAll(async () => {
  app = await startFunctionApp({ lockMs: 5_000, drivers: [] });
  pump = (async () => {
    while (pumping) {
      const messages = await app.receiver.receiveMessages(10, { maxWaitTimeInMs: 100 });
      for (const message of messages) {
        // As the host does: complete when the handler returns, abandon (redeliver) when it throws.
        await app.invoke(message).then(
          () => app.receiver.completeMessage(message),
          () => app.receiver.abandonMessage(message),
        );
      }
    }
  })();
});

afterAll(async () => {
  pumping = false;
  await pump;
  await app.close();
});

/** The Functions host's part for HTTP: a web Request becomes an HttpRequest for the handler, its answer a web Response. */
async function functionsFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const request = new Request(input, init);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const body = request.method === 'POST' ? { string: await request.text() } : undefined;
  const answer = await app.http(new HttpRequest({ method: request.method, url: request.url, headers, ...(body !== undefined && { body }) }), new InvocationContext({ functionName: 'api' }));
  if (answer.body !== undefined && typeof answer.body !== 'string') throw new Error('the API answers /api/mcp with a string body');
  const payload = answer.body === undefined || answer.body === '' ? null : answer.body;
  return new Response(payload, { status: answer.status ?? 200, headers: answer.headers as Record<string, string> });
}

async function connect(user: string): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL('https://func.example/api/mcp'), {
    requestInit: { headers: { authorization: `Bearer ${await app.token(user)}` } },
    fetch: functionsFetch,
  });
  const client = new Client({ name: 'vextir-azure-test', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

function text(result: CallToolResult): string {
  return result.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

describe('Azure: POST /api/mcp -> Service Bus -> UniversalEventProcessor -> Cosmos', () => {
  it('writes and reads a document through the Functions handler, each call answered through the bus', async () => {
    const client = await connect('alice');
    const { tools } = await client.listTools();
    assert.ok(tools.some((tool) => tool.name === 'context_write'));
    const written = (await client.callTool({ name: 'context_write', arguments: { path: '/Notes/azure', content: { via: 'functions' } } })) as CallToolResult;
    assert.notEqual(written.isError, true, text(written));
    const read = (await client.callTool({ name: 'context_read', arguments: { path: '/Notes/azure' } })) as CallToolResult;
    assert.deepEqual((read.structuredContent?.['entry'] as { content: unknown }).content, { via: 'functions' });
    const denied = (await client.callTool({ name: 'context_read', arguments: { path: '/Notes/azure', owner: 'bob' } })) as CallToolResult;
    assert.equal(denied.isError, true);
    assert.match(text(denied), /denied by acl/);
    await client.close();
  });

  it('refuses a request without a token with 401 and WWW-Authenticate', async () => {
    const response = await functionsFetch('https://func.example/api/mcp', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{}' });
    assert.equal(response.status, 401);
    assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer /);
  });
});
