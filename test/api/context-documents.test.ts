/** PUT / GET / HEAD / DELETE /api/context/{path} over the in-memory store, called in memory. */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { apiFixture, assertProblem, send, type ApiFixture } from './helpers.js';

const JSON_BODY = { 'content-type': 'application/json' };
const ENVELOPE = { 'content-type': 'application/vnd.vextir.context+json' };

async function setup(options: Parameters<typeof apiFixture>[0] = {}): Promise<{ fixture: ApiFixture; token: string }> {
  const fixture = apiFixture(options);
  return { fixture, token: await fixture.token('alice') };
}

describe('PUT then GET a document', () => {
  it('creates (201) with ETag and Location, then serves the JSON with its validators', async () => {
    const { fixture, token } = await setup();
    const put = await send(fixture, 'PUT', '/api/context/Projects/Alpha/status', { token, headers: JSON_BODY, body: '{"state":"green","done":3}' });
    assert.equal(put.status, 201, put.text);
    const created = put.json() as { path: string; kind: string; version: number; etag: string; content?: unknown };
    assert.equal(created.path, '/Projects/Alpha/status');
    assert.equal(created.kind, 'document');
    assert.equal(created.version, 1);
    assert.equal(created.content, undefined, 'a write answers with the summary, not the content');
    assert.equal(put.headers['etag'], `"${created.etag}"`);
    assert.equal(put.headers['location'], '/api/context/Projects/Alpha/status');

    const get = await send(fixture, 'GET', '/api/context/Projects/Alpha/status', { token });
    assert.equal(get.status, 200);
    assert.equal(get.headers['content-type'], 'application/json');
    assert.deepEqual(get.json(), { state: 'green', done: 3 });
    assert.equal(get.headers['etag'], put.headers['etag']);
    assert.equal(get.headers['vextir-version'], '1');
    assert.equal(get.headers['vextir-kind'], 'document');
    assert.match(get.headers['last-modified'] ?? '', /GMT$/);

    const again = await send(fixture, 'PUT', '/api/context/Projects/Alpha/status', { token, headers: JSON_BODY, body: '{"state":"amber"}' });
    assert.equal(again.status, 200);
    assert.equal((again.json() as { version: number }).version, 2);
  });

  it('answers 304 to If-None-Match with the current ETag, 200 with an old one', async () => {
    const { fixture, token } = await setup();
    const put = await send(fixture, 'PUT', '/api/context/Notes/a', { token, headers: JSON_BODY, body: '1' });
    const etag = put.headers['etag'] ?? '';
    const fresh = await send(fixture, 'GET', '/api/context/Notes/a', { token, headers: { 'if-none-match': etag } });
    assert.equal(fresh.status, 304);
    assert.equal(fresh.text, '');
    assert.equal(fresh.headers['etag'], etag);
    await send(fixture, 'PUT', '/api/context/Notes/a', { token, headers: JSON_BODY, body: '2' });
    const stale = await send(fixture, 'GET', '/api/context/Notes/a', { token, headers: { 'if-none-match': etag } });
    assert.equal(stale.status, 200);
    assert.equal(stale.text, '2');
  });

  it('stores text with its media type and serves it back as text', async () => {
    const { fixture, token } = await setup();
    const put = await send(fixture, 'PUT', '/api/context/Notes/todo.md', { token, headers: { 'content-type': 'text/markdown; charset=utf-8' }, body: '# Todo\n- ship it ✓' });
    assert.equal(put.status, 201, put.text);
    const get = await send(fixture, 'GET', '/api/context/Notes/todo.md', { token });
    assert.equal(get.headers['content-type'], 'text/markdown; charset=utf-8');
    assert.equal(get.text, '# Todo\n- ship it ✓');
  });

  it('takes metadata from the envelope or the Vextir-Metadata header, and keeps it when a write has none', async () => {
    const { fixture, token } = await setup();
    const put = await send(fixture, 'PUT', '/api/context/Projects/report', { token, headers: ENVELOPE, body: JSON.stringify({ content: 'Q3 draft', contentType: 'text/markdown', metadata: { priority: 'high', owner: 'zoë' } }) });
    assert.equal(put.status, 201, put.text);
    const header = JSON.parse(put.headers['vextir-metadata'] ?? '{}') as Record<string, unknown>;
    assert.deepEqual(header, { priority: 'high', owner: 'zoë' });
    assert.match(put.headers['vextir-metadata'] ?? '', /^[\x20-\x7e]+$/, 'the header is ASCII');

    await send(fixture, 'PUT', '/api/context/Projects/report', { token, headers: { 'content-type': 'text/markdown' }, body: 'Q3 final' });
    const entry = (await send(fixture, 'GET', '/api/context/Projects/report?view=entry', { token })).json() as { content: string; metadata: unknown; version: number; contentType: string };
    assert.deepEqual(entry, { ...entry, content: 'Q3 final', metadata: { priority: 'high', owner: 'zoë' }, version: 2, contentType: 'text/markdown' });

    await send(fixture, 'PUT', '/api/context/Projects/report', { token, headers: { 'content-type': 'text/plain', 'vextir-metadata': '{"priority":"low"}' }, body: 'x' });
    const cleared = (await send(fixture, 'GET', '/api/context/Projects/report?view=entry', { token })).json() as { metadata: unknown };
    assert.deepEqual(cleared.metadata, { priority: 'low' });
  });

  it('refuses a stale If-Match with 412 and honours a current one', async () => {
    const { fixture, token } = await setup();
    const first = await send(fixture, 'PUT', '/api/context/Notes/n', { token, headers: JSON_BODY, body: '"v1"' });
    const etag = first.headers['etag'] ?? '';
    const second = await send(fixture, 'PUT', '/api/context/Notes/n', { token, headers: { ...JSON_BODY, 'if-match': etag }, body: '"v2"' });
    assert.equal(second.status, 200, second.text);
    assertProblem(await send(fixture, 'PUT', '/api/context/Notes/n', { token, headers: { ...JSON_BODY, 'if-match': etag }, body: '"v3"' }), 412);
    assert.equal((await send(fixture, 'GET', '/api/context/Notes/n', { token })).text, '"v2"');
    assertProblem(await send(fixture, 'PUT', '/api/context/Notes/missing', { token, headers: { ...JSON_BODY, 'if-match': '*' }, body: '1' }), 412);
  });

  it('creates only once with If-None-Match: *', async () => {
    const { fixture, token } = await setup();
    const headers = { ...JSON_BODY, 'if-none-match': '*' };
    assert.equal((await send(fixture, 'PUT', '/api/context/Notes/once', { token, headers, body: '1' })).status, 201);
    assertProblem(await send(fixture, 'PUT', '/api/context/Notes/once', { token, headers, body: '2' }), 412);
    assertProblem(await send(fixture, 'PUT', '/api/context/Notes/once', { token, headers: { ...JSON_BODY, 'if-none-match': '"abc"' }, body: '2' }), 400, { field: 'if-none-match' });
  });

  it('answers HEAD with the headers only', async () => {
    const { fixture, token } = await setup();
    await send(fixture, 'PUT', '/api/context/Notes/h', { token, headers: JSON_BODY, body: '{"a":1}' });
    const head = await send(fixture, 'HEAD', '/api/context/Notes/h', { token });
    assert.equal(head.status, 200);
    assert.equal(head.text, '');
    assert.match(head.headers['etag'] ?? '', /^".+"$/);
    assertProblem(await send(fixture, 'GET', '/api/context/Notes/nothing', { token }), 404);
  });
});

describe('limits and bad input', () => {
  it('answers 413 naming the body for a document over the limit', async () => {
    const { fixture, token } = await setup({ limits: { maxContextDocumentBytes: 4096 }, contextLimits: { maxDocumentBytes: 4096 } });
    const problem = assertProblem(await send(fixture, 'PUT', '/api/context/Notes/big', { token, headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(4097) }), 413, { field: 'body' });
    assert.match(problem.detail, /at most 4096 bytes/);
    assertProblem(await send(fixture, 'PUT', '/api/context/Notes/big', { token, headers: JSON_BODY, body: JSON.stringify('y'.repeat(4100)) }), 413, { field: 'body' });
    // Pretty-printed JSON is judged by its size as stored, not by the request's whitespace.
    assert.equal((await send(fixture, 'PUT', '/api/context/Notes/pretty', { token, headers: JSON_BODY, body: `{"a": "${'z'.repeat(3000)}"}${' '.repeat(3000)}` })).status, 201);
    assert.equal((await send(fixture, 'PUT', '/api/context/Notes/fits', { token, headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(4096) })).status, 201);
  });

  it('answers 400 naming the path for a path that is too deep, traverses or is double-encoded', async () => {
    const { fixture, token } = await setup();
    const deep = Array.from({ length: 33 }, (_, i) => `d${i}`).join('/');
    const problem = assertProblem(await send(fixture, 'PUT', `/api/context/${deep}`, { token, headers: JSON_BODY, body: '1' }), 400, { field: 'path' });
    assert.match(problem.detail, /33 segments/);
    assertProblem(await send(fixture, 'GET', '/api/context/A//B', { token }), 400, { field: 'path' });
    assertProblem(await send(fixture, 'GET', '/api/context/A%252e%252e', { token }), 400, { field: 'path' });
    assertProblem(await send(fixture, 'GET', '/api/context/A%5CB', { token }), 400, { field: 'path' });
  });

  it('answers 415 for media types the hub does not store, and 400 for bad metadata or unknown parameters', async () => {
    const { fixture, token } = await setup();
    assertProblem(await send(fixture, 'PUT', '/api/context/Notes/x', { token, headers: { 'content-type': 'image/png' }, body: 'PNG' }), 415, { field: 'content-type' });
    assertProblem(await send(fixture, 'PUT', '/api/context/Notes/x', { token, body: 'no type' }), 415, { field: 'content-type' });
    assertProblem(await send(fixture, 'PUT', '/api/context/Notes/x', { token, headers: { 'content-type': 'text/plain', 'vextir-metadata': '[1]' }, body: 'x' }), 400, { field: 'vextir-metadata' });
    assertProblem(await send(fixture, 'PUT', '/api/context/Notes/x', { token, headers: ENVELOPE, body: '{"content":1,"extra":2}' }), 400, { pointer: '/extra' });
    assertProblem(await send(fixture, 'GET', '/api/context/Notes/x?colour=red', { token }), 400, { field: 'colour' });
  });
});

describe('DELETE and folders', () => {
  it('lists a folder by name with a cursor, and deletes a non-empty folder only recursively', async () => {
    const { fixture, token } = await setup();
    for (const name of ['c', 'a', 'b']) await send(fixture, 'PUT', `/api/context/Projects/Beta/${name}`, { token, headers: JSON_BODY, body: '1' });
    const first = (await send(fixture, 'GET', '/api/context/Projects/Beta?limit=2', { token })).json() as { path: string; entries: Array<{ path: string }>; next?: string };
    assert.deepEqual(first.entries.map((entry) => entry.path), ['/Projects/Beta/a', '/Projects/Beta/b']);
    assert.ok(first.next);
    const second = (await send(fixture, 'GET', `/api/context/Projects/Beta?limit=2&cursor=${encodeURIComponent(first.next)}`, { token })).json() as { entries: Array<{ path: string }>; next?: string };
    assert.deepEqual(second.entries.map((entry) => entry.path), ['/Projects/Beta/c']);
    assert.equal(second.next, undefined);

    assertProblem(await send(fixture, 'DELETE', '/api/context/Projects/Beta', { token }), 409);
    const removed = await send(fixture, 'DELETE', '/api/context/Projects/Beta?recursive=true', { token });
    assert.equal(removed.status, 200);
    assert.deepEqual(removed.json(), { path: '/Projects/Beta', removed: 4 });
    assertProblem(await send(fixture, 'GET', '/api/context/Projects/Beta/a', { token }), 404);
    assertProblem(await send(fixture, 'DELETE', '/api/context/Projects/Beta', { token }), 404);
  });

  it('deletes a document only when If-Match is current', async () => {
    const { fixture, token } = await setup();
    const put = await send(fixture, 'PUT', '/api/context/Notes/d', { token, headers: JSON_BODY, body: '1' });
    await send(fixture, 'PUT', '/api/context/Notes/d', { token, headers: JSON_BODY, body: '2' });
    assertProblem(await send(fixture, 'DELETE', '/api/context/Notes/d', { token, headers: { 'if-match': put.headers['etag'] ?? '' } }), 412);
    assert.equal((await send(fixture, 'DELETE', '/api/context/Notes/d', { token, headers: { 'if-match': '*' } })).status, 200);
  });
});

describe('a new user\'s workspace', () => {
  it('is provisioned on the first request: four folders and a welcome document, once', async () => {
    const { fixture, token } = await setup();
    const root = (await send(fixture, 'GET', '/api/context', { token })).json() as { path: string; entries: Array<{ path: string; kind: string }> };
    assert.equal(root.path, '/');
    assert.deepEqual(root.entries.map((entry) => `${entry.kind} ${entry.path}`), ['folder /Documents', 'folder /Notes', 'folder /Projects', 'folder /Research', 'document /Welcome']);
    const welcome = await send(fixture, 'GET', '/api/context/Welcome', { token });
    assert.equal(welcome.headers['content-type'], 'text/markdown; charset=utf-8');
    assert.match(welcome.text, /^# Welcome to your Context Hub/);

    await send(fixture, 'DELETE', '/api/context/Welcome', { token });
    await send(fixture, 'GET', '/api/context/Notes', { token });
    assertProblem(await send(fixture, 'GET', '/api/context/Welcome', { token }), 404, undefined);
  });
});
