/**
 * The Functions HTTP handler serves the same API as the local host. The Functions host cannot
 * be installed here (its installer downloads the runtime), so the handler is called with
 * `HttpRequest` / `InvocationContext` objects built by hand, as the host would pass them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import functions from '@azure/functions';
import { createHttpHandler } from '../../src/functions/http-adapter.js';
import { apiFixture } from '../api/helpers.js';

// A CommonJS package: Node's ESM loader exposes these classes only on the default export.
const { HttpRequest, InvocationContext } = functions;

function context(): InstanceType<typeof InvocationContext> {
  return new InvocationContext({ functionName: 'api', invocationId: 'test-invocation' });
}

/** A POST to /api/events as the Functions host would hand it to the handler. */
function postEvents(headers: Record<string, string>, body: string) {
  return new HttpRequest({ method: 'POST', url: 'https://vextir.example/api/events', headers, body: { string: body } });
}

async function text(body: unknown): Promise<string> {
  if (typeof body === 'string') return body;
  return Buffer.from(body as Uint8Array).toString('utf8');
}

describe('Azure Functions HTTP handler', () => {
  it('accepts a structured CloudEvent and serves its status, exactly as the local host does', async () => {
    const fixture = apiFixture();
    const handler = createHttpHandler(async () => fixture.api);
    const token = await fixture.token('alice');
    const post = await handler(
      postEvents(
        { authorization: `Bearer ${token}`, 'content-type': 'application/cloudevents+json' },
        JSON.stringify({ specversion: '1.0', id: 'f1', source: '/functions', type: 'demo.ping' }),
      ),
      context(),
    );
    assert.equal(post.status, 202);
    assert.deepEqual(JSON.parse(await text(post.body)), { ids: ['f1'] });
    assert.equal(await fixture.queue.depth(), 1);

    const get = await handler(
      new HttpRequest({ method: 'GET', url: 'https://vextir.example/api/events/f1', headers: { authorization: `Bearer ${token}` } }),
      context(),
    );
    assert.equal(get.status, 200);
    assert.equal((JSON.parse(await text(get.body)) as { status: string }).status, 'accepted');
  });

  it('serves the Context Hub on its catch-all path: PUT then GET with the ETag, encoded segments decoded once', async () => {
    const fixture = apiFixture();
    const handler = createHttpHandler(async () => fixture.api);
    const auth = { authorization: `Bearer ${await fixture.token('alice')}` };
    const url = 'https://vextir.example/api/context/Projects/Alpha%20Beta/status';
    const put = await handler(
      new HttpRequest({ method: 'PUT', url, headers: { ...auth, 'content-type': 'application/json', 'vextir-metadata': '{"priority":"high"}' }, body: { string: '{"phase":"development"}' } }),
      context(),
    );
    assert.equal(put.status, 201);
    const etag = new Headers(put.headers).get('etag');
    assert.ok(etag);
    const get = await handler(new HttpRequest({ method: 'GET', url, headers: auth }), context());
    assert.equal(get.status, 200);
    assert.deepEqual(JSON.parse(await text(get.body)), { phase: 'development' });
    assert.equal(new Headers(get.headers as ConstructorParameters<typeof Headers>[0]).get('etag'), etag);
    // The URL parser resolves dot segments (`%2e%2e` included) before routing, as the local host
    // does: the request stays in the caller's own hub (/x, absent: 404). What survives URL
    // parsing, such as a double-encoded `..`, reaches path normalization and is refused.
    const resolved = await handler(new HttpRequest({ method: 'GET', url: 'https://vextir.example/api/context/Projects/%2e%2e/x', headers: auth }), context());
    assert.equal(resolved.status, 404);
    const doubleEncoded = await handler(new HttpRequest({ method: 'GET', url: 'https://vextir.example/api/context/Projects/%252e%252e/x', headers: auth }), context());
    assert.equal(doubleEncoded.status, 400);
  });

  it('answers problem+json for bad input and never trusts a ce-userid header', async () => {
    const fixture = apiFixture();
    const handler = createHttpHandler(async () => fixture.api);
    const headers = {
      authorization: `Bearer ${await fixture.token('alice')}`,
      'ce-specversion': '1.0', 'ce-id': 'x1', 'ce-source': '/s', 'ce-type': 'demo.ping', 'ce-userid': 'bob',
      'content-type': 'application/json',
    };
    const response = await handler(postEvents(headers, '{}'), context());
    assert.equal(response.status, 400);
    assert.equal((response.headers as Record<string, string>)['content-type'], 'application/problem+json');
    assert.match(await text(response.body), /ce-userid/);
    assert.equal(await fixture.queue.depth(), 0);
  });

  it('refuses a body over the limit with 413 before parsing it', async () => {
    const fixture = apiFixture();
    const handler = createHttpHandler(async () => fixture.api);
    const headers = { authorization: `Bearer ${await fixture.token('alice')}`, 'content-type': 'application/json' };
    const response = await handler(postEvents(headers, 'x'.repeat(300 * 1024)), context());
    assert.equal(response.status, 413);
  });

  it('answers 401 without a token', async () => {
    const fixture = apiFixture();
    const handler = createHttpHandler(async () => fixture.api);
    const response = await handler(new HttpRequest({ method: 'GET', url: 'https://vextir.example/api/events' }), context());
    assert.equal(response.status, 401);
  });
});
