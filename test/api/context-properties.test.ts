/**
 * Property tests on the Context Hub and policy endpoints: whatever path, query, headers and body
 * a caller sends, the answer is a 2xx/3xx or a 4xx problem, never a 5xx; and a write is either
 * refused or readable back exactly.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import fc from 'fast-check';
import { apiFixture, send } from './helpers.js';

const RUNS = 200;

const pathText = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.array(fc.oneof(fc.constantFrom('..', '.', '', '%2e%2e', '%2F', '%00', '\uFF0E', '\u202E', 'a b', 'Ünï', '~'), fc.stringMatching(/^[A-Za-z0-9_-]{1,8}$/)), { maxLength: 8 }).map((parts) => parts.join('/')),
);
const contentTypes = fc.constantFrom('application/json', 'text/plain', 'text/markdown; charset=utf-8', 'application/vnd.vextir.context+json', 'application/xml', 'text/plain; charset=latin1', '');
const queryParams = fc.dictionary(fc.constantFrom('prefix', 'where', 'orderBy', 'limit', 'kinds', 'search', 'owner', 'view', 'version', 'recursive', 'action', 'cursor'), fc.string({ maxLength: 40 }), { maxKeys: 4 });

function url(path: string, params: Record<string, string>): string {
  const query = new URLSearchParams(params).toString();
  return `/api/context/${path}${query ? `?${query}` : ''}`;
}

describe('Context Hub and policies over HTTP, properties', () => {
  it('never answers 5xx to any path, query, content type or body', async () => {
    const fixture = apiFixture();
    const token = await fixture.token('prop');
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'PUT', 'DELETE', 'POST', 'HEAD'),
        pathText,
        queryParams,
        contentTypes,
        fc.oneof(fc.string({ maxLength: 200 }), fc.json({ maxDepth: 3 })),
        async (method, path, params, contentType, body) => {
          const headers: Record<string, string> = contentType === '' ? {} : { 'content-type': contentType };
          const response = await send(fixture, method, url(encodeURI(path).replaceAll('%25', '%'), params), { token, headers, body });
          assert.ok(response.status < 500, `${method} ${path} ${JSON.stringify(params)} -> ${response.status} ${response.text.slice(0, 300)}`);
          if (response.status >= 400) assert.match(response.headers['content-type'] ?? '', /problem\+json/);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('reads back exactly what a successful JSON write stored', async () => {
    const fixture = apiFixture();
    const token = await fixture.token('prop');
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/), fc.jsonValue({ maxDepth: 3 }), async (name, value) => {
        const path = `/api/context/Notes/${name}`;
        const put = await send(fixture, 'PUT', path, { token, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) });
        if (put.status >= 400) return; // refused (e.g. too large): fine, as long as it is a 4xx
        const got = await send(fixture, 'GET', path, { token });
        assert.equal(got.status, 200);
        assert.deepEqual(got.json(), JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: RUNS },
    );
  });

  it('never answers 5xx to arbitrary policy documents and dry runs', async () => {
    const fixture = apiFixture();
    const token = await fixture.token('prop');
    const condition = fc.oneof(fc.string({ maxLength: 80 }), fc.constantFrom('event.type == "x"', 'usage.cost_month > 1.0', 'pii.found', 'event.data.a.b > 1', '1 / 0 == 1', 'event.data.xs.all(x, x > 1)'));
    const policy = fc.record({ id: fc.oneof(fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/), fc.string({ maxLength: 10 })), name: fc.string({ maxLength: 20 }), condition, action: fc.constantFrom('allow', 'deny', 'restrict', 'log', 'notify', 'require_approval', 'explode'), priority: fc.integer({ min: -2000, max: 2000 }) }, { requiredKeys: [] });
    await fc.assert(
      fc.asyncProperty(fc.array(policy, { maxLength: 4 }), fc.jsonValue({ maxDepth: 3 }), async (policies, data) => {
        const put = await send(fixture, 'PUT', '/api/policies', { token, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ policies }) });
        assert.ok(put.status === 200 || (put.status >= 400 && put.status < 500), `PUT -> ${put.status} ${put.text.slice(0, 300)}`);
        const dry = await send(fixture, 'POST', '/api/policies/test', { token, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ event: { type: 'x.y', data }, policies }) });
        assert.ok(dry.status === 200 || (dry.status >= 400 && dry.status < 500), `test -> ${dry.status} ${dry.text.slice(0, 300)}`);
      }),
      { numRuns: RUNS },
    );
  });
});
