/** GET /api/context: query, full-text search and the root listing, over the in-memory store. */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { apiFixture, assertProblem, send, type ApiFixture } from './helpers.js';

const ENVELOPE = { 'content-type': 'application/vnd.vextir.context+json' };

async function seeded(): Promise<{ fixture: ApiFixture; token: string }> {
  const fixture = apiFixture();
  const token = await fixture.token('alice');
  const documents: Array<[string, unknown, Record<string, unknown>]> = [
    ['/Projects/Alpha/status', 'Alpha is on track for the quarterly report', { priority: 'high' }],
    ['/Projects/Beta/status', 'Beta waits for design review', { priority: 'low' }],
    ['/Projects/Gamma/brief', { summary: 'quarterly planning' }, { priority: 'high' }],
    ['/Notes/idea', 'quarterly report quarterly report: draft the quarterly numbers', { priority: 'high' }],
  ];
  for (const [path, content, metadata] of documents) {
    fixture.clock.advance(1000);
    const response = await send(fixture, 'PUT', `/api/context${path}`, { token, headers: ENVELOPE, body: JSON.stringify({ content, metadata }) });
    assert.equal(response.status, 201, response.text);
  }
  return { fixture, token };
}

describe('GET /api/context?prefix=&where=', () => {
  it('answers the seed query: everything under /Projects/ with priority high, newest first', async () => {
    const { fixture, token } = await seeded();
    const query = new URLSearchParams({ prefix: '/Projects/', where: 'priority = "high"', orderBy: 'updatedAt desc', limit: '20' });
    const response = await send(fixture, 'GET', `/api/context?${query.toString()}`, { token });
    assert.equal(response.status, 200, response.text);
    const body = response.json() as { prefix: string; entries: Array<{ path: string; metadata: unknown; content?: unknown }> };
    assert.equal(body.prefix, '/Projects');
    assert.deepEqual(body.entries.map((entry) => entry.path), ['/Projects/Gamma/brief', '/Projects/Alpha/status']);
    assert.ok(body.entries.every((entry) => entry.content === undefined));
  });

  it('lists folders too with kinds, and honours limit', async () => {
    const { fixture, token } = await seeded();
    const response = await send(fixture, 'GET', '/api/context?prefix=/Projects&kinds=folder&orderBy=path', { token });
    const paths = (response.json() as { entries: Array<{ path: string }> }).entries.map((entry) => entry.path);
    assert.deepEqual(paths, ['/Projects', '/Projects/Alpha', '/Projects/Beta', '/Projects/Gamma'], 'the prefix folder itself is at or below it');
    const limited = await send(fixture, 'GET', '/api/context?prefix=/&limit=1', { token });
    assert.equal((limited.json() as { entries: unknown[] }).entries.length, 1);
  });

  it('refuses a bad query with 400 naming the parameter', async () => {
    const { fixture, token } = await seeded();
    const problem = assertProblem(await send(fixture, 'GET', `/api/context?${new URLSearchParams({ where: 'priority = ' }).toString()}`, { token }), 400, { field: 'where' });
    assert.match(problem.detail, /column/);
    assertProblem(await send(fixture, 'GET', '/api/context?prefix=/Projects&limit=1001', { token }), 400, { field: 'limit' });
    assertProblem(await send(fixture, 'GET', '/api/context?prefix=/Projects&orderBy=colour%20sideways', { token }), 400, { field: 'orderBy' });
    assertProblem(await send(fixture, 'GET', '/api/context?prefix=Projects', { token }), 400, { field: 'prefix' });
    assertProblem(await send(fixture, 'GET', '/api/context?prefix=/Projects&cursor=x', { token }), 400, { field: 'cursor' });
  });
});

describe('GET /api/context?search=', () => {
  it('ranks documents by relevance and stays under the prefix', async () => {
    const { fixture, token } = await seeded();
    const all = (await send(fixture, 'GET', `/api/context?${new URLSearchParams({ search: 'quarterly report' }).toString()}`, { token })).json() as { hits: Array<{ entry: { path: string }; score: number }> };
    assert.ok(all.hits.length >= 2, JSON.stringify(all));
    assert.equal(all.hits[0]?.entry.path, '/Notes/idea', 'the document that says it most often ranks first');
    for (let i = 1; i < all.hits.length; i += 1) assert.ok((all.hits[i - 1]?.score ?? 0) >= (all.hits[i]?.score ?? 0));
    const projects = (await send(fixture, 'GET', `/api/context?${new URLSearchParams({ search: 'quarterly', prefix: '/Projects' }).toString()}`, { token })).json() as { hits: Array<{ entry: { path: string } }> };
    assert.deepEqual(projects.hits.map((hit) => hit.entry.path).sort(), ['/Projects/Alpha/status', '/Projects/Gamma/brief']);
  });

  it('refuses query parameters mixed into a search', async () => {
    const { fixture, token } = await seeded();
    assertProblem(await send(fixture, 'GET', `/api/context?${new URLSearchParams({ search: 'x', where: 'a = 1' }).toString()}`, { token }), 400, { field: 'where' });
    assertProblem(await send(fixture, 'GET', '/api/context?search=', { token }), 400, { field: 'search' });
  });
});

describe('GET /api/context without a query', () => {
  it('lists the root folder, with a cursor', async () => {
    const { fixture, token } = await seeded();
    const first = (await send(fixture, 'GET', '/api/context?limit=2', { token })).json() as { path: string; entries: Array<{ path: string }>; next?: string };
    assert.equal(first.path, '/');
    assert.deepEqual(first.entries.map((entry) => entry.path), ['/Documents', '/Notes']);
    const rest = (await send(fixture, 'GET', `/api/context?limit=10&cursor=${encodeURIComponent(first.next ?? '')}`, { token })).json() as { entries: Array<{ path: string }> };
    assert.deepEqual(rest.entries.map((entry) => entry.path), ['/Projects', '/Research', '/Welcome']);
  });
});
